// An export says what the workbench says: an episode nobody rewarded ("r –" on screen) is not a
// zero-reward sample unless asked for, the leak lab's sessions (leaky on purpose) stay out unless
// asked for, and every row carries the label's note, labeler and rubric.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { startBench, type TestBench } from '../helpers/workbench.ts';

describe('what an export leaves out and what it carries', () => {
  let b: TestBench;
  const episodes: Record<string, string> = {};
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['electron/headless/cli.ts', 'export', '--data-dir', b.dir, ...args], {
      encoding: 'utf8',
    });
  const rows = (r: ReturnType<typeof cli>) => {
    assert.equal(r.status, 0, r.stderr);
    return r.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, any>);
  };
  before(async () => {
    b = await startBench();
    // a lab session: recorded like any other, marked as the lab's
    b.wb.store.sessions.ensure('lab-scenario', 'direct', Date.now(), 'lab');
    for (const key of ['labeled', 'unlabeled', 'lab-scenario']) {
      const r = await b.proxy('POST', `/session/${key}/turn`, { message: `hello from ${key}` });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      episodes[key] = r.body.metadata.episode_id;
    }
    const handlers = (await import('../../electron/core/api/handlers.ts')).createApiHandlers(b.wb);
    await handlers['rewards:set']({
      episodeId: episodes.labeled!,
      value: 0.75,
      note: 'kept the name',
      rubric: 'memory',
    });
    await handlers['rewards:set']({ episodeId: episodes['lab-scenario']!, value: 1 });
    await b.wb.store.durable();
  });
  after(() => b.stop());

  test('by default: only rewarded episodes, no lab; stderr says what was left out and how to have it', () => {
    const r = cli();
    const out = rows(r);
    assert.deepEqual(
      out.map((l) => [l.session_key, l.reward, l.reward_source, l.labeler, l.rubric, l.note]),
      [['labeled', 0.75, 'human', 'me', 'memory', 'kept the name']],
    );
    assert.match(r.stderr, /exported 1 interactions to stdout; left out 1 episode nobody rewarded/);
    assert.match(r.stderr, /\(--unlabeled zero\|null\) and 1 leak-lab episode \(--include-lab\)/);
  });

  test('--unlabeled zero writes 0 marked "default"; --unlabeled null writes no reward', () => {
    const zero = rows(cli('--unlabeled', 'zero')).find((l) => l.session_key === 'unlabeled')!;
    assert.deepEqual([zero.reward, zero.reward_source, zero.note], [0, 'default', null]);
    const none = rows(cli('--unlabeled', 'null')).find((l) => l.session_key === 'unlabeled')!;
    assert.deepEqual([none.reward, none.reward_source], [null, null]);
    assert.equal(rows(cli('--unlabeled', 'null')).length, 2, 'still no lab rows');
  });

  test('--include-lab adds the lab sessions; a policy that does not exist is refused (exit 2)', () => {
    const withLab = rows(cli('--include-lab'));
    assert.deepEqual(withLab.map((l) => l.session_key).sort(), ['lab-scenario', 'labeled']);
    const bad = cli('--unlabeled', 'maybe');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--unlabeled <policy>.*maybe.*Allowed choices are skip, zero, null/s);
    assert.equal(bad.stdout, '');
  });
});
