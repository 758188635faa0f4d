// Renderer entry: picks the transport, loads the first snapshot, keeps the URL hash and the
// store's route in step (deep links), and renders the app.
import { createRoot } from 'react-dom/client';
import '@xterm/xterm/css/xterm.css';
import './styles.css';
import { connect } from './api/connect.ts';
import { App } from './App.tsx';
import { formatRoute, parseRoute } from './store/route.ts';
import { createWorkbenchStore } from './store/store.ts';
import { syncStore } from './store/sync.ts';
import { StoreContext } from './store/use-store.ts';

const api = connect(window as unknown as Parameters<typeof connect>[0]);
const store = createWorkbenchStore(api);
store.setState({ route: parseRoute(location.hash) });
window.addEventListener('hashchange', () => store.setState({ route: parseRoute(location.hash) }));
store.subscribe((s, prev) => {
  if (s.route !== prev.route) {
    const hash = formatRoute(s.route);
    if (hash !== location.hash) history.pushState(null, '', hash);
  }
});
syncStore(store).catch((err: Error) => store.getState().setNotice(`Cannot reach the engine: ${err.message}`, 'error'));

createRoot(document.getElementById('root')!).render(
  <StoreContext.Provider value={store}>
    <App />
  </StoreContext.Provider>,
);
