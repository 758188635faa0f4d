// The log pane's height and fold, kept with the UI's settings on the engine (the page's address
// changes with each run, so the browser's own storage would forget it). Moves show at once; the
// value is saved when a move ends, quietly: resizing is no news.
import { useEffect, useState } from 'react';
import type { Settings } from '../../../../shared/api.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';

export const MIN_HEIGHT = 80;
const DEFAULT: Settings['logPane'] = { height: 200, collapsed: false };

export function useLogPane(): [
  Settings['logPane'],
  (p: Settings['logPane']) => void,
  (p: Settings['logPane']) => void,
] {
  const store = useStoreApi();
  const saved = useStore((s) => s.settings?.logPane ?? DEFAULT);
  const [pane, setPane] = useState(saved);
  useEffect(() => setPane(saved), [saved]);
  const keep = (p: Settings['logPane']) => {
    setPane(p);
    void store
      .getState()
      .api.invoke('settings:set', { logPane: p })
      .then((settings) => store.setState({ settings }))
      .catch((e: Error) => store.getState().setNotice(`The log pane's size was not kept: ${e.message}`, 'warning'));
  };
  return [pane, setPane, keep];
}
