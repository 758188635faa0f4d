// What the page shows instead of the workbench when it may not use the engine: a link without
// this run's token, a link from a run that has stopped, or no engine at the address at all.
import type { Locked as Why } from '../api/connect.ts';

const TEXT: Record<Why, { title: string; body: string }> = {
  other_run: {
    title: 'This link belongs to an engine run that has stopped',
    body:
      'The engine at this address was restarted since this page got its access. Open the URL the running ' +
      'engine printed (trajscope serve prints it, with a new token); links copied after that open directly.',
  },
  none: {
    title: 'This page needs the URL the engine printed',
    body:
      'Open the URL trajscope serve printed when it started (it carries a one-time token). After that, ' +
      'links copied from this workbench open directly in this browser while the engine runs.',
  },
  unreachable: {
    title: 'No engine answers at this address',
    body: 'Start it with npm start (or trajscope serve) and open the URL it prints.',
  },
};

export function Locked({ why }: { why: Why }) {
  const t = TEXT[why];
  return (
    <div className="locked" data-testid="locked" data-why={why}>
      <h1>{t.title}</h1>
      <p>{t.body}</p>
    </div>
  );
}
