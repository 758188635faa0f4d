// Rewards at a glance (Observable Plot, counted by the engine in SQL: stats-repo.ts): labeling
// progress of ended episodes split by where each reward came from (a person, AReaL's API, a default)
// and what is still unlabeled; the histogram of rewards per task, stacked by source; a session's
// reward over its episodes. The numbers per task are in a table. Unlabeled episodes are never drawn
// as a value: they have none.
import * as Plot from '@observablehq/plot';
import { useMemo } from 'react';
import { REWARD_SPLITS, type RewardSplit, type RewardStats } from '../../../../shared/stats.ts';
import { Legend, usePlot } from '../../components/chart.tsx';
import { plural, reward } from '../../format.ts';

type Split = RewardSplit;
export const SPLIT_COLOURS: Record<Split, string> = {
  human: '#3fb950',
  api: '#2f81f7',
  default: '#8b949e',
  unlabeled: '#d0d7de',
};
const SPLIT_WORDS: Record<Split, string> = {
  human: 'labeled by a person',
  api: 'set through the API',
  default: 'default',
  unlabeled: 'unlabeled',
};

export function RewardCharts({
  stats,
  sessionKey,
  by,
}: {
  stats: RewardStats;
  sessionKey: string;
  by: 'task' | 'group';
}) {
  const counts = stats.progress;
  const ended = REWARD_SPLITS.reduce((n, k) => n + counts[k], 0);
  const splits = REWARD_SPLITS.filter((k) => counts[k] > 0);
  const labeled = ended - counts.unlabeled;
  const domain = stats.domain;
  const taskRows = [...new Set(stats.bins.map((b) => b.task))];
  const rewardedSession = useMemo(() => (stats.session ?? []).filter((e) => e.reward !== null), [stats]);

  const progress = usePlot(
    (width) =>
      ended === 0
        ? null
        : Plot.plot({
            width,
            height: 36,
            margin: 0,
            marginBottom: 4,
            style: { background: 'transparent', color: 'currentColor' },
            x: { axis: null, domain: [0, ended] },
            y: { axis: null },
            marks: [
              Plot.barX(
                splits.map((k) => ({ split: k, n: counts[k] })),
                Plot.stackX({
                  x: 'n',
                  fill: (d) => SPLIT_COLOURS[d.split as Split],
                  title: (d) => `${SPLIT_WORDS[d.split as Split]}: ${d.n}`,
                }),
              ),
            ],
          }),
    [stats],
  );
  const histogram = usePlot(
    (width) =>
      stats.bins.length === 0
        ? null
        : Plot.plot({
            width,
            height: 50 + 70 * taskRows.length,
            marginLeft: 48,
            marginRight: 140,
            style: { background: 'transparent', color: 'currentColor' },
            x: { label: 'reward', domain, tickFormat: '~g' },
            y: { label: 'episodes', grid: true, tickFormat: '~s' },
            fy: { label: null, domain: taskRows },
            marks: [
              Plot.rectY(stats.bins, {
                x1: 'x1',
                x2: 'x2',
                y: 'count',
                fy: 'task',
                fill: (b) => SPLIT_COLOURS[b.source as Split],
                title: (b) =>
                  `${b.task}: ${plural(b.count, 'episode')} ${reward(b.x1)}–${reward(b.x2)} ` +
                  `(${SPLIT_WORDS[b.source as Split]})`,
                insetLeft: 0.5,
                insetRight: 0.5,
              }),
              Plot.ruleY([0]),
            ],
          }),
    [stats],
  );
  const overEpisodes = usePlot(
    (width) =>
      rewardedSession.length === 0
        ? null
        : Plot.plot({
            width,
            height: 160,
            marginLeft: 48,
            style: { background: 'transparent', color: 'currentColor' },
            x: { label: 'episode', tickFormat: 'd' },
            y: { label: 'reward', grid: true, domain, tickFormat: '~g' },
            marks: [
              Plot.line(rewardedSession, { x: 'index', y: 'reward', stroke: '#8b949e' }),
              Plot.dot(rewardedSession, {
                x: 'index',
                y: 'reward',
                fill: (e) => SPLIT_COLOURS[e.source as Split],
                r: 3.5,
                title: (e) => `episode ${e.index}: ${reward(e.reward)} (${SPLIT_WORDS[e.source as Split]})`,
              }),
            ],
          }),
    [rewardedSession, domain],
  );

  return (
    <section className="stats-section" aria-label="Rewards" data-testid="reward-charts">
      <h3>Rewards</h3>
      <p className="small" data-testid="labeling-progress">
        Rewarded: {labeled} of {plural(ended, 'ended episode')}
        {ended ? ` (${Math.round((100 * labeled) / ended)} %)` : ''} · {counts.unlabeled} unlabeled
      </p>
      <div className="row small muted">
        <Legend
          items={splits.map((k) => ({ key: k, label: `${SPLIT_WORDS[k]} ${counts[k]}`, colour: SPLIT_COLOURS[k] }))}
        />
      </div>
      <div ref={progress} className="chart-plot" data-testid="labeling-bar" />
      {stats.bins.length === 0 && <p className="muted small">No episode has a reward yet.</p>}
      <div ref={histogram} className="chart-plot" data-testid="reward-histogram" />
      {stats.session && (
        <>
          <h4>Reward over session {sessionKey}'s episodes</h4>
          <p className="small muted">
            {plural(stats.session.length, 'episode')}, {stats.session.length - rewardedSession.length} without a reward
            (not drawn)
          </p>
        </>
      )}
      {/* always in the page: its width is measured once, before anything is drawn into it */}
      <div ref={overEpisodes} className="chart-plot" data-testid="reward-over-episodes" />
      <details>
        <summary className="small">As a table</summary>
        <table className="small" data-testid="reward-table">
          <thead>
            <tr>
              <th>{by}</th>
              <th>episodes</th>
              <th>person</th>
              <th>API</th>
              <th>default</th>
              <th>unlabeled</th>
              <th>mean</th>
              <th>min</th>
              <th>max</th>
            </tr>
          </thead>
          <tbody>
            {stats.tasks.map((t) => (
              <tr key={t.task}>
                <td>{t.task}</td>
                <td>{t.episodes}</td>
                <td>{t.bySplit.human}</td>
                <td>{t.bySplit.api}</td>
                <td>{t.bySplit.default}</td>
                <td>{t.bySplit.unlabeled}</td>
                <td>{reward(t.mean === null ? null : Math.round(t.mean * 1000) / 1000)}</td>
                <td>{reward(t.min)}</td>
                <td>{reward(t.max)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
