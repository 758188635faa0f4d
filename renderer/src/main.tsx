// Renderer entry: picks the transport (or says why it may not use the engine), loads the first
// snapshot, keeps the URL hash and the store's route in step (deep links), and renders the app.
import { createRoot } from 'react-dom/client';
import '@xterm/xterm/css/xterm.css';
import './styles.css';
import { connect } from './api/connect.ts';
import type { TrajscopeBridge } from './api/ipc.ts';
import { App } from './App.tsx';
import { Locked } from './components/Locked.tsx';
import { formatRoute, parseRoute } from './store/route.ts';
import { createWorkbenchStore } from './store/store.ts';
import { syncStore } from './store/sync.ts';
import { StoreContext } from './store/use-store.ts';

const root = createRoot(document.getElementById('root')!);
const access = await connect(window as unknown as Parameters<typeof connect>[0]);
if ('locked' in access) {
  root.render(<Locked why={access.locked} />);
} else {
  const store = createWorkbenchStore(access.api);
  store.setState({ route: parseRoute(location.hash) });
  window.addEventListener('hashchange', () => store.setState({ route: parseRoute(location.hash) }));
  // the desktop app: a trajscope:// link opened from elsewhere names the view to show
  (window as { trajscope?: TrajscopeBridge }).trajscope?.onNavigate?.((view) => (location.hash = view));
  store.subscribe((s, prev) => {
    if (s.route !== prev.route) {
      const hash = formatRoute(s.route);
      if (hash !== location.hash) history.pushState(null, '', hash);
    }
  });
  syncStore(store).catch((err: Error) =>
    store.getState().setNotice(`Cannot reach the engine: ${err.message}`, 'error'),
  );
  root.render(
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>,
  );
}
