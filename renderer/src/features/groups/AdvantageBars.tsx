// A group's advantages as bars from zero (GRPO's (r − mean) / (std + ε), computed once in
// shared/rollouts.ts): above the mean in green, below in red, a rollout without a reward or a group
// with fewer than two rewards named "–" and drawn as nothing. A click selects the rollout.
import * as Plot from '@observablehq/plot';
import type { Rollout } from '../../../../shared/rollouts.ts';
import { usePlot } from '../../components/chart.tsx';
import { reward } from '../../format.ts';

export function AdvantageBars({
  rollouts,
  selected,
  onSelect,
}: {
  rollouts: Rollout[];
  selected: number;
  onSelect: (i: number) => void;
}) {
  const rows = rollouts.map((r, i) => ({
    i,
    name: `${i + 1}. ${r.episode.sessionKey}`,
    advantage: r.advantage,
    reward: r.episode.reward,
  }));
  const host = usePlot(
    (width) => {
      const svg = Plot.plot({
        width: Math.min(width, 720),
        height: 24 + 20 * rows.length,
        marginLeft: 200,
        marginRight: 60,
        style: { background: 'transparent', color: 'currentColor' },
        x: { label: 'advantage', grid: true, domain: [-2.5, 2.5], clamp: true },
        y: {
          domain: rows.map((r) => r.name),
          label: null,
          tickFormat: (n: string) => (n.length > 30 ? `${n.slice(0, 29)}…` : n),
        },
        marks: [
          Plot.barX(
            rows.filter((r) => r.advantage !== null),
            {
              x: 'advantage',
              y: 'name',
              fill: (r) => (r.advantage! >= 0 ? '#3fb950' : '#da3633'),
              stroke: (r) => (r.i === selected ? 'currentColor' : 'none'),
              title: (r) => `${r.name}: reward ${reward(r.reward)}, advantage ${r.advantage!.toFixed(3)}`,
              className: 'advantage-bars',
            },
          ),
          Plot.text(rows, {
            x: 2.5,
            y: 'name',
            text: (r) => (r.advantage === null ? '–' : r.advantage.toFixed(2)),
            textAnchor: 'start',
            dx: 6,
          }),
          Plot.ruleX([0]),
        ],
      });
      svg.addEventListener('click', (e) => {
        const target = e.target as Element & { __data__?: unknown };
        if (!target.closest('.advantage-bars') || typeof target.__data__ !== 'number') return;
        const withAdvantage = rows.filter((r) => r.advantage !== null);
        const row = withAdvantage[target.__data__];
        if (row) onSelect(row.i);
      });
      return svg;
    },
    [rollouts, selected],
  );
  return <div ref={host} className="advantage-plot" data-testid="advantage-bars" aria-label="Advantages" />;
}
