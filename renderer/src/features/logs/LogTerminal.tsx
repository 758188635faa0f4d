// The gateway log terminal (xterm.js): live output with ANSI colours, search (/ then n / N),
// follow/pause, clear, copy, and a jump from a log line's time to the turn that was in flight.
// Log chunks never pass through the store: they are batched per animation frame into xterm.
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Terminal } from '@xterm/xterm';
import { useEffect, useRef, useState } from 'react';
import type { LogChunk } from '../../../../shared/domain.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { turnAt } from './turn-at.ts';
import { plainText, TerminalFilter } from '../../../../shared/terminal.ts';
import { listEpisodes, listTurns } from '../turns/data.ts';
import { recentLogs } from './data.ts';
import { PaneSplitter } from '../../components/PaneSplitter.tsx';
import { MIN_HEIGHT, useLogPane } from './log-pane.ts';

/** How much raw output "Copy" keeps (the terminal's own scrollback is about as long). */
const RAW_KEEP = 16 * 1024 * 1024;

export function LogTerminal({ sessionKey }: { sessionKey: string }) {
  const store = useStoreApi();
  const host = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const searchRef = useRef<SearchAddon | null>(null);
  const pausedRef = useRef(false);
  const heldRef = useRef<string[]>([]);
  const marksRef = useRef<Array<{ row: number; at: number }>>([]);
  const rawRef = useRef<string[]>([]);
  const rawBytes = useRef(0);
  const [paused, setPaused] = useState(false);
  const [held, setHeld] = useState(0);
  const [query, setQuery] = useState<string | null>(null);
  const [lines, setLines] = useState(0);
  // a shared gateway's lines carry no session: they are this session's while it sits there
  const sharedGateway = useStore((s) => {
    const g = s.sessions[sessionKey]?.gateway;
    return g?.shared ? g.gatewayId : null;
  });
  const sharedRef = useRef<string | null>(null);
  sharedRef.current = sharedGateway;
  const [pane, setPane, keepPane] = useLogPane();

  useEffect(() => {
    const term = new Terminal({
      convertEol: true,
      scrollback: 200_000,
      disableStdin: true,
      fontSize: 12,
      allowProposedApi: false,
      theme: { background: '#0d1117' },
    });
    const fit = new FitAddon();
    const search = new SearchAddon();
    term.loadAddon(fit);
    term.loadAddon(search);
    term.open(host.current!);
    fit.fit();
    termRef.current = term;
    searchRef.current = search;
    // At most ~128 KB reach xterm per animation frame, so a burst never blocks the page.
    let pending: string[] = [];
    let frame = 0;
    const FRAME_BUDGET = 128 * 1024;
    const flush = () => {
      frame = 0;
      let size = 0;
      let n = 0;
      while (n < pending.length && size < FRAME_BUDGET) size += pending[n++]!.length;
      const text = pending.slice(0, n).join('');
      pending = pending.slice(n);
      term.write(text, () => setLines(term.buffer.active.length));
      if (pending.length) frame = requestAnimationFrame(flush);
    };
    // Captured output is untrusted (model replies reach the logs): one filter per stream keeps
    // colours and drops whatever could clear, move, rewrite or hide; a split sequence stays whole.
    const filters = new Map<string, TerminalFilter>();
    const push = (c: LogChunk) => {
      marksRef.current.push({ row: term.buffer.active.length + pending.length, at: c.at });
      rawRef.current.push(c.text);
      rawBytes.current += c.text.length;
      while (rawBytes.current > RAW_KEEP && rawRef.current.length > 1)
        rawBytes.current -= rawRef.current.shift()!.length;
      let filter = filters.get(c.stream);
      if (!filter) filters.set(c.stream, (filter = new TerminalFilter()));
      const safe = filter.push(c.text);
      if (pausedRef.current) {
        heldRef.current.push(safe);
        setHeld(heldRef.current.length);
        return;
      }
      pending.push(safe);
      frame ||= requestAnimationFrame(flush);
    };
    const api = store.getState().api;
    let live: LogChunk[] = [];
    let loaded = false;
    const off = api.on('logs:chunk', (c) => {
      if (c.sessionKey !== sessionKey && !(c.sessionKey === null && c.gatewayId === sharedRef.current)) return;
      if (loaded) push(c);
      else live.push(c);
    });
    void recentLogs(store, { sessionKey })
      .then((recent) => {
        const last = recent.at(-1)?.at ?? 0;
        for (const c of recent) push(c);
        for (const c of live) if (c.at > last) push(c);
        live = [];
        loaded = true;
      })
      .catch(() => (loaded = true));
    // the pane is resized by its splitter and the window, folded to its bar: fit whenever it has a size
    const resized = new ResizeObserver(() => {
      if (host.current && host.current.clientHeight > 0) fit.fit();
    });
    resized.observe(host.current!);
    return () => {
      off();
      cancelAnimationFrame(frame);
      resized.disconnect();
      term.dispose();
      termRef.current = null;
      marksRef.current = [];
      rawRef.current = [];
      rawBytes.current = 0;
    };
  }, [sessionKey, store]);

  const togglePause = () => {
    const next = !pausedRef.current;
    pausedRef.current = next;
    setPaused(next);
    if (!next && heldRef.current.length) {
      termRef.current?.write(heldRef.current.join(''));
      heldRef.current = [];
      setHeld(0);
    }
    if (!next) termRef.current?.scrollToBottom();
  };
  // A selection copies what is selected; otherwise what the process wrote, not what the screen shows.
  const copy = () => {
    const selected = termRef.current?.getSelection();
    const text = selected || plainText(rawRef.current.join(''));
    void navigator.clipboard
      ?.writeText(text)
      .catch((e: Error) => store.getState().setNotice(`Copy failed: ${e.message}`, 'error'));
  };
  const jump = async (which: 'selection' | 'in-flight') => {
    const st = store.getState();
    const episodes = (await listEpisodes(store, { sessionKey, order: 'desc', limit: 50 })).items;
    const turns = (await Promise.all(episodes.map((e) => listTurns(store, { episodeId: e.id })))).flat();
    let target = null;
    if (which === 'in-flight') target = turns.find((t) => t.status === 'running') ?? null;
    else {
      const pos = termRef.current?.getSelectionPosition();
      const row = pos ? pos.start.y : (termRef.current?.buffer.active.viewportY ?? 0);
      const mark = [...marksRef.current].reverse().find((m) => m.row <= row);
      target = mark ? turnAt(turns, mark.at) : null;
    }
    if (target)
      st.navigate({ view: 'sessions', sessionKey, episodeId: target.episodeId, turnId: target.id, callId: null });
    else st.setNotice(which === 'in-flight' ? 'No turn is in flight.' : 'No turn was in flight at that line.');
  };
  const onKey = (e: React.KeyboardEvent) => {
    if (e.target instanceof HTMLInputElement) return;
    if (e.key === '/') {
      e.preventDefault();
      setQuery('');
    } else if (e.key === 'n' && query) searchRef.current?.findNext(query);
    else if (e.key === 'N' && query) searchRef.current?.findPrevious(query);
  };
  const collapsed = pane.collapsed;
  return (
    <section
      className={`log-pane ${collapsed ? 'collapsed' : ''}`}
      aria-label="Gateway logs"
      onKeyDown={onKey}
      tabIndex={-1}
      style={collapsed ? undefined : { height: pane.height }}
    >
      {!collapsed && (
        <PaneSplitter
          label="Resize the gateway logs"
          height={pane.height}
          min={MIN_HEIGHT}
          max={Math.max(MIN_HEIGHT, Math.round(window.innerHeight * 0.7))}
          onMove={(height) => setPane({ ...pane, height })}
          onDone={(height) => keepPane({ ...pane, height })}
        />
      )}
      <div className="row log-bar">
        <button
          type="button"
          className="link"
          aria-expanded={!collapsed}
          title={collapsed ? 'Show the gateway logs' : 'Fold the gateway logs to this bar'}
          onClick={() => keepPane({ ...pane, collapsed: !collapsed })}
        >
          {collapsed ? '▸' : '▾'}
        </button>
        <strong>Gateway logs</strong>
        <span className="muted small" data-testid="log-lines">
          {lines} lines{held ? ` · ${held} held while paused` : ''}
        </span>
        <span className="spacer" />
        {query !== null && (
          <input
            autoFocus
            aria-label="Search logs"
            placeholder="search, Enter = next"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') searchRef.current?.[e.shiftKey ? 'findPrevious' : 'findNext'](query);
              if (e.key === 'Escape') setQuery(null);
            }}
          />
        )}
        <button type="button" onClick={() => setQuery(query === null ? '' : null)} title="Search (/), then n / N">
          Search
        </button>
        <button type="button" onClick={togglePause} aria-pressed={paused}>
          {paused ? 'Follow' : 'Pause'}
        </button>
        <button type="button" onClick={() => termRef.current?.clear()}>
          Clear view
        </button>
        <button type="button" onClick={copy}>
          Copy
        </button>
        <button
          type="button"
          onClick={() => void jump('selection')}
          title="Open the turn in flight when the selected line was written"
        >
          Turn at line
        </button>
        <button type="button" onClick={() => void jump('in-flight')}>
          Turn in flight
        </button>
      </div>
      <div className="terminal" ref={host} data-testid="log-terminal" hidden={collapsed} />
    </section>
  );
}
