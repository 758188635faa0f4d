// The status bar's count of every OpenClaw gateway the engine runs and the memory they hold: the
// workbench's sessions, its warm pool and lab runs. Unknown while the engine does not answer.
import { bytes } from '../format.ts';
import { useStore } from '../store/use-store.ts';

export function GatewayMeter() {
  const stats = useStore((s) => s.gateways);
  const up = useStore((s) => s.connection.up);
  const available = useStore((s) => s.info?.openclaw.available);
  if (!stats || (!available && stats.alive === 0)) return null;
  if (!up) return <span className="muted small gateway-meter">gateways: unknown</span>;
  const parts = [`${stats.pooled} warm in the pool`, `${stats.lab} of lab runs`];
  const title =
    `${stats.alive} OpenClaw gateway process tree(s) running (${parts.join(', ')}); ` +
    `total RSS ${bytes(stats.rssBytes)}` +
    (stats.unmeasured ? `; ${stats.unmeasured} just started, not measured yet` : '');
  // a gateway just spawned has no sample yet: its memory is unknown, not 0 B
  const memory =
    stats.unmeasured === stats.alive
      ? 'memory not measured yet'
      : `${bytes(stats.rssBytes)}${stats.unmeasured ? ` + ${stats.unmeasured} not measured yet` : ''}`;
  return (
    <span
      className={`small gateway-meter${stats.underPressure ? ' warn' : ' muted'}`}
      title={title}
      data-testid="gateway-meter"
    >
      {stats.alive} gateway{stats.alive === 1 ? '' : 's'} · {stats.alive ? memory : bytes(0)}
      {stats.underPressure ? ` · memory pressure on ${stats.underPressure}` : ''}
    </span>
  );
}
