// What the page shows instead of the workbench when it may not use the engine: a link without
// this run's token, a link from a run that has stopped, or no engine at the address at all. Where
// an engine answers, the printed URL (or its token) can be pasted here, as into Jupyter's login
// page: it is checked with the engine first, then the page opens with it, keeping the link's view.
import { useState } from 'react';
import type { Locked as Why } from '../api/connect.ts';

const TEXT: Record<Why, { title: string; body: string }> = {
  other_run: {
    title: 'This link belongs to an engine run that has stopped',
    body:
      'The engine at this address was restarted since this page got its access. Open the URL the running ' +
      'engine printed (it has a new token), or paste it below; links copied after that open directly.',
  },
  none: {
    title: 'This page needs the URL the engine printed',
    body:
      'npm start (or trajscope serve) printed a line "workbench UI at http://…/?token=…" in its terminal. ' +
      'Open that URL, or paste it (or just its token) below. After that, links copied from this workbench ' +
      'open directly in this browser while the engine runs.',
  },
  unreachable: {
    title: 'No engine answers at this address',
    body: 'Start it with npm start (or trajscope serve) and open the URL it prints.',
  },
};

/** The token in what was pasted: a whole printed URL, or the token alone. */
export function pastedToken(text: string): string {
  const t = text.trim();
  try {
    return new URL(t).searchParams.get('token') ?? '';
  } catch {
    return t;
  }
}

function SignIn() {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async () => {
    const token = pastedToken(text);
    if (!token) {
      setProblem('That has no token: paste the whole URL the engine printed, or its token.');
      return;
    }
    const r = await fetch('/api/auth', { headers: { authorization: `Bearer ${token}` } }).catch(() => null);
    const state = r?.ok ? ((await r.json()) as { state?: string }).state : null;
    if (state !== 'ok') {
      setProblem(
        r
          ? "That is not this engine run's token: use the URL the running engine printed."
          : 'The engine did not answer.',
      );
      return;
    }
    // the engine trades the token for its cookie and sends the page on without it; the view stays
    window.location.assign(`/?token=${encodeURIComponent(token)}${window.location.hash}`);
  };
  return (
    <form
      className="row"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <input
        aria-label="Printed URL or token"
        placeholder="http://127.0.0.1:…/?token=…"
        autoComplete="off"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit">Open</button>
      {problem && (
        <p className="error-text" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}

export function Locked({ why }: { why: Why }) {
  const t = TEXT[why];
  return (
    <div className="locked" data-testid="locked" data-why={why}>
      <h1>{t.title}</h1>
      <p>{t.body}</p>
      {why !== 'unreachable' && <SignIn />}
    </div>
  );
}
