// Search everything recorded (SQLite FTS5 in the engine): what each call added to its prompt and
// what the model answered, newest first; a hit opens the call it was found in. Matches are marked
// by splitting the snippet on the engine's markers, so recorded text is only ever text.
import { Fragment, useEffect, useRef, useState } from 'react';
import type { SearchHit } from '../../../../shared/domain.ts';
import { clock } from '../../format.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { searchCalls } from './data.ts';

const MARK_START = '\u0001';
const MARK_END = '\u0002';
const TYPING_PAUSE_MS = 200;

export function SearchView() {
  const store = useStoreApi();
  const routed = useStore((s) => s.route.query) ?? '';
  const [text, setText] = useState(routed);
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [state, setState] = useState<{ ms: number; pending: number; error: string | null } | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  useEffect(() => {
    const query = text.trim();
    if (!query) {
      setHits([]);
      setNext(null);
      setState(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      store.getState().navigate({ query });
      const t0 = performance.now();
      searchCalls(store, { query, limit: 50 })
        .then((page) => {
          if (!live) return;
          setHits(page.items);
          setNext(page.next);
          setState({ ms: performance.now() - t0, pending: page.pending, error: null });
        })
        .catch((e: Error) => live && setState({ ms: 0, pending: 0, error: e.message }));
    }, TYPING_PAUSE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [text, store]);

  const more = async () => {
    if (!next) return;
    const page = await searchCalls(store, { query: text.trim(), limit: 50, cursor: next });
    setHits((h) => [...h, ...page.items]);
    setNext(page.next);
  };
  const open = (h: SearchHit) =>
    store.getState().navigate({
      view: 'sessions',
      sessionKey: h.sessionKey,
      episodeId: h.episodeId,
      turnId: h.turnId,
      tab: null,
      callId: h.turnId ? h.callId : null,
    });

  return (
    <div className="search-view">
      <h2>Search</h2>
      <input
        ref={input}
        type="search"
        aria-label="Search recorded text"
        placeholder='words (all must match) or "a phrase" — prompts as sent and answers, every session'
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      {state?.error && (
        <p className="error" role="alert">
          {state.error}
        </p>
      )}
      {state && !state.error && (
        <p className="muted small" data-testid="search-status">
          {hits.length}
          {next ? '+' : ''} calls · {Math.round(state.ms)} ms
          {state.pending > 0 ? ` · ${state.pending} recent calls still being indexed` : ''}
        </p>
      )}
      <ol className="search-hits" aria-label="Search results">
        {hits.map((h) => (
          <li key={h.callId}>
            <button type="button" className="search-hit" onClick={() => open(h)}>
              <span className="muted small">
                {clock(h.startedAt)} · {h.sessionKey} · {h.episodeId}
              </span>
              <span className="snippet">
                <Snippet text={h.snippet} />
              </span>
            </button>
          </li>
        ))}
      </ol>
      {next && (
        <button type="button" onClick={() => void more()}>
          More
        </button>
      )}
    </div>
  );
}

/** The engine's snippet with its matches marked: text nodes and <mark> elements, nothing parsed. */
function Snippet({ text }: { text: string }) {
  return text.split(MARK_START).map((part, i) => {
    const [match, rest] = i === 0 ? [null, part] : splitOnce(part, MARK_END);
    return (
      <Fragment key={i}>
        {match !== null && <mark>{match}</mark>}
        {rest}
      </Fragment>
    );
  });
}

function splitOnce(s: string, sep: string): [string, string] {
  const at = s.indexOf(sep);
  return at < 0 ? [s, ''] : [s.slice(0, at), s.slice(at + sep.length)];
}
