// Alerts over time, stacked by kind in the map's colours (counted by the engine in buckets of a
// minute to a week, as few as make ≤ 120), filtered by kind and session as the list is: when a run
// began to leak, and whether a fix stopped it. Numbers on hover and in a table.
import * as Plot from '@observablehq/plot';
import { useEffect, useState } from 'react';
import type { AlertTimes } from '../../../../shared/stats.ts';
import { usePlot } from '../../components/chart.tsx';
import { clock, plural } from '../../format.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { loadAlertTimes } from './actions.ts';
import { kindColour, kindLabel, useAlertKinds } from './alert-kinds.ts';

const BUCKET_WORDS: Record<number, string> = {
  60_000: '1 minute',
  300_000: '5 minutes',
  900_000: '15 minutes',
  3_600_000: '1 hour',
  21_600_000: '6 hours',
  86_400_000: '1 day',
  604_800_000: '1 week',
};
const bucketWords = (ms: number) => BUCKET_WORDS[ms] ?? `${Math.round(ms / 60_000)} minutes`;

export function AlertTimeline({ kind, sessionKey }: { kind: string; sessionKey: string }) {
  const store = useStoreApi();
  const kinds = useAlertKinds();
  const alertCount = useStore((s) => s.alerts.length); // a new alert redraws it
  const [data, setData] = useState<AlertTimes | null>(null);
  useEffect(() => {
    void loadAlertTimes(store, { kind, sessionKey }).then((d) => d && setData(d));
  }, [store, kind, sessionKey, alertCount]);
  const host = usePlot(
    (width) =>
      !data || data.buckets.length === 0
        ? null
        : Plot.plot({
            width,
            height: 120,
            marginLeft: 40,
            style: { background: 'transparent', color: 'currentColor' },
            // ten bars' room at least: one bucket is a bar, not the whole width
            x: {
              type: 'utc',
              label: null,
              domain: [
                new Date(data.buckets[0]!.at),
                new Date(Math.max(data.buckets.at(-1)!.at + data.bucketMs, data.buckets[0]!.at + 10 * data.bucketMs)),
              ],
            },
            y: { label: 'alerts', grid: true, tickFormat: '~s' },
            marks: [
              Plot.rectY(data.buckets, {
                x1: 'at',
                x2: (b) => b.at + data.bucketMs,
                y: 'count',
                fill: (b) => kindColour(kinds, b.kind),
                insetLeft: 0.5,
                title: (b) => `${clock(b.at)}: ${plural(b.count, 'alert')} ${kindLabel(kinds, b.kind)}`,
              }),
              Plot.ruleY([0]),
            ],
          }),
    [data, kinds],
  );
  const buckets = data?.buckets ?? [];
  const total = buckets.reduce((n, b) => n + b.count, 0);
  // always in the page (hidden while empty): its width is measured before anything is drawn into it
  return (
    <details className="alert-timeline" open hidden={buckets.length === 0} data-testid="alert-timeline">
      <summary>
        Over time: {plural(total, 'alert')}, each bar {bucketWords(data?.bucketMs ?? 0)}
      </summary>
      <div ref={host} />
      <details>
        <summary className="small">As a table</summary>
        <table className="small">
          <tbody>
            {buckets.map((b) => (
              <tr key={`${b.at}-${b.kind}`}>
                <td>{clock(b.at)}</td>
                <td>{kindLabel(kinds, b.kind)}</td>
                <td>{b.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </details>
  );
}
