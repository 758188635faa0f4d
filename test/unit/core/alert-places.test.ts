// Alerts name where they are by the numbers every view shows: the alert's own episode and turn
// numbers come with it, and evidence from another turn names that turn's session, episode and turn
// number — stored with a new alert, worked out when read for one stored before.
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { Store } from '../../../electron/core/store/store.ts';
import { tempDir } from '../../helpers/workbench.ts';

test('an alert carries its episode and turn numbers; its evidence names its source by number', () => {
  const dir = tempDir();
  let store = new Store(dir.path);
  try {
    store.sessions.ensure('s', 'direct');
    const ep = (i: number) =>
      store.episodes.insert({
        sessionKey: 's',
        taskId: null,
        metadata: {},
        upstreamKey: `sk-sess-${i}`,
        upstreamId: null,
      });
    const first = ep(0);
    const source = store.turns.insert({
      episodeId: first.id,
      sessionKey: 's',
      message: 'My secret is 4711.',
      historyLength: 0,
    });
    const second = ep(1);
    store.turns.insert({ episodeId: second.id, sessionKey: 's', message: 'hello', historyLength: 0 });
    const turn = store.turns.insert({ episodeId: second.id, sessionKey: 's', message: 'again', historyLength: 0 });
    const alert = store.alerts.insert({
      kind: 'cross_episode',
      severity: 'error',
      sessionKey: 's',
      episodeId: second.id,
      turnId: turn.id,
      callId: null,
      message: 'content of episode 0 reached episode 1',
      evidence: [
        { text: 'my secret is 4711', sourceEpisodeId: first.id, sourceTurnId: source.id },
        { text: 'no source' },
      ],
    });
    assert.equal(alert.episodeIndex, 1);
    assert.equal(alert.turnIndex, 1);
    assert.deepEqual(alert.evidence[0]!.source, { sessionKey: 's', episodeIndex: 0, turnIndex: 0 });
    assert.equal(alert.evidence[1]!.source, undefined, 'evidence without a source names none');
    assert.deepEqual(store.alerts.list({ sessionKey: 's' }).items[0], alert, 'listed as inserted');
    // the map counts it on its episode, by kind
    assert.deepEqual(store.alerts.map(), {
      sessions: ['s'],
      kinds: ['cross_episode'],
      cells: {
        session: [0],
        episodeIndex: [1],
        episodeId: [second.id],
        kind: [0],
        count: [1],
        firstAt: [alert.createdAt],
      },
      truncated: false,
    });
    assert.equal(store.alerts.map(0).truncated, true, 'more than it holds is said');

    // an alert stored before evidence named its source: named when read
    const file = store.path;
    store.close();
    const db = new DatabaseSync(file);
    db.prepare('UPDATE alerts SET evidence = ?').run(
      JSON.stringify([{ text: 'my secret is 4711', sourceEpisodeId: first.id, sourceTurnId: source.id }]),
    );
    db.close();
    store = new Store(dir.path);
    const old = store.alerts.list({ sessionKey: 's' }).items[0]!;
    assert.deepEqual(old.evidence[0]!.source, { sessionKey: 's', episodeIndex: 0, turnIndex: 0 });
  } finally {
    store.close();
    dir.remove();
  }
});
