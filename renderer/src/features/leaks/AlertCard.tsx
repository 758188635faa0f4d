// One alert: what was found, the offending spans (highlighted, as text), and links to the turn it
// concerns and to the episode and turn the content came from.
import type { Alert } from '../../../../shared/domain.ts';
import { clock } from '../../format.ts';
import { useStoreApi } from '../../store/use-store.ts';
import { CopyLink } from '../../components/CopyLink.tsx';
import { useAlertKind } from './alert-kinds.ts';

export function AlertCard({ alert: a, showOpen = false }: { alert: Alert; showOpen?: boolean }) {
  const store = useStoreApi();
  const info = useAlertKind(a.kind);
  const tokenAlert = a.evidence.some((e) => e.tokenPosition !== undefined);
  // `find`: the text to mark where it lands (a source's reply that leaked); `sessionKey`: another session's
  const go = (
    episodeId: string | null | undefined,
    turnId: string | null | undefined,
    callId: string | null = null,
    find: string | null = null,
    sessionKey: string | null = a.sessionKey,
  ) => {
    if (!sessionKey || !episodeId) return;
    const st = store.getState();
    st.setFind(find && turnId ? { turnId, text: find } : null);
    st.navigate({
      view: 'sessions',
      sessionKey,
      episodeId,
      turnId: turnId ?? null,
      callId,
      ...(find && turnId ? { tab: 'history' as const } : {}),
    });
  };
  return (
    <div className={`alert ${a.severity}`} data-testid="alert" data-kind={a.kind}>
      <div className="row">
        <span className={`badge ${a.severity === 'error' ? 'warn' : ''}`}>{info?.label ?? a.kind}</span>
        <span>{a.message}</span>
        <span className="spacer" />
        {showOpen && a.sessionKey && (
          <span className="muted small" data-testid="alert-session">
            {whereLabel(a.sessionKey, a.episodeIndex, a.turnIndex)}
          </span>
        )}
        <span className="muted small">{clock(a.createdAt)}</span>
        {showOpen && a.episodeId && (
          <button
            type="button"
            className="link"
            // a token alert's turn opens on its proof (the turn view does so when no call is named)
            onClick={() => go(a.episodeId, a.turnId, tokenAlert ? null : a.callId)}
          >
            open {a.turnId ? 'turn' : 'episode'}
          </button>
        )}
        {a.sessionKey && a.episodeId && (
          <CopyLink
            to={{ sessionKey: a.sessionKey, episodeId: a.episodeId, turnId: a.turnId, callId: a.callId }}
            what={`this alert's ${a.turnId ? 'turn' : 'episode'}`}
          />
        )}
        {a.turnId && a.sessionKey && a.episodeId && (
          <button
            type="button"
            className="link"
            title="What was replayed against what the model saw"
            onClick={() =>
              store.getState().navigate({
                view: 'sessions',
                sessionKey: a.sessionKey,
                episodeId: a.episodeId,
                turnId: a.turnId,
                tab: 'sent',
                callId: null,
              })
            }
          >
            proof
          </button>
        )}
      </div>
      {info && (
        <>
          <div className="muted small" data-testid="alert-cause">
            Why: {info.means}
          </div>
          <div className="muted small" data-testid="alert-fix">
            How to fix: {info.fix}
          </div>
        </>
      )}
      {a.evidence.map((e, i) => (
        <div key={i} className="evidence">
          <mark>{e.text}</mark>
          {e.detail && <span className="muted small"> — {e.detail}</span>}
          {e.tokenPosition !== undefined && a.sessionKey && a.episodeId && a.callId && (
            <>
              {' '}
              <button
                type="button"
                className="link small"
                data-testid="alert-tokens"
                title="Open the call's tokens at this position (side by side with the earlier call, where there is one)"
                onClick={() =>
                  store.getState().navigate({
                    view: 'sessions',
                    sessionKey: a.sessionKey,
                    episodeId: a.episodeId,
                    turnId: a.turnId,
                    tab: null,
                    callId: a.callId,
                    tokenAt: e.tokenPosition!,
                    otherCallId: e.sourceCallId ?? null,
                  })
                }
              >
                tokens at {e.tokenPosition}
              </button>
            </>
          )}
          {e.sourceEpisodeId && (
            <>
              {' '}
              <button
                type="button"
                className="link small"
                data-testid="alert-source"
                onClick={() => go(e.sourceEpisodeId, e.sourceTurnId, null, e.text, e.source?.sessionKey)}
              >
                from{' '}
                {e.source
                  ? whereLabel(
                      e.source.sessionKey === a.sessionKey ? null : e.source.sessionKey,
                      e.source.episodeIndex,
                      e.source.turnIndex,
                    )
                  : `${e.sourceTurnId ? 'turn' : 'episode'} ${(e.sourceTurnId ?? e.sourceEpisodeId).slice(0, 13)}…`}
              </button>
            </>
          )}
        </div>
      ))}
    </div>
  );
}

/** "session k · episode 1 · turn 0", the numbers every other view shows (the session left out when null). */
export function whereLabel(
  sessionKey: string | null | undefined,
  episodeIndex: number | null | undefined,
  turnIndex: number | null | undefined,
): string {
  return [
    sessionKey ? `session ${sessionKey}` : null,
    episodeIndex == null ? null : `episode ${episodeIndex}`,
    turnIndex == null ? null : `turn ${turnIndex}`,
  ]
    .filter(Boolean)
    .join(' · ');
}
