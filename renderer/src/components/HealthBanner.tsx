// A part of the engine that stopped on its own (a server that closed, a store that cannot write):
// the page can still reach the engine, but what depends on that part does not work. Said at the
// top until the engine restarts; the desktop app hears it over IPC like every other event.
import { useStore } from '../store/use-store.ts';

const PARTS: Record<string, string> = {
  'data-proxy': 'The DataProxy (sessions cannot take turns)',
  'upstream-recorder': 'The upstream recorder (model calls are not recorded nor answered)',
  'scripted-model': 'The embedded scripted model (sessions on it get no answers)',
  api: 'The UI server',
  store: 'The store (what happens now may not be saved)',
};

export function HealthBanner() {
  const down = useStore((s) => s.health.down);
  if (down.length === 0) return null;
  return (
    <div className="offline-banner" role="alert" data-testid="health-banner">
      {down.map((d) => (
        <div key={d.part}>
          <strong>{PARTS[d.part] ?? d.part} stopped</strong> at {new Date(d.at).toLocaleTimeString()}: {d.why}. Restart
          the engine; what it recorded is kept in its data dir.
        </div>
      ))}
    </div>
  );
}
