// `?`: every keyboard shortcut on one card.
import { modKey } from '../format.ts';
import { useStore, useStoreApi } from '../store/use-store.ts';
import { VIEW_LIST } from '../views.tsx';

const KEYS: Array<[string, string]> = [
  [`${modKey()}K`, 'command palette'],
  // a view's own shortcut, from the views table
  ...VIEW_LIST.flatMap(([, v]): Array<[string, string]> =>
    v.shortcut ? [[v.shortcut.keys, (v.command ?? v.tab ?? '').toLowerCase()]] : [],
  ),
  ['?', 'this cheatsheet'],
  ['N', 'new session'],
  ['↑ / ↓', 'move in the sessions list'],
  [`${modKey()}Enter`, 'send the message'],
  ['1–9, 0', 'labeling: label the episode (saved at once; a saved label asks first)'],
  ['Enter, j / →', 'labeling: next episode (Enter also confirms a replacement)'],
  ['k / ←', 'labeling: previous episode'],
  ['Esc', 'labeling: keep the saved label'],
  ['e', 'labeling: type a value'],
  ['n', 'labeling: add a note'],
  ['u', 'labeling: undo the last label'],
  ['b', 'labeling: browse labeled episodes / back to the queue'],
  ['Shift+R', 'replay the selected episode'],
  ['x', "open the turn's call as raw JSON"],
  ['F', `fork the selected call (${modKey()}Enter sends it)`],
  ['j / k, ← / →', 'group: next / previous rollout'],
  ['1–9, 0, Enter', 'group: label the rollout and move on'],
  ['s', 'group: sort the rollouts by reward'],
  ['d, d', 'group: mark two rollouts and diff them'],
  ['/', 'logs: search'],
  ['n / N', 'logs: next / previous match'],
  ['Esc', 'close a dialog'],
];

export function Cheatsheet() {
  const store = useStoreApi();
  const open = useStore((s) => s.cheatsheetOpen);
  if (!open) return null;
  return (
    <div className="overlay" onClick={() => store.getState().setCheatsheet(false)}>
      <div className="cheatsheet" role="dialog" aria-label="Keyboard shortcuts">
        <h3>Keyboard shortcuts</h3>
        <dl>
          {KEYS.map(([k, v]) => (
            <div key={`${k} ${v}`}>
              <dt>
                <kbd>{k}</kbd>
              </dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
