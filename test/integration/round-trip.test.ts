// Export → import → export gives the same lines: content, models, tools and their outcomes, task
// and group ids, turns, times, rewards with their labels and notes. Each source session comes back
// as one imported session named after it, labels come back as labels, lab data stays lab data, and
// the detectors raise on the import exactly what they raised on the original — whether it lands in
// a fresh data dir (the CLI) or beside its original (the UI: an import is not a leak of its source).
// Real data: the sample task on a real OpenClaw gateway (two episodes, labeled three ways), an
// AReaL group of external sessions, and the leak lab's episode-without-reset scenario.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { createApiHandlers, type ApiHandlers } from '../../electron/core/api/handlers.ts';
import { exportLines } from '../../electron/core/export/jsonl.ts';
import { Store } from '../../electron/core/store/store.ts';
import type { Alert } from '../../shared/domain.ts';
import { SAMPLE_MESSAGES, SAMPLE_TASK_ID } from '../../shared/sample-task.ts';
import { request, startBench, tempDir, type TestBench } from '../helpers/workbench.ts';
import { needsOpenClaw } from '../helpers/openclaw.ts';

type Row = Record<string, any>;

/** What must survive a round trip: every field but the ids this workbench gives. */
const IDS = ['episode_id', 'interaction_id', 'upstream_key', 'session_key'];
const content = (rows: Row[]) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !IDS.includes(k))));

/** Alerts by what they are about, with sessions named by their source: comparable across stores. */
function alertsOf(store: Store, keys: string[], source: (key: string) => string): string[] {
  return keys
    .flatMap((key) => store.alerts.list({ sessionKey: key, limit: 1000 }).items)
    .map((a: Alert) => {
      const ep = store.episodes.get(a.episodeId!)!;
      const turn = a.turnId ? store.turns.get(a.turnId)!.index : '-';
      return `${source(a.sessionKey!)} ep${ep.index} turn${turn} ${a.kind}: ${a.message}`;
    })
    .sort();
}

/** Each alert with its evidence: what a failure of the comparison prints, so a rare mismatch can be read. */
function evidenceOf(store: Store, keys: string[]): string {
  return keys
    .flatMap((key) => store.alerts.list({ sessionKey: key, limit: 1000 }).items)
    .map((a: Alert) => `${a.kind}: ${a.message}\n  ${JSON.stringify(a.evidence).slice(0, 4000)}`)
    .join('\n');
}

describe('export → import → export, on real OpenClaw data and a lab scenario', { skip: needsOpenClaw() }, () => {
  let b: TestBench;
  let h: ApiHandlers;
  const dir = tempDir('trajscope-roundtrip-');
  const file = join(dir.path, 'run-1.jsonl');
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['electron/headless/cli.ts', ...args], { encoding: 'utf8' });
  const exported = (dataDir: string, ...more: string[]) => {
    const r = cli('export', '--data-dir', dataDir, '--unlabeled', 'null', '--discount', '0.9', ...more);
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim()
      ? r.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Row)
      : [];
  };
  let original: Row[] = [];
  let sourceKeys: string[] = [];

  before(async () => {
    b = await startBench({ runtime: 'openclaw', poolSize: 1 });
    h = createApiHandlers(b.wb);
    await b.wb.pool!.settle();
    // the sample task, twice: one episode labeled whole, the other at one turn
    await h['sessions:create']({ key: 'sample' });
    for (let e = 0; e < 2; e++) {
      await h['episodes:start']({ sessionKey: 'sample', taskId: SAMPLE_TASK_ID });
      for (const message of SAMPLE_MESSAGES) {
        const r = await b.proxy('POST', '/session/sample/turn', { message });
        assert.equal(r.status, 200, JSON.stringify(r.body));
      }
      const ep = await h['episodes:end']({ sessionKey: 'sample' });
      if (e === 0)
        await h['rewards:set']({ episodeId: ep.id, value: 1, note: 'remembered the name', rubric: 'memory' });
      else {
        const turns = b.wb.store.turns.list(ep.id);
        await h['rewards:set']({ episodeId: ep.id, turnId: turns[1]!.id, value: -0.5, note: 'invented weather' });
      }
    }
    // an AReaL group of two external sessions: one labeled here, one rewarded over AReaL's wire
    const admin = { authorization: `Bearer ${b.wb.adminKey}` };
    const rl = await request(
      `${b.wb.recorder.origin}/rl/start_session`,
      'POST',
      { task_id: 'g', group_size: 2 },
      admin,
    );
    assert.equal(rl.status, 201);
    for (const [i, s] of (rl.body.sessions as Array<{ session_id: string; session_api_key: string }>).entries()) {
      const client = new OpenAI({ baseURL: `${b.wb.recorder.origin}/v1`, apiKey: s.session_api_key });
      await client.chat.completions.create({
        model: 'x',
        messages: [{ role: 'user', content: `group question ${i}` }],
      });
      if (i === 0) await h['rewards:set']({ episodeId: s.session_id, value: 0.5, rubric: 'group' });
      else {
        // AReaL's own wire: a reward on the session's last interaction, which ends it
        const auth = { authorization: `Bearer ${s.session_api_key}` };
        const set = await request(`${b.wb.recorder.origin}/rl/set_reward`, 'POST', { reward: 0.75 }, auth);
        assert.equal(set.status, 200, JSON.stringify(set.body));
      }
    }
    // a lab scenario recorded into the workbench (marked lab)
    const verdict = await h['lab:run']({ scenario: 'episode-without-reset' });
    assert.equal(verdict.pass, true, JSON.stringify(verdict.alerts.map((a) => a.kind)));
    await b.wb.analysis.settled();
    await b.wb.store.durable();
    sourceKeys = b.wb.store.sessions.list({ limit: 100 }).items.map((s) => s.key);
    original = [...exportLines(b.wb.store, { unlabeled: 'null', includeLab: true, discount: 0.9 })].map(
      (l) => JSON.parse(l) as Row,
    );
    writeFileSync(file, original.map((r) => JSON.stringify(r)).join('\n') + '\n');
  });
  after(async () => {
    await b?.stop();
    dir.remove();
  });

  test('into a fresh data dir: one session per source session, the same lines, labels and alerts', () => {
    assert.deepEqual(new Set(original.map((r) => r.session_origin)), new Set(['live', 'external', 'lab']));
    assert.deepEqual(
      new Set(original.map((r) => r.reward_scope)),
      new Set([null, 'episode', 'turn', 'interaction']),
      'labels given to episodes, turns and interactions',
    );
    assert.ok(
      original.some((r) => r.group_id) && original.some((r) => r.tool_calls.some((c: Row) => c.outcome === 'error')),
    );
    const data = join(dir.path, 'fresh');
    const r = cli('import', file, '--data-dir', data, '--json');
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    assert.deepEqual(
      [...result.sessionKeys].sort(),
      sourceKeys.map((k) => `import-run-1-${k}`).sort(),
      'one imported session per source session, named after it',
    );
    const again = exported(data, '--include-lab');
    assert.deepEqual(content(again), content(original));
    assert.deepEqual(
      again.map((l) => l.session_key),
      original.map((l) => `import-run-1-${l.session_key}`),
    );
    assert.ok(
      original.some((l) => l.reward !== null && l.reward !== l.own_reward),
      'rewards were discounted: the import kept labels, not returns',
    );
    assert.deepEqual(
      content(exported(data)),
      content(original.filter((l) => l.session_origin !== 'lab')),
      'imported lab data is still left out by default',
    );

    const store = new Store(data, { readOnly: true });
    try {
      const fromSource = (key: string) => key.replace(/^import-run-1-/, '');
      const labels = (s: Store, keys: string[]) =>
        keys
          .flatMap((key) => s.episodes.list({ sessionKey: key, limit: 100 }).items)
          .flatMap((ep) => [
            `${ep.taskId} ep${ep.index} rail ${ep.reward ?? '–'} ${ep.rewardSource ?? ''}`,
            ...s.rewards
              .list(ep.id)
              .map((w) => `  ${w.value} ${w.source} ${w.labeler} ${w.rubric} ${w.note} ${!!w.turnId} ${!!w.callId}`),
          ]);
      assert.deepEqual(
        labels(
          store,
          sourceKeys.map((k) => `import-run-1-${k}`),
        ),
        labels(b.wb.store, sourceKeys),
        'labels came back as labels: rail value, source, labeler, rubric, note and where each was given',
      );
      const before = alertsOf(b.wb.store, sourceKeys, (k) => k);
      assert.ok(
        before.some((a) => / history_not_reset: /.test(a)),
        before.join('\n'),
      );
      assert.deepEqual(
        alertsOf(store, result.sessionKeys, fromSource),
        before,
        `imported:\n${evidenceOf(store, result.sessionKeys)}\noriginal:\n${evidenceOf(b.wb.store, sourceKeys)}`,
      );
    } finally {
      store.close();
    }
  });

  test('into the workbench it came from: the same alerts again, and no copy is a leak of its source', async () => {
    const before = alertsOf(b.wb.store, sourceKeys, (k) => k);
    const result = await h['data:import']({
      name: 'run-1.jsonl',
      content: original.map((r) => JSON.stringify(r)).join('\n'),
    });
    await b.wb.analysis.settled();
    assert.deepEqual(
      alertsOf(b.wb.store, sourceKeys, (k) => k),
      before,
      'the originals raised nothing new',
    );
    assert.deepEqual(
      alertsOf(b.wb.store, result.sessionKeys, (k) => k.replace(/^import-run-1-/, '')),
      before,
      'the import raised what the original did, no cross_session against its source',
    );
  });
});
