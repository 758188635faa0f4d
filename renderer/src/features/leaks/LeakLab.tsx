// The leak lab in the UI: run a scenario (a fresh engine and a real gateway each) and read its
// verdict — clean must stay clean, every leaky scenario must raise what it plants.
import { useEffect, useState } from 'react';
import type { InvokeResponse, LabVerdict } from '../../../../shared/api.ts';
import { useStoreApi } from '../../store/use-store.ts';

export function LeakLab() {
  const store = useStoreApi();
  const [scenarios, setScenarios] = useState<InvokeResponse<'lab:list'>>([]);
  const [running, setRunning] = useState<string | null>(null);
  const [verdicts, setVerdicts] = useState<Record<string, LabVerdict>>({});
  useEffect(() => {
    void store
      .getState()
      .api.invoke('lab:list', {})
      .then(setScenarios)
      .catch((e: Error) => store.getState().setNotice(`Loading the lab scenarios failed: ${e.message}`, 'error'));
  }, [store]);
  const run = async (name: string) => {
    setRunning(name);
    try {
      const v = await store.getState().api.invoke('lab:run', { scenario: name });
      setVerdicts((prev) => ({ ...prev, [name]: v }));
    } catch (e) {
      store.getState().setNotice(`Lab ${name}: ${(e as Error).message}`, 'error');
    } finally {
      setRunning(null);
    }
  };
  return (
    <section className="lab" aria-label="Leak lab">
      <h3>Leak lab</h3>
      <p className="muted small">
        Each scenario runs on its own fresh engine with a real gateway (≈ 15 s) and must raise exactly what it plants;
        clean must raise nothing.
      </p>
      <table>
        <tbody>
          {scenarios.map((s) => {
            const v = verdicts[s.name];
            return (
              <tr key={s.name}>
                <td>
                  <button type="button" disabled={running !== null} onClick={() => void run(s.name)}>
                    {running === s.name ? 'Running…' : 'Run'}
                  </button>
                </td>
                <td>
                  <strong>{s.name}</strong>
                  <div className="muted small">{s.description}</div>
                </td>
                <td className="small">expects {s.expected.length ? s.expected.join(', ') : 'no alert'}</td>
                <td data-testid={`verdict-${s.name}`}>
                  {v ? (
                    <span className={`badge ${v.pass ? 'ok' : 'warn'}`}>
                      {v.pass ? 'pass' : 'FAIL'}: {v.alerts.map((a) => a.kind).join(', ') || 'no alert'}
                    </span>
                  ) : (
                    ''
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
