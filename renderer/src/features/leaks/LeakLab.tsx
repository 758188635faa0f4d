// The leak lab in the UI: run a scenario (a fresh engine and a real gateway each, recording into
// this workbench) and read its verdict — clean must stay clean, every leaky scenario must raise what
// it plants. The verdict links to the alert and the turn's proof diff; the run's sessions stay in
// the workbench, marked as lab data, until removed.
import { useState } from 'react';
import type { LabVerdict } from '../../../../shared/api.ts';
import { elapsed, useNow } from '../../components/ProgressStrip.tsx';
import { clock } from '../../format.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { clearLabData, runLabScenario, useLabScenarios } from './actions.ts';

/** The step a running scenario is at, and for how long it has run (the engine's progress). */
function RunStep({ title }: { title: string }) {
  const p = useStore((s) => Object.values(s.progress).find((x) => x.title === title && x.endedAt === null));
  const now = useNow();
  if (!p) return null;
  return (
    <div className="muted small" data-testid="lab-step">
      {p.step} · {elapsed(now - p.startedAt)}
    </div>
  );
}

export function LeakLab() {
  const store = useStoreApi();
  const [scenarios, reload] = useLabScenarios();
  const [running, setRunning] = useState<string | null>(null);
  // the alert a verdict is about: the first of the kinds the scenario plants, opened on its turn's diff
  const openAlert = (v: LabVerdict) => {
    const a = v.alerts.find((x) => v.expected.includes(x.kind)) ?? v.alerts[0];
    if (a?.sessionKey && a.episodeId)
      store.getState().navigate({
        view: 'sessions',
        sessionKey: a.sessionKey,
        episodeId: a.episodeId,
        turnId: a.turnId,
        tab: a.turnId ? 'sent' : null,
        callId: null,
      });
    else if (v.sessionKeys[0])
      store
        .getState()
        .navigate({ view: 'sessions', sessionKey: v.sessionKeys[0], episodeId: null, turnId: null, callId: null });
  };
  // removing every lab run cannot be undone: the button asks first
  const [confirming, setConfirming] = useState(false);
  const clear = async () => {
    setConfirming(false);
    if (await clearLabData(store)) reload();
  };
  // the engine keeps each scenario's last verdict with the run's data: it is read back, not held here
  const run = async (name: string) => {
    setRunning(name);
    await runLabScenario(store, name);
    reload();
    setRunning(null);
  };
  return (
    <section className="lab" aria-label="Leak lab">
      <div className="row">
        <h3>Leak lab</h3>
        <span className="spacer" />
        {confirming ? (
          <span className="row" role="group" aria-label="Confirm removing lab data">
            <span className="small">
              Remove every lab run&apos;s sessions, calls and alerts? This cannot be undone.
            </span>
            <button type="button" className="danger" onClick={() => void clear()}>
              Remove them
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Keep them
            </button>
          </span>
        ) : (
          <button
            type="button"
            onClick={() => setConfirming(true)}
            title="Remove every lab run's sessions, calls and alerts"
          >
            Remove lab data
          </button>
        )}
      </div>
      <p className="muted small">
        Each scenario runs on its own fresh engine with a real gateway — 30–40 s a run on two idle cores (measured),
        longer beside other work; the tokens- ones need no gateway (≈ 1 s) — and must raise what it plants; the clean
        ones must raise nothing. Its sessions land here, marked lab: open the verdict to see the alert and its proof.
      </p>
      <table>
        <tbody>
          {scenarios.map((s) => {
            const v = s.lastVerdict;
            const raised = v ? [...new Set(v.alerts.map((a) => a.kind))] : [];
            const extra = raised.filter((k) => !s.expected.includes(k));
            return (
              <tr key={s.name}>
                <td>
                  <button type="button" disabled={running !== null} onClick={() => void run(s.name)}>
                    {running === s.name ? 'Running…' : 'Run'}
                  </button>
                  {running === s.name && <RunStep title={`Lab: ${s.name}`} />}
                </td>
                <td>
                  <strong>{s.name}</strong>
                  <div className="muted small">{s.description}</div>
                </td>
                <td className="small">expects {s.expected.length ? s.expected.join(', ') : 'no alert'}</td>
                <td data-testid={`verdict-${s.name}`}>
                  {v ? (
                    <>
                      <button
                        type="button"
                        className={`badge ${v.pass ? 'ok' : 'warn'}`}
                        title="Open the alert and its turn's diff"
                        onClick={() => openAlert(v)}
                      >
                        {v.pass ? 'pass' : 'FAIL'}: {raised.filter((k) => !extra.includes(k)).join(', ') || 'no alert'}
                        {extra.length > 0 && ` (also ${extra.join(', ')})`}
                      </button>
                      <div className="muted small">run {clock(v.at)}</div>
                    </>
                  ) : (
                    <span className="muted small nowrap">not run yet</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
