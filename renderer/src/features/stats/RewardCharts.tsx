// Rewards at a glance (Observable Plot): labeling progress of ended episodes split by where each
// reward came from (a person, AReaL's API, a default) and what is still unlabeled; the distribution
// of rewards per task, stacked by source; a session's reward over its episodes. The numbers per task
// are in a table. Unlabeled episodes are never drawn as a value: they have none.
import * as Plot from '@observablehq/plot';
import { useMemo } from 'react';
import type { RewardStats } from '../../../../shared/stats.ts';
import { Legend, usePlot } from '../../components/chart.tsx';
import { plural, reward } from '../../format.ts';

type Split = 'human' | 'api' | 'default' | 'unlabeled';
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
/** Tasks drawn as their own row; the rest share one. */
const TASK_ROWS = 8;

type Row = RewardStats['episodes'][number];
const splitOf = (e: Row): Split => e.source ?? 'unlabeled';

export interface TaskSummary {
  task: string;
  episodes: number;
  bySplit: Record<Split, number>;
  mean: number | null;
  min: number | null;
  max: number | null;
}

/** Per task (most episodes first): counts by source and the rewards' mean and range. */
export function summarize(episodes: Row[]): TaskSummary[] {
  const byTask = new Map<string, Row[]>();
  for (const e of episodes) {
    const t = e.taskId ?? '(no task)';
    const list = byTask.get(t);
    if (list) list.push(e);
    else byTask.set(t, [e]);
  }
  return [...byTask]
    .map(([task, rows]) => {
      const bySplit: Record<Split, number> = { human: 0, api: 0, default: 0, unlabeled: 0 };
      let sum = 0;
      let n = 0;
      let min: number | null = null;
      let max: number | null = null;
      for (const r of rows) {
        bySplit[splitOf(r)]++;
        if (r.reward === null) continue;
        sum += r.reward;
        n++;
        min = min === null ? r.reward : Math.min(min, r.reward);
        max = max === null ? r.reward : Math.max(max, r.reward);
      }
      return { task, episodes: rows.length, bySplit, mean: n ? sum / n : null, min, max };
    })
    .sort((a, b) => b.episodes - a.episodes);
}

export function RewardCharts({ stats, sessionKey }: { stats: RewardStats; sessionKey: string }) {
  const ended = useMemo(() => stats.episodes.filter((e) => e.ended), [stats]);
  const counts = useMemo(() => {
    const c: Record<Split, number> = { human: 0, api: 0, default: 0, unlabeled: 0 };
    for (const e of ended) c[splitOf(e)]++;
    return c;
  }, [ended]);
  const tasks = useMemo(() => summarize(stats.episodes), [stats]);
  const rewarded = useMemo(() => {
    const top = new Set(tasks.slice(0, TASK_ROWS).map((t) => t.task));
    return stats.episodes
      .filter((e) => e.reward !== null)
      .map((e) => {
        const t = e.taskId ?? '(no task)';
        return { reward: e.reward!, split: splitOf(e), task: top.has(t) ? t : 'other tasks' };
      });
  }, [stats, tasks]);
  const splits = (Object.keys(SPLIT_COLOURS) as Split[]).filter((k) => counts[k] > 0);
  // the usual 0–1 scale, widened to what was given: one reward is still a bar in its place
  const domain = useMemo(() => {
    let lo = 0;
    let hi = 1;
    for (const r of rewarded) {
      lo = Math.min(lo, r.reward);
      hi = Math.max(hi, r.reward);
    }
    return [lo, hi] as [number, number];
  }, [rewarded]);
  const labeled = ended.length - counts.unlabeled;

  const progress = usePlot(
    (width) =>
      ended.length === 0
        ? null
        : Plot.plot({
            width,
            height: 36,
            margin: 0,
            marginBottom: 4,
            style: { background: 'transparent', color: 'currentColor' },
            x: { axis: null, domain: [0, ended.length] },
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
    [counts, ended.length],
  );
  const taskRows = [...new Set(rewarded.map((r) => r.task))];
  const histogram = usePlot(
    (width) =>
      rewarded.length === 0
        ? null
        : Plot.plot({
            width,
            height: 50 + 70 * taskRows.length,
            marginLeft: 48,
            marginRight: 140,
            style: { background: 'transparent', color: 'currentColor' },
            x: { label: 'reward', domain, tickFormat: '~g' },
            y: { label: 'episodes', grid: true, tickFormat: '~g' },
            fy: { label: null, domain: taskRows },
            color: { domain: splits, range: splits.map((k) => SPLIT_COLOURS[k]) },
            marks: [
              Plot.rectY(
                rewarded,
                Plot.binX<Plot.RectYOptions>(
                  { y: 'count', title: (d: unknown[]) => `${d.length} episodes` },
                  { x: 'reward', fill: 'split', fy: 'task', thresholds: 20, domain },
                ),
              ),
              Plot.ruleY([0]),
            ],
          }),
    [rewarded, splits.join(), taskRows.join(), domain],
  );
  const ofSession = useMemo(
    () => (sessionKey ? stats.episodes.filter((e) => e.sessionKey === sessionKey) : []),
    [stats, sessionKey],
  );
  const overEpisodes = usePlot(
    (width) =>
      ofSession.filter((e) => e.reward !== null).length === 0
        ? null
        : Plot.plot({
            width,
            height: 160,
            marginLeft: 48,
            style: { background: 'transparent', color: 'currentColor' },
            x: { label: 'episode', tickFormat: 'd' },
            y: { label: 'reward', grid: true, domain, tickFormat: '~g' },
            marks: [
              Plot.line(
                ofSession.filter((e) => e.reward !== null),
                { x: 'index', y: 'reward', stroke: '#8b949e' },
              ),
              Plot.dot(
                ofSession.filter((e) => e.reward !== null),
                {
                  x: 'index',
                  y: 'reward',
                  fill: (e) => SPLIT_COLOURS[splitOf(e)],
                  r: 3.5,
                  title: (e) => `episode ${e.index}: ${reward(e.reward)} (${SPLIT_WORDS[splitOf(e)]})`,
                },
              ),
            ],
          }),
    [ofSession, domain],
  );

  return (
    <section className="stats-section" aria-label="Rewards" data-testid="reward-charts">
      <h3>Rewards</h3>
      <p className="small" data-testid="labeling-progress">
        Rewarded: {labeled} of {plural(ended.length, 'ended episode')}
        {ended.length ? ` (${Math.round((100 * labeled) / ended.length)} %)` : ''} · {counts.unlabeled} unlabeled
        {stats.truncated ? ' · the newest 100,000 episodes' : ''}
      </p>
      <div className="row small muted">
        <Legend
          items={splits.map((k) => ({ key: k, label: `${SPLIT_WORDS[k]} ${counts[k]}`, colour: SPLIT_COLOURS[k] }))}
        />
      </div>
      <div ref={progress} className="chart-plot" data-testid="labeling-bar" />
      {rewarded.length === 0 && <p className="muted small">No episode has a reward yet.</p>}
      <div ref={histogram} className="chart-plot" data-testid="reward-histogram" />
      {sessionKey && (
        <>
          <h4>Reward over session {sessionKey}'s episodes</h4>
          <p className="small muted">
            {plural(ofSession.length, 'episode')}, {ofSession.filter((e) => e.reward === null).length} without a reward
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
              <th>task</th>
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
            {tasks.map((t) => (
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
