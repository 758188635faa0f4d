// Training data in tokens, from calls recorded on real HTTP against a server that answers token ids
// as vLLM does (the scripted model, Qwen3's real template): `trajscope export --tokens` writes AReaL's
// tensor-dict shape as lists; `concat` joins calls only where the prefix holds token for token and
// otherwise starts a row that says why; loss is only ever on ids the server said it generated; the
// same rows come from AReaL's /export_trajectories when asked for tokens.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import OpenAI from 'openai';
import { tokenRows } from '../../electron/core/export/token-rows.ts';
import { DEFAULT_SCENARIO } from '../../electron/core/scripted-model/scenario.ts';
import { Store } from '../../electron/core/store/store.ts';
import type { UpstreamCallDetail } from '../../shared/domain.ts';
import type { Scenario } from '../../shared/schemas.ts';
import { episodeClient, tokenServerRun } from '../helpers/token-server.ts';
import { adminAuth, request, tempDir } from '../helpers/workbench.ts';

type Message = OpenAI.ChatCompletionMessageParam;

const THINKING: Scenario = {
  ...DEFAULT_SCENARIO,
  rules: [
    { name: 'think', match: { contains: 'think' }, steps: [{ text: '<think>\nTwo and two.\n</think>\n\nIt is 4.' }] },
    ...DEFAULT_SCENARIO.rules,
  ],
};

interface Row {
  episode_id: string;
  interaction_ids: string[];
  input_ids: number[];
  loss_mask: number[];
  logprobs: number[];
  versions: number[];
  logprobs_known: boolean;
  split_reason: string | null;
  reward: number | null;
  reward_source: string | null;
}

describe('token export', () => {
  const run = tokenServerRun(THINKING);

  /** Three calls of one episode, each the last one's messages + its answer + a user message; rewarded 1. */
  async function episode(session: string, first: string) {
    const b = run.bench();
    const { openai, calls } = await episodeClient(b, session);
    const messages: Message[] = [{ role: 'user', content: first }];
    for (const next of ['And then?', 'Thanks.', null]) {
      const a = await openai.chat.completions.create({ model: 'qwen3', messages });
      if (next === null) break;
      messages.push({ role: 'assistant', content: a.choices[0]!.message.content }, { role: 'user', content: next });
    }
    const recorded = calls();
    await b.proxy('POST', `/session/${session}/episode/end`, { reward: 1 });
    return recorded;
  }

  function exportRows(...args: string[]): { rows: Row[]; stderr: string } {
    const out = spawnSync(
      process.execPath,
      ['electron/headless/cli.ts', 'export', '--data-dir', run.bench().dir, '--tokens', ...args],
      { encoding: 'utf8' },
    );
    assert.equal(out.status, 0, out.stderr);
    return {
      rows: out.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Row),
      stderr: out.stderr,
    };
  }

  /** Each row: lists of one length, loss exactly on its calls' generated ids, in order. */
  function checkRow(row: Row, byId: Map<string, UpstreamCallDetail>) {
    const n = row.input_ids.length;
    assert.deepEqual([row.loss_mask.length, row.logprobs.length, row.versions.length], [n, n, n]);
    assert.ok(row.versions.every((v) => v === -1));
    const generated = row.interaction_ids.flatMap((id) => byId.get(id)!.response!.tokenIds!);
    assert.deepEqual(
      row.input_ids.filter((_, i) => row.loss_mask[i] === 1),
      generated,
      'loss is on the generated ids and nothing else',
    );
    assert.ok(row.logprobs.every((lp, i) => row.loss_mask[i] === 1 || lp === 0));
    const first = byId.get(row.interaction_ids[0]!)!.response!.promptTokenIds!;
    assert.deepEqual(row.input_ids.slice(0, first.length), first, 'a row starts with its first prompt');
  }

  test('individual: a row per call; concat: one row where the prefix holds, else split with a reason', async () => {
    const clean = await episode('clean', 'Hello there');
    const broken = await episode('broken', 'think: what is 2+2?');
    const byId = new Map([...clean, ...broken].map((c) => [c.id, c]));
    const info = run.bench().wb.sessions.info('clean')!;
    assert.deepEqual([info.callsWithTokenIds, info.callsWithoutTokenIds], [3, 0], 'token checks on for every call');

    const individual = exportRows().rows;
    assert.equal(individual.length, 6);
    for (const row of individual) {
      checkRow(row, byId);
      const c = byId.get(row.interaction_ids[0]!)!;
      assert.equal(row.input_ids.length, c.response!.promptTokenIds!.length + c.response!.tokenIds!.length);
      assert.equal(row.split_reason, null);
      assert.equal(row.logprobs_known, true);
    }

    const { rows: concat, stderr } = exportRows('--style', 'concat');
    assert.match(stderr, /^exported 3 token rows to stdout/);
    for (const row of concat) checkRow(row, byId);
    const cleanRows = concat.filter((r) => r.episode_id === clean[0]!.episodeId);
    assert.deepEqual(
      cleanRows.map((r) => r.interaction_ids),
      [clean.map((c) => c.id)],
      'the clean episode is one row',
    );
    assert.equal(cleanRows[0]!.reward, 1);
    assert.equal(cleanRows[0]!.split_reason, null);
    const last = clean[2]!.response!;
    assert.deepEqual(cleanRows[0]!.input_ids, [...last.promptTokenIds!, ...last.tokenIds!]);

    // the template drops the first reply's <think>: the second call breaks, inside the generated ids;
    // the third extends the second (its reply had no reasoning) and joins its row
    const brokenRows = concat.filter((r) => r.episode_id === broken[0]!.episodeId);
    assert.deepEqual(
      brokenRows.map((r) => r.interaction_ids),
      [[broken[0]!.id], [broken[1]!.id, broken[2]!.id]],
    );
    const at = broken[0]!.response!.promptTokenIds!.length;
    assert.equal(
      brokenRows[1]!.split_reason,
      `the prompt does not start with the previous row (prompt + generated ids): it differs at position ${at} of ` +
        `${broken[1]!.response!.promptTokenIds!.length}, inside the generated ids`,
    );
  });

  test('the text export carries the ids; imported back, the token checks run on them', () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, 'broken.jsonl');
      const out = spawnSync(
        process.execPath,
        ['electron/headless/cli.ts', 'export', '--data-dir', run.bench().dir, '--session', 'broken', '--out', file],
        { encoding: 'utf8' },
      );
      assert.equal(out.status, 0, out.stderr);
      const line = JSON.parse(readFileSync(file, 'utf8').split('\n')[1]!);
      assert.ok(line.response.prompt_token_ids.length > 0 && line.response.token_ids.length > 0);
      const data = join(dir.path, 'data');
      const imported = spawnSync(process.execPath, ['electron/headless/cli.ts', 'import', file, '--data-dir', data], {
        encoding: 'utf8',
      });
      assert.equal(imported.status, 0, imported.stderr);
      const store = new Store(data, { readOnly: true });
      try {
        // (the calls were made outside any turn: background_call, as when they were recorded)
        const kinds = store.alerts.list({ limit: 100 }).items.map((a) => a.kind);
        assert.deepEqual(
          kinds.filter((k) => k !== 'background_call'),
          ['token_prefix_break'],
        );
      } finally {
        store.close();
      }
    } finally {
      dir.remove();
    }
  });

  test("AReaL's /export_trajectories answers the same rows when asked for tokens", async () => {
    const calls = await episode('areal', 'Hello there');
    const b = run.bench();
    const episodeId = calls[0]!.episodeId;
    const res = await request(
      `${b.wb.recorder.origin}/export_trajectories`,
      'POST',
      { session_ids: [episodeId], tokens: true, style: 'concat' },
      adminAuth(b),
    );
    assert.equal(res.status, 200);
    const cli = exportRows('--style', 'concat', '--episodes', episodeId).rows;
    assert.deepEqual(res.body.token_rows, cli);
    assert.equal(res.body.token_rows.length, 1);
  });
});

test('a call without token ids is left out, said, and ends a concat row', () => {
  const call = (id: string, prompt: number[] | null, out: number[] | null, logprobs: unknown[] | null = null) =>
    ({
      id,
      response: { promptTokenIds: prompt, tokenIds: out, logprobs },
    }) as unknown as UpstreamCallDetail;
  const without: string[] = [];
  const rows = tokenRows(
    [
      call('a', [1, 2], [3], [{ logprob: -0.5 }]),
      call('b', null, null),
      call('c', [1, 2, 3, 4], [5]),
      call('d', [1, 2, 3, 4, 5, 6], [7]),
    ],
    'concat',
    (c) => without.push(c.id),
  );
  assert.deepEqual(without, ['b']);
  assert.deepEqual(
    rows.map((r) => [r.calls.map((c) => c.id), r.split_reason, r.logprobs_known]),
    [
      [['a'], null, true],
      [['c', 'd'], 'the previous call has no token ids', false],
    ],
  );
  assert.deepEqual(rows[0]!.logprobs, [0, 0, -0.5]);
  assert.deepEqual(rows[1]!.loss_mask, [0, 0, 0, 0, 1, 0, 1]);
});
