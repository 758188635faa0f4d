// Pictures of a whole run: gateways' and the engine's memory and CPU over time, rewards (per task,
// where they came from, labeling progress, over a session's episodes), and calls' latency and sizes.
// A session chosen here narrows the rewards and calls to it.
import { useEffect, useState } from 'react';
import type { ResourceSeries } from '../../../../shared/resources.ts';
import type { CallStats, RewardStats } from '../../../../shared/stats.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { CallHistograms } from './CallHistograms.tsx';
import { loadCallStats, loadResources, loadRewardStats } from './data.ts';
import { RewardCharts } from './RewardCharts.tsx';
import { ResourceChart } from './ResourceChart.tsx';

const RANGES: Array<[string, number]> = [
  ['15 min', 15 * 60_000],
  ['1 h', 3600_000],
  ['6 h', 6 * 3600_000],
  ['24 h', 24 * 3600_000],
  ['7 days', 7 * 24 * 3600_000],
  ['30 days', 30 * 24 * 3600_000],
];
/** Ranges up to this follow new samples (every 5 s); longer ones are read once. */
const LIVE_UP_TO = 6 * 3600_000;

function Resources() {
  const store = useStoreApi();
  const [range, setRange] = useState(3600_000);
  const [series, setSeries] = useState<ResourceSeries | null>(null);
  const hub = useStore((s) => s.hosts.length > 0);
  useEffect(() => {
    let gone = false;
    const load = () => void loadResources(store, range).then((s) => !gone && s && setSeries(s));
    load();
    const timer = range <= LIVE_UP_TO ? setInterval(load, 5000) : null;
    return () => {
      gone = true;
      if (timer) clearInterval(timer);
    };
  }, [store, range]);
  return (
    <section className="stats-section" aria-label="Gateways over time">
      <header className="row">
        <h3>Gateways and engine over time</h3>
        <label className="small">
          range{' '}
          <select value={range} onChange={(e) => setRange(Number(e.target.value))} aria-label="Time range">
            {RANGES.map(([label, ms]) => (
              <option key={ms} value={ms}>
                last {label}
              </option>
            ))}
          </select>
        </label>
        {range <= LIVE_UP_TO && <span className="small muted">live</span>}
        {hub && (
          <span className="small muted" data-testid="resources-local">
            this engine's (the hub's) processes; each host's own are in its workbench. Rewards and calls below are every
            host's.
          </span>
        )}
      </header>
      {series === null ? (
        <p className="muted">Loading…</p>
      ) : series.times.length === 0 ? (
        <p className="muted">No samples in this range (the engine samples each second while it runs).</p>
      ) : (
        <ResourceChart series={series} />
      )}
    </section>
  );
}

export function StatsView() {
  const store = useStoreApi();
  const sessions = useStore((s) => s.sessions);
  const [sessionKey, setSessionKey] = useState('');
  const [rewards, setRewards] = useState<RewardStats | null>(null);
  const [by, setBy] = useState<'task' | 'group'>('task');
  const [calls, setCalls] = useState<CallStats | null>(null);
  const rewardsChanged = useStore((s) => s.rewards); // a label given anywhere redraws
  useEffect(() => {
    void loadRewardStats(store, sessionKey, by).then((r) => r && setRewards(r));
  }, [store, sessionKey, by, rewardsChanged]);
  useEffect(() => {
    void loadCallStats(store, sessionKey).then((c) => c && setCalls(c));
  }, [store, sessionKey]);
  return (
    <div className="stats-view" aria-label="Stats">
      <Resources />
      <div className="row">
        <label className="small">
          session{' '}
          <select value={sessionKey} onChange={(e) => setSessionKey(e.target.value)} aria-label="Session">
            <option value="">all sessions</option>
            {Object.keys(sessions).map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label className="small">
          rewards per{' '}
          <select value={by} onChange={(e) => setBy(e.target.value as 'task' | 'group')} aria-label="Rewards per">
            <option value="task">task</option>
            <option value="group">group of rollouts</option>
          </select>
        </label>
      </div>
      {rewards && <RewardCharts stats={rewards} sessionKey={sessionKey} by={by} />}
      {calls && <CallHistograms stats={calls} />}
    </div>
  );
}
