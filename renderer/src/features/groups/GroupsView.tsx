// Groups of rollouts: start one (the same user messages through N fresh sessions at once) and list
// every group, AReaL's group_size sessions included.
import { useEffect, useState } from 'react';
import { STARTABLE_RUNTIMES } from '../../../../shared/domain.ts';
import type { GroupSummary } from '../../../../shared/rollouts.ts';
import { clock } from '../../format.ts';
import { useStore, useStoreApi } from '../../store/use-store.ts';
import { listGroups, startGroup } from './actions.ts';

// a selector must return a stable reference: a fresh [] each time re-renders forever
const NO_RUNTIMES: string[] = [];
export function GroupsView() {
  const store = useStoreApi();
  const runtimes = useStore((s) => s.info?.runtimes ?? NO_RUNTIMES);
  const [groups, setGroups] = useState<GroupSummary[]>([]);
  const [messages, setMessages] = useState('My name is Ada.\nWhat is the weather in Paris?');
  const [size, setSize] = useState(4);
  const [taskId, setTaskId] = useState('');
  const [runtime, setRuntime] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void listGroups(store)
      .then((p) => setGroups(p.items))
      .catch((e: Error) => store.getState().setNotice(`Loading the groups failed: ${e.message}`, 'error'));
  }, [store]);
  const open = (groupId: string) => store.getState().navigate({ view: 'groups', groupId });
  const start = async () => {
    const list = messages
      .split('\n')
      .map((m) => m.trim())
      .filter(Boolean);
    setBusy(true);
    try {
      const r = await startGroup(store, {
        messages: list,
        size,
        ...(taskId.trim() ? { taskId: taskId.trim() } : {}),
        ...(runtime ? { overrides: { runtime: runtime as (typeof STARTABLE_RUNTIMES)[number] } } : {}),
      });
      open(r.groupId);
    } catch (e) {
      store.getState().setNotice(`The group could not start: ${(e as Error).message}`, 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="groups-view">
      <h2>Groups of rollouts</h2>
      <form
        className="group-form"
        aria-label="New group"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <label>
          User messages, one per line (the same for every rollout)
          <textarea
            aria-label="Group messages"
            rows={4}
            value={messages}
            onChange={(e) => setMessages(e.target.value)}
          />
        </label>
        <div className="row">
          <label>
            Rollouts{' '}
            <input
              aria-label="Rollouts"
              type="number"
              min={2}
              max={32}
              value={size}
              onChange={(e) => setSize(Number(e.target.value))}
            />
          </label>
          <label>
            Task id <input aria-label="Task id" value={taskId} onChange={(e) => setTaskId(e.target.value)} />
          </label>
          <label>
            Runtime{' '}
            <select aria-label="Runtime" value={runtime} onChange={(e) => setRuntime(e.target.value)}>
              <option value="">default</option>
              {STARTABLE_RUNTIMES.filter((r) => runtimes.includes(r)).map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Starting…' : 'Start group'}
          </button>
        </div>
      </form>
      {groups.length === 0 ? (
        <p className="muted">No group yet. AReaL's /rl/start_session with group_size starts one too.</p>
      ) : (
        <table className="groups">
          <thead>
            <tr>
              <th>Task</th>
              <th>Rollouts</th>
              <th>Ended</th>
              <th>Rewarded</th>
              <th>Started</th>
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <tr key={g.groupId} data-testid="group-row">
                <td>
                  <button type="button" className="link" onClick={() => open(g.groupId)}>
                    {g.taskId ?? g.groupId}
                  </button>
                </td>
                <td>{g.size}</td>
                <td>{g.ended}</td>
                <td>{g.rewarded}</td>
                <td className="muted small">{clock(g.startedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
