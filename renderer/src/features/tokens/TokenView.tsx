// A call's tokens as the model saw and produced them: prompt and generated ids as chips (id and
// logprob on hover, special tokens distinct, generated ones shaded by how unlikely the model found
// them, whitespace visible), the request as the configured template renders it beside them, and
// another call of the episode side by side, aligned on their common prefix with the first
// difference marked. A token alert opens it at its position. Virtualized by line: 100k tokens stay fluid.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CallTokens } from '../../../../shared/api.ts';
import type { UpstreamCall } from '../../../../shared/domain.ts';
import { LongText } from '../../components/LongText.tsx';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { getCallTokens, listEpisodeCalls } from './data.ts';
import { firstDifference, lineOf, tokenLines, visible } from './lines.ts';

/** One call's prompt then generated tokens, as one sequence. */
interface Seq {
  ids: number[];
  texts: string[];
  special: Set<number>;
  /** Where the generated tokens start. */
  generatedFrom: number;
  logprobs: Array<number | null> | null;
}

function seqOf(t: CallTokens): Seq | null {
  if (!t.prompt || !t.generated) return null;
  const n = t.prompt.ids.length;
  return {
    ids: [...t.prompt.ids, ...t.generated.ids],
    texts: [...t.prompt.texts, ...t.generated.texts],
    special: new Set([...t.prompt.special, ...t.generated.special.map((i) => i + n)]),
    generatedFrom: n,
    logprobs: t.logprobs,
  };
}

function chipTitle(s: Seq, i: number): string {
  const where = i < s.generatedFrom ? `prompt ${i}` : `generated ${i - s.generatedFrom} (position ${i})`;
  const lp = i >= s.generatedFrom ? s.logprobs?.[i - s.generatedFrom] : undefined;
  const prob = lp === null || lp === undefined ? '' : ` · logprob ${lp.toFixed(3)} (p ${Math.exp(lp).toFixed(3)})`;
  return `${where} · id ${s.ids[i]} · ${JSON.stringify(s.texts[i])}${prob}`;
}

function TokenColumn({ seq, mark, label }: { seq: Seq; mark: number | null; label: string }) {
  const parent = useRef<HTMLDivElement>(null);
  const lines = useMemo(() => tokenLines(seq.texts), [seq]);
  const v = useVirtualizer({
    count: lines.length,
    getScrollElement: () => parent.current,
    estimateSize: () => 24,
    overscan: 12,
  });
  useEffect(() => {
    if (mark === null) return;
    // lines that wrap are taller than estimated: scroll again once the lines around it are measured
    const line = lineOf(lines, mark);
    v.scrollToIndex(line, { align: 'center' });
    let frame = requestAnimationFrame(() => {
      frame = requestAnimationFrame(() => {
        v.scrollToIndex(line, { align: 'center' });
        // and the pane around the view, so the marked token is on screen, not below the fold
        frame = requestAnimationFrame(() =>
          parent.current?.querySelector('.tok-mark')?.scrollIntoView({ block: 'nearest' }),
        );
      });
    });
    return () => cancelAnimationFrame(frame);
  }, [mark, lines, v]);
  return (
    <div className="token-column" ref={parent} aria-label={label} data-testid="token-column">
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {v.getVirtualItems().map((row) => {
          const [from, to] = lines[row.index]!;
          return (
            <div
              key={row.key}
              data-index={row.index}
              ref={v.measureElement}
              className="token-line"
              style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${row.start}px)` }}
            >
              <span className="token-pos muted small">{from}</span>
              {seq.texts.slice(from, to).map((text, k) => {
                const i = from + k;
                const gen = i >= seq.generatedFrom;
                const lp = gen ? seq.logprobs?.[i - seq.generatedFrom] : null;
                const cls = [
                  'tok',
                  gen ? 'tok-gen' : '',
                  seq.special.has(i) ? 'tok-special' : '',
                  i === mark ? 'tok-mark' : '',
                ]
                  .filter(Boolean)
                  .join(' ');
                const unlikely = lp === null || lp === undefined ? 0 : Math.min(1, 1 - Math.exp(lp));
                return (
                  <span
                    key={i}
                    className={cls}
                    title={chipTitle(seq, i)}
                    data-pos={i}
                    style={
                      unlikely > 0.01 ? { backgroundColor: `rgba(220, 80, 60, ${0.15 + 0.6 * unlikely})` } : undefined
                    }
                  >
                    {visible(text) || `[${seq.ids[i]}]`}
                  </span>
                );
              })}
            </div>
          );
        })}
      </div>
    </div>
  );
}

export function TokenView({ call }: { call: UpstreamCall }) {
  const store = useStoreApi();
  const tokenAt = useStore((s) => (s.route.callId === call.id ? s.route.tokenAt : null));
  const otherId = useStore((s) => (s.route.callId === call.id ? s.route.otherCallId : null));
  const [tokens, setTokens] = useState<CallTokens | null>(null);
  const [other, setOther] = useState<CallTokens | null>(null);
  const [calls, setCalls] = useState<UpstreamCall[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void getCallTokens(store, { callId: call.id })
      .then(setTokens)
      .catch((e: Error) => setError(e.message));
    void listEpisodeCalls(store, { episodeId: call.episodeId }).then(setCalls, () => setCalls([]));
  }, [store, call.id, call.episodeId, call.endedAt]);
  useEffect(() => {
    setOther(null);
    if (otherId)
      void getCallTokens(store, { callId: otherId })
        .then(setOther)
        .catch((e: Error) => setError(e.message));
  }, [store, otherId]);
  const seq = useMemo(() => (tokens ? seqOf(tokens) : null), [tokens]);
  const otherSeq = useMemo(() => (other ? seqOf(other) : null), [other]);
  if (error) return <p className="error">{error}</p>;
  if (!tokens) return <p className="muted">Decoding tokens…</p>;
  if (!seq)
    return (
      <p className="token-off" data-testid="token-checks-off-call">
        Token checks off for this call: the server returned no token ids
        {call.addedFields.length ? ` (the recorder asked for them: ${call.addedFields.join(', ')})` : ''}. Nothing here
        can be compared token for token or exported as tokens.
      </p>
    );
  const diffAt = otherSeq ? firstDifference(otherSeq.ids, seq.ids) : null;
  const mark = diffAt ?? tokenAt;
  const compare = (id: string) => store.getState().navigate({ callId: call.id, otherCallId: id || null, tokenAt });
  const unknownLp = seq.logprobs === null || seq.logprobs.some((l) => l === null);
  return (
    <div className="token-view" data-testid="token-view">
      <p className="muted small">
        {seq.generatedFrom} prompt + {seq.ids.length - seq.generatedFrom} generated tokens · decoded with{' '}
        {tokens.tokenizer ?? `no tokenizer (${tokens.tokenizerError ?? 'unknown'})`}
        {unknownLp
          ? ' · logprobs not recorded for every generated token'
          : ' · shading: how unlikely the model found it'}
        {tokenAt !== null && ` · position ${tokenAt} marked`}
      </p>
      <div className="row">
        <label className="small">
          Side by side with{' '}
          <select aria-label="Compare tokens with" value={otherId ?? ''} onChange={(e) => compare(e.target.value)}>
            <option value="">(no other call)</option>
            {calls
              .filter((c) => c.id !== call.id && c.response?.promptTokenIds)
              .map((c) => (
                <option key={c.id} value={c.id}>
                  call #{c.seq} · {c.response?.promptTokenIds?.length ?? 0} prompt tokens
                </option>
              ))}
          </select>
        </label>
        {otherSeq && diffAt !== null && (
          <span className="small" data-testid="token-first-difference">
            {diffAt === Math.min(otherSeq.ids.length, seq.ids.length)
              ? `one is a prefix of the other (${diffAt} tokens in common)`
              : `${diffAt} tokens in common; first difference at position ${diffAt}: ` +
                `${JSON.stringify(otherSeq.texts[diffAt])} [${otherSeq.ids[diffAt]}] there, ` +
                `${JSON.stringify(seq.texts[diffAt])} [${seq.ids[diffAt]}] here`}
          </span>
        )}
      </div>
      <div className={otherSeq ? 'token-panes two' : 'token-panes'}>
        {otherSeq && (
          <div>
            <div className="small muted">
              there: call #{calls.find((c) => c.id === otherId)?.seq ?? '?'} · {otherSeq.ids.length} tokens
            </div>
            <TokenColumn seq={otherSeq} mark={diffAt} label="The other call's tokens" />
          </div>
        )}
        <div>
          {otherSeq && (
            <div className="small muted">
              here: call #{call.seq} · {seq.ids.length} tokens
            </div>
          )}
          <TokenColumn seq={seq} mark={mark} label="This call's tokens" />
        </div>
        {!otherSeq && (
          <div className="token-rendered">
            <h4 className="small">The request rendered with {tokens.tokenizer ?? 'the template'}</h4>
            {tokens.rendered === null ? (
              <p className="muted small">the configured template cannot render this request</p>
            ) : (
              <LongText text={tokens.rendered} />
            )}
          </div>
        )}
      </div>
    </div>
  );
}
