import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DetectorFault, LeakAnalyzer } from '../../../electron/core/analysis/analyzer.ts';
import { defineDetector, type Detector } from '../../../electron/core/analysis/detector.ts';
import {
  BUILTIN_DETECTORS,
  DetectorError,
  DetectorRegistry,
  loadDetectors,
} from '../../../electron/core/analysis/registry.ts';
import { SCENARIOS } from '../../../electron/core/lab/scenarios.ts';
import { EngineEvents } from '../../../electron/core/events.ts';
import { Store } from '../../../electron/core/store/store.ts';
import { detectorTable, LEAKS_DOC, withTable } from '../../../scripts/detector-table.ts';
import { tempDir } from '../../helpers/workbench.ts';

const probe = (id: string, kind: string, check: Detector<'call'>['check'] = () => null) =>
  defineDetector({
    id,
    reads: 'call',
    how: 'a test probe',
    kinds: { [kind]: { label: kind, severity: 'warning', means: 'a test', fix: 'none needed' } },
    check,
  });

describe('the detector registry', () => {
  test('every built-in kind has a label, a severity and a fix, and is raised by one detector', () => {
    const kinds = new DetectorRegistry().kinds();
    assert.equal(kinds.length, 13);
    assert.equal(new Set(kinds.map((k) => k.kind)).size, kinds.length);
    for (const k of kinds) assert.ok(k.label && k.fix && k.means, k.kind);
    assert.equal(kinds.find((k) => k.kind === 'stale_key')?.detector, 'stale-key');
  });

  test("docs/leaks.md's table is the registry's (npm run docs:detectors rewrites it)", () => {
    const doc = readFileSync(LEAKS_DOC, 'utf8');
    assert.equal(withTable(doc), doc, 'docs/leaks.md is out of date: run npm run docs:detectors');
    // and the check fires: a registry with one more detector makes another table
    const more = new DetectorRegistry([...BUILTIN_DETECTORS, probe('probe', 'probe_hit')]);
    assert.notEqual(withTable(doc, detectorTable(more)), doc);
  });

  test('a leak-lab scenario plants every kind (but three the lab cannot plant on a real gateway yet)', () => {
    const planted = new Set(SCENARIOS.flatMap((s) => s.expected));
    const registry = new DetectorRegistry();
    for (const kind of planted)
      assert.ok(registry.kind(kind), `a lab scenario expects ${kind}, which no detector raises`);
    const unplanted = registry
      .kinds()
      .map((k) => k.kind)
      .filter((k) => !planted.has(k));
    // key_mismatch needs OpenClaw to call with another session's key; retry_orphan a byte-identical
    // request, which OpenClaw's per-turn prompt never is; drift a system prompt changed by hand
    assert.deepEqual(unplanted.sort(), ['key_mismatch', 'retry_orphan', 'system_prompt_drift']);
  });

  test('a second detector with a taken id or kind, or a malformed one, is refused by name', () => {
    const r = new DetectorRegistry();
    assert.throws(() => r.add(probe('double-feed', 'other_kind')), /detector id "double-feed" is taken/);
    assert.throws(() => r.add(probe('mine', 'double_feed')), /"double_feed" is already raised by "double-feed"/);
    assert.throws(() => r.add({ ...probe('mine', 'mine'), reads: 'everything' }), DetectorError);
    const noFix = { ...probe('mine', 'mine'), kinds: { mine: { label: 'm', severity: 'warning', means: 'x' } } };
    assert.throws(() => r.add(noFix), /kinds\.mine\.fix/);
    assert.throws(() => r.add(probe('Bad Id', 'mine')), /id: lower case/);
    assert.equal(r.kinds().length, 13, 'nothing refused was half-registered');
    r.add(probe('mine', 'mine'));
    assert.equal(r.kinds().length, 14);
  });

  test("a user's module is loaded by path; a module without detectors is refused with its name", async () => {
    const dir = tempDir();
    try {
      const good = join(dir.path, 'good.mjs');
      writeFileSync(
        good,
        `export default [{ id: 'a', reads: 'call', how: 'h', kinds: { a_hit: { label: 'a', severity: 'info', ` +
          `means: 'm', fix: 'f' } }, check: () => null }];`,
      );
      const bad = join(dir.path, 'bad.mjs');
      writeFileSync(bad, 'export const detector = 1;');
      assert.ok((await loadDetectors([good])).kind('a_hit'));
      await assert.rejects(loadDetectors([bad]), new RegExp(`detector module ${bad} has no default export`));
      await assert.rejects(loadDetectors([join(dir.path, 'missing.mjs')]), /could not be loaded/);
    } finally {
      dir.remove();
    }
  });
});

describe('the analyzer runs what is registered, and a faulty detector costs no other one', () => {
  const dir = tempDir();
  let store: Store;
  let events: EngineEvents;
  before(() => {
    store = new Store(dir.path);
    events = new EngineEvents();
  });
  after(() => {
    store.close();
    dir.remove();
  });

  function call(session: string, text: string) {
    store.sessions.ensure(session, 'direct');
    const ep = store.episodes.insert({
      sessionKey: session,
      taskId: null,
      metadata: {},
      upstreamKey: `sk-sess-${session}`,
      upstreamId: null,
    });
    const body = Buffer.from(JSON.stringify({ model: 'm', messages: [{ role: 'user', content: text }] }));
    const c = store.calls.insert({
      upstreamKey: 'k',
      sessionKey: session,
      episodeId: ep.id,
      turnId: null,
      path: '/v1/chat/completions',
      headers: {},
      body,
      startedAt: Date.now(),
    });
    return { c, body };
  }

  test('a throwing detector is named in the fault; the next detector still raises, stored and announced', () => {
    const boom = probe('boom', 'boom_hit', () => {
      throw new Error('kaput');
    });
    const seen = probe('seen', 'seen_hit', ({ call: c, parsed }) => ({
      kind: 'seen_hit',
      message: `saw ${parsed.current?.text}`,
      evidence: [],
      dedupe: `seen:${c.id}`,
    }));
    const analyzer = new LeakAnalyzer(store, events, new DetectorRegistry([boom, seen]));
    const announced: string[] = [];
    const off = events.on('alerts:raised', (a) => announced.push(a.kind));
    const { c, body } = call('faulty', 'hello there');
    assert.throws(
      () => analyzer.analyzeCall(c, body),
      (err: Error) => {
        assert.ok(err instanceof DetectorFault);
        assert.match(err.message, /detector boom: kaput/);
        return true;
      },
    );
    off();
    assert.deepEqual(announced, ['seen_hit']);
    const stored = store.alerts.list({ sessionKey: 'faulty' }).items;
    assert.deepEqual(
      stored.map((a) => [a.kind, a.severity, a.message]),
      [['seen_hit', 'warning', 'saw hello there']],
    );
  });

  test('a finding of a kind the detector did not declare is a fault and stores nothing', () => {
    const liar = probe('liar', 'liar_hit', ({ call: c }) => ({
      kind: 'double_feed' as 'liar_hit',
      message: 'not mine to raise',
      evidence: [],
      dedupe: `liar:${c.id}`,
    }));
    const analyzer = new LeakAnalyzer(store, events, new DetectorRegistry([liar]));
    const { c, body } = call('liar', 'hi');
    assert.throws(
      () => analyzer.analyzeCall(c, body),
      /detector liar: raised "double_feed", a kind it does not declare/,
    );
    assert.equal(store.alerts.list({ sessionKey: 'liar' }).items.length, 0);
  });

  test('signals reach the detectors that read them: a stale key, workspace state left over', () => {
    const analyzer = new LeakAnalyzer(store, events);
    const { c } = call('signals', 'x');
    const stale = analyzer.signal('stale_key_use', {
      sessionKey: 'signals',
      episodeId: c.episodeId,
      episode: store.episodes.get(c.episodeId),
    });
    assert.deepEqual(
      stale.map((a) => [a.kind, a.severity]),
      [['stale_key', 'error']],
    );
    const files = [{ path: 'AGENTS.md', change: 'modified' as const, preview: 'codeword' }];
    const left = analyzer.signal('state_left', { sessionKey: 'signals', episodeId: c.episodeId, files });
    assert.equal(left[0]?.kind, 'state_carryover');
    assert.match(left[0]!.evidence[0]!.text, /AGENTS\.md: codeword/);
    assert.deepEqual(analyzer.signal('state_left', { sessionKey: 'signals', episodeId: 'ep-x', files: [] }), []);
  });
});
