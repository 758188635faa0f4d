// The workbench frame: top bar, sessions rail, the current view, and the global keys
// (Ctrl/Cmd+K palette, Ctrl/Cmd+Shift+F search, ? cheatsheet, N new session).
import { modKey } from './format.ts';
import { useEffect, useState, type DragEvent } from 'react';
import { CommandPalette } from './components/CommandPalette.tsx';
import { Cheatsheet } from './components/Cheatsheet.tsx';
import { GatewayMeter } from './components/GatewayMeter.tsx';
import { HealthBanner } from './components/HealthBanner.tsx';
import { HostsBanner } from './components/HostsBanner.tsx';
import { ProgressStrip } from './components/ProgressStrip.tsx';
import { ExportDialog } from './features/export/ExportDialog.tsx';
import { ReplayDialog } from './features/rollouts/ReplayDialog.tsx';
import { SessionsRail } from './features/sessions/SessionsRail.tsx';
import { createSession, importFile } from './features/sessions/actions.ts';
import { isTyping } from './keyboard.ts';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';
import { useStore, useStoreApi } from './store/use-store.ts';
import { VIEW_LIST, VIEWS } from './views.tsx';

/** How long a notice that is not an error stays on screen. */
const NOTICE_MS = 8000;

export function App() {
  const store = useStoreApi();
  const route = useStore((s) => s.route);
  const view = route.view;
  const replayDialog = useStore((s) => s.replayDialog);
  const exportDialog = useStore((s) => s.exportDialog);
  const notice = useStore((s) => s.notice);
  // what went well goes by itself; an error or the engine's warning stays until it is dismissed
  useEffect(() => {
    if (!notice || notice.kind !== 'info') return;
    const seq = notice.seq;
    const t = setTimeout(() => {
      if (store.getState().notice?.seq === seq) store.getState().setNotice(null);
    }, NOTICE_MS);
    return () => clearTimeout(t);
  }, [notice, store]);
  const theme = useStore((s) => s.settings?.theme ?? 'system');
  const info = useStore((s) => s.info);
  const connection = useStore((s) => s.connection);
  const [dropping, setDropping] = useState(false);

  useEffect(() => {
    const dark =
      theme === 'dark' || (theme === 'system' && window.matchMedia?.('(prefers-color-scheme: dark)').matches);
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  }, [theme]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const st = store.getState();
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        st.setPalette(!st.paletteOpen);
        return;
      }
      const shortcut = VIEW_LIST.find(([, v]) => v.shortcut?.test(e));
      if (shortcut) {
        e.preventDefault();
        st.navigate({ view: shortcut[0], ...shortcut[1].reset });
        return;
      }
      if (isTyping(e) || st.paletteOpen) return;
      if (e.key === '?') st.setCheatsheet(!st.cheatsheetOpen);
      else if (e.key === 'Escape') st.setCheatsheet(false);
      else if (e.key === 'N' || (e.key === 'n' && st.route.view === 'sessions' && !e.ctrlKey && !e.metaKey))
        void createSession(store);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);

  // a dropped export file is imported wherever it lands
  const hasFiles = (e: DragEvent) => e.dataTransfer.types.includes('Files');
  const onDragOver = (e: DragEvent) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    setDropping(true);
  };
  const onDrop = (e: DragEvent) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    setDropping(false);
    for (const file of e.dataTransfer.files) void importFile(store, file);
  };
  return (
    <div
      className={connection.up ? 'app' : 'app offline'}
      onDragOver={onDragOver}
      onDragLeave={(e) => e.relatedTarget === null && setDropping(false)}
      onDrop={onDrop}
    >
      {dropping && (
        <div className="drop-overlay" data-testid="drop-overlay">
          Drop an exported trajectory file (AReaL or trajscope) to import it as read-only episodes
        </div>
      )}
      <HealthBanner />
      <HostsBanner />
      {!connection.up && (
        <div className="offline-banner" role="alert" data-testid="offline-banner">
          {connection.why === 'other_run' ? (
            <>
              <strong>The engine was restarted</strong> since {new Date(connection.since).toLocaleTimeString()}: this
              page belongs to the run that stopped. Open the URL the running engine printed (it carries a new token).
              What is shown is as of the old run.
            </>
          ) : (
            <>
              <strong>Engine disconnected</strong> since {new Date(connection.since).toLocaleTimeString()}: it does not
              answer. What is shown is as of then; live states and processes are unknown. Reconnecting by itself…
            </>
          )}
        </div>
      )}
      <header className="topbar">
        <span className="brand">Trajscope</span>
        <nav>
          {VIEW_LIST.map(
            ([v, entry]) =>
              entry.tab && (
                <button
                  key={v}
                  type="button"
                  className={view === v ? 'tab active' : 'tab'}
                  onClick={() => store.getState().navigate({ view: v, ...entry.reset })}
                >
                  {entry.tab}
                </button>
              ),
          )}
        </nav>
        <span className="spacer" />
        <GatewayMeter />
        {info && (
          <span className="muted small" title={info.dataDir}>
            {info.upstream.kind === 'scripted' ? 'scripted model' : info.upstream.model} · runtime {info.defaultRuntime}
          </span>
        )}
        <button
          type="button"
          className="ghost"
          onClick={() => store.getState().setPalette(true)}
          title={`Command palette (${modKey()}K)`}
        >
          {modKey()}K
        </button>
        <button
          type="button"
          className="ghost"
          onClick={() => store.getState().setCheatsheet(true)}
          title="Keyboard shortcuts (?)"
        >
          ?
        </button>
      </header>
      <ProgressStrip />
      <div className="body">
        {VIEWS[view].rail && (
          <ErrorBoundary what="The sessions list">
            <SessionsRail />
          </ErrorBoundary>
        )}
        <main className="main">
          <ErrorBoundary key={view} what={`The ${view} view`}>
            {VIEWS[view].render(route)}
          </ErrorBoundary>
        </main>
      </div>
      {notice && (
        <div className={`notice ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'}>
          <span>{notice.text}</span>
          <button type="button" className="ghost" aria-label="Dismiss" onClick={() => store.getState().setNotice(null)}>
            ×
          </button>
        </div>
      )}
      {replayDialog && <ReplayDialog episodeId={replayDialog} onClose={() => store.getState().setReplayDialog(null)} />}
      {exportDialog && (
        <ExportDialog sessionKey={exportDialog.sessionKey} onClose={() => store.getState().setExportDialog(null)} />
      )}
      <CommandPalette />
      <Cheatsheet />
    </div>
  );
}
