// Over 300 lines: its cases share one cluster (four engines and a Router take ≈ 10 s to start).
// One workbench over a cluster, on one machine: three engines register their DataProxies with a
// Router speaking AReaL's wire (test/helpers/areal.ts), 30 sessions come in through a Gateway that
// routes them round-robin, and a fourth engine is a hub over the three (`remotes` in its config
// file, each with the engine's fixed uiToken). The hub lists every session with its host, a label
// given through it is written on the engine that owns the episode (by the hub's labeler), its
// merged export has every session exactly once, and an engine killed is named unreachable within
// 5 s while the hub keeps listing and labeling on the others. Lists (sessions, episodes, alerts,
// search hits) page across the hosts in one order, and the remotes' live events reach the hub's.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import WebSocket from 'ws';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Gateway, startRouter, type Router } from '../helpers/areal.ts';
import { chromiumMissing, launchChromium, shot, workbenchPage } from '../helpers/browser.ts';
import { Store } from '../../electron/core/store/store.ts';
import { startHost, type Host } from '../helpers/host.ts';
import { request, tempDir, until } from '../helpers/workbench.ts';

const NAMES = ['node-a', 'node-b', 'node-c'];
const tokenOf = (name: string) => `cluster-token-${name}-0123456789abcdef`;
const EXPORT = { unlabeled: 'null', includeLab: false, includeFailed: false, dropRetryOrphans: false, discount: 1 };

describe('a hub over three engines behind AReaL-wire Router and Gateway', () => {
  const dir = tempDir();
  let router: Router;
  const nodes = new Map<string, Host>();
  let hub: Host;
  const invoke = (h: Host, token: string, channel: string, body: unknown) =>
    request(`${h.ready.api}/api/invoke/${channel}`, 'POST', body, { authorization: `Bearer ${token}` });
  const hubInvoke = (channel: string, body: unknown) =>
    invoke(hub, 'cluster-hub-token-0123456789abcdef', channel, body);
  const exportOf = async (h: Host, token: string, body: unknown) => {
    const r = await fetch(`${h.ready.api}/api/export`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await r.text();
    assert.equal(r.status, 200, text);
    return text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  };

  before(async () => {
    router = await startRouter('cluster-router-key');
    for (const name of NAMES) {
      const host = await startHost(join(dir.path, name), ['--runtime', 'direct', '--areal-router', router.url], {
        TRAJSCOPE_AREAL_ROUTER_KEY: 'cluster-router-key',
        TRAJSCOPE_UI_TOKEN: tokenOf(name),
      });
      nodes.set(name, host);
    }
    const config = join(dir.path, 'hub.json');
    const remotes = NAMES.map((name) => ({ name, url: nodes.get(name)!.ready.api, token: tokenOf(name) }));
    writeFileSync(config, JSON.stringify({ remotes, uiToken: 'cluster-hub-token-0123456789abcdef' }), { mode: 0o600 });
    hub = await startHost(join(dir.path, 'hub'), ['--runtime', 'direct', '--config', config]);
  });
  after(async () => {
    await hub?.stop();
    for (const h of nodes.values()) await h.stop();
    await router?.stop();
    dir.remove();
  });

  test('30 sessions land 10 per engine; the hub lists them with their hosts; a label lands on the owner', async () => {
    const gw = new Gateway(router);
    for (let i = 0; i < 30; i++) {
      const t = await gw.turn(`user-${String(i).padStart(2, '0')}`, `hello from ${i}`, {});
      assert.equal(t.status, 200, await t.text());
    }
    for (const name of NAMES) {
      const own = await invoke(nodes.get(name)!, tokenOf(name), 'sessions:list', {});
      assert.equal(own.body.result.items.length, 10, `${name} holds 10`);
    }
    const listed = (await hubInvoke('sessions:list', {})).body.result.items as Array<{
      key: string;
      host?: { name: string; reachable: boolean };
    }>;
    assert.equal(listed.length, 30);
    assert.deepEqual(
      NAMES.map((n) => listed.filter((s) => s.host?.name === n && s.host.reachable).length),
      [10, 10, 10],
    );
    const hosts = (await hubInvoke('hosts:list', {})).body.result as Array<{ name: string; reachable: boolean }>;
    assert.deepEqual(
      hosts.map((h) => [h.name, h.reachable]),
      NAMES.map((n) => [n, true]),
    );

    // a label through the hub: written on the engine that owns the episode, by the hub's labeler
    assert.equal((await hubInvoke('settings:set', { labeler: 'hub-labeler' })).status, 200);
    const target = listed.find((s) => s.host?.name === 'node-b')!;
    const episodes = await hubInvoke('episodes:list', { sessionKey: target.key });
    assert.equal(episodes.status, 200, JSON.stringify(episodes.body));
    const ep = episodes.body.result.items[0];
    const saved = await hubInvoke('rewards:set', { episodeId: ep.id, value: 1 });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal(saved.body.result.labeler, 'hub-labeler');
    const bRows = await exportOf(nodes.get('node-b')!, tokenOf('node-b'), { ...EXPORT, unlabeled: 'skip' });
    assert.ok(bRows.length > 0 && bRows.every((r) => r.session_key === target.key), "node-b's export has the label");
    assert.equal((await hubInvoke('rewards:list', { episodeId: ep.id })).body.result[0].value, 1);
  });

  test("the hub's merged export has every session exactly once, each line tagged with its host", async () => {
    const rows = await exportOf(hub, 'cluster-hub-token-0123456789abcdef', { ...EXPORT, hosts: 'all' });
    const hostOf = new Map<string, string>();
    for (const r of rows) {
      const key = r.session_key as string;
      assert.equal(hostOf.get(key) ?? r.host, r.host, `${key} comes from one host`);
      hostOf.set(key, r.host as string);
    }
    assert.equal(hostOf.size, 30);
    const ids = rows.map((r) => `${r.host} ${r.interaction_id ?? r.id ?? JSON.stringify(r).length}`);
    assert.equal(new Set(ids).size, ids.length, 'no line twice');
    const again = await exportOf(hub, 'cluster-hub-token-0123456789abcdef', { ...EXPORT, hosts: 'all' });
    assert.deepEqual(again, rows, 'deterministic');
    // a host that is not one of the hub's is refused by name
    const bad = await fetch(`${hub.ready.api}/api/export`, {
      method: 'POST',
      headers: { authorization: 'Bearer cluster-hub-token-0123456789abcdef', 'content-type': 'application/json' },
      body: JSON.stringify({ ...EXPORT, hosts: ['node-z'] }),
    });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: { message: string } }).error.message, /unknown host node-z/);
  });

  /** The episodes the lab run on node-a left. */
  const lab: Array<{ id: string; status: string }> = [];

  /** Every item of a list through the hub, `limit` at a time, each page's `next` passed on. */
  const allPages = async (channel: string, body: Record<string, unknown>, limit: number) => {
    const items: Array<Record<string, unknown>> = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const r = await hubInvoke(channel, { ...body, limit, ...(cursor ? { cursor } : {}) });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.ok(r.body.result.items.length <= limit);
      items.push(...r.body.result.items);
      if (!r.body.result.next) return items;
      cursor = r.body.result.next;
    }
    throw new Error(`${channel}: more than 100 pages`);
  };

  test('lists page across the hosts in one order, each item once; remote events reach the hub', async () => {
    const sessions = await allPages('sessions:list', {}, 7);
    assert.equal(new Set(sessions.map((s) => s.key)).size, 30, 'every session once');
    const created = sessions.map((s) => s.createdAt as number);
    assert.deepEqual(
      created,
      [...created].sort((a, b) => b - a),
      'newest first across hosts',
    );
    const episodes = await allPages('episodes:list', {}, 4);
    assert.equal(new Set(episodes.map((e) => e.id)).size, 30);
    const started = episodes.map((e) => e.startedAt as number);
    assert.deepEqual(
      started,
      [...started].sort((a, b) => a - b),
      'oldest first, as one engine lists them',
    );
    // search: the hits of every engine, each once
    let own = 0;
    for (const name of NAMES) {
      const r = await invoke(nodes.get(name)!, tokenOf(name), 'search:calls', { query: 'hello', limit: 1000 });
      assert.ok(r.body.result.items.length > 0, `${name} has hits`);
      own += r.body.result.items.length;
    }
    const hits = await allPages('search:calls', { query: 'hello' }, 9);
    assert.equal(hits.length, own);
    assert.equal(new Set(hits.map((h) => h.callId)).size, own);
    // alerts raised on one engine are in the hub's list and map, and their turn opens through it
    const labRun = await invoke(nodes.get('node-a')!, tokenOf('node-a'), 'lab:run', {
      scenario: 'tokens-reasoning-stripped',
    });
    assert.equal(labRun.status, 200, JSON.stringify(labRun.body));
    const alerts = await allPages('alerts:list', {}, 1);
    assert.deepEqual(alerts.map((a) => a.id).sort(), labRun.body.result.alerts.map((a: { id: string }) => a.id).sort());
    const map = (await hubInvoke('alerts:map', {})).body.result;
    assert.ok(map.sessions.includes(labRun.body.result.sessionKeys[0]), 'the map has the session of node-a');
    for (const k of labRun.body.result.sessionKeys)
      lab.push(...(await hubInvoke('episodes:list', { sessionKey: k })).body.result.items);
    const turn = await hubInvoke('turns:get', { turnId: alerts[0]!.turnId });
    assert.equal(turn.status, 200, JSON.stringify(turn.body));
    // the Stats view's charts count every host's calls and episodes
    const each = async <T>(channel: string): Promise<T[]> =>
      Promise.all(NAMES.map(async (n) => (await invoke(nodes.get(n)!, tokenOf(n), channel, {})).body.result));
    const calls = (await hubInvoke('stats:calls', {})).body.result;
    const ownCalls = await each<{ requestBytes: number[] }>('stats:calls');
    assert.equal(
      calls.requestBytes.length,
      ownCalls.reduce((n, c) => n + c.requestBytes.length, 0),
    );
    const rewards = (await hubInvoke('stats:rewards', {})).body.result;
    const ownRewards = await each<{ tasks: Array<{ episodes: number }> }>('stats:rewards');
    assert.equal(
      rewards.tasks.reduce((n: number, t: { episodes: number }) => n + t.episodes, 0),
      ownRewards.reduce((n, r) => n + r.tasks.reduce((m, t) => m + t.episodes, 0), 0),
    );
    // two rollouts on two hosts, compared side by side through the hub as one engine compares its own
    const first = async (host: string) => {
      const key = sessions.find((x) => (x.host as { name: string }).name === host)!.key;
      return (await hubInvoke('episodes:list', { sessionKey: key })).body.result.items[0];
    };
    const [epA, epB] = [await first('node-a'), await first('node-b')];
    const cmp = await hubInvoke('episodes:compare', { episodeId: epA.id, otherId: epB.id });
    assert.equal(cmp.status, 200, JSON.stringify(cmp.body));
    assert.deepEqual([cmp.body.result.a.id, cmp.body.result.b.id], [epA.id, epB.id]);
    assert.equal(cmp.body.result.turns[0].a.message, 'hello from ' + Number(String(epA.sessionKey).slice(5)));
    assert.equal(cmp.body.result.turns[0].b.message, 'hello from ' + Number(String(epB.sessionKey).slice(5)));
    // a stale or foreign cursor is refused, not read as the start
    assert.equal((await hubInvoke('sessions:list', { cursor: 'bm90LWEtaHViLWN1cnNvcg' })).status, 400);

    // a turn on node-b reaches the hub's event stream, its session tagged with its host
    const ws = new WebSocket(`${hub.ready.api.replace('http', 'ws')}/api/events`, {
      headers: { authorization: 'Bearer cluster-hub-token-0123456789abcdef' },
    });
    const heard: Array<{ channel: string; payloads: Array<Record<string, unknown>> }> = [];
    ws.on('message', (d) => heard.push(...JSON.parse(d.toString())));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    try {
      const onB = sessions.find((s) => (s.host as { name: string }).name === 'node-b')!;
      const gw = new Gateway(router);
      const t = await gw.turn(onB.key as string, 'and a second message', {});
      assert.equal(t.status, 200, await t.text());
      await until('the turn heard through the hub', async () =>
        heard.some(
          (b) =>
            b.channel === 'sessions:changed' &&
            b.payloads.some((p) => p.key === onB.key && (p.host as { name: string }).name === 'node-b'),
        ),
      );
      assert.ok(heard.some((b) => b.channel === 'turns:changed' && b.payloads.some((p) => p.sessionKey === onB.key)));
    } finally {
      ws.close();
    }
  });

  test('trajscope export --hosts writes what the hub exports; collect copies ended episodes once', async () => {
    const cli = async (...args: string[]) => {
      const child = spawn(process.execPath, ['electron/headless/cli.ts', ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let [stdout, stderr] = ['', ''];
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      return { code, stdout, stderr };
    };
    const config = join(dir.path, 'hub.json');
    const hubDir = join(dir.path, 'hub');
    const out = join(dir.path, 'merged.jsonl');
    const flags = ['--unlabeled', 'null'];
    const written = await cli(
      'export',
      '--data-dir',
      hubDir,
      '--config',
      config,
      '--hosts',
      'all',
      ...flags,
      '--out',
      out,
    );
    assert.equal(written.code, 0, written.stderr);
    assert.match(written.stderr, /exported \d+ interactions from local, node-a, node-b, node-c to /);
    const viaHub = await exportOf(hub, 'cluster-hub-token-0123456789abcdef', { ...EXPORT, hosts: 'all' });
    const fromCli = readFileSync(out, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    assert.deepEqual(fromCli, viaHub, 'the same lines, in the same order');
    // a data dir that recorded nothing (a laptop gathering the cluster's data) adds nothing, and is not made
    const nowhere = join(dir.path, 'nowhere');
    const out2 = join(dir.path, 'remotes-only.jsonl');
    const gathered = await cli(
      'export',
      '--data-dir',
      nowhere,
      '--config',
      config,
      '--hosts',
      'all',
      ...flags,
      '--out',
      out2,
    );
    assert.equal(gathered.code, 0, gathered.stderr);
    assert.match(gathered.stderr, /from node-a, node-b, node-c to /);
    assert.deepEqual(
      readFileSync(out2, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
      viaHub,
      "the hub itself recorded nothing: the remotes' lines are all",
    );
    const noLocal = await cli('export', '--data-dir', nowhere, '--config', config, '--hosts', 'local,node-a');
    assert.equal(noLocal.code, 2, noLocal.stderr);
    assert.match(noLocal.stderr, /--hosts names local, but .* holds no Trajscope data/);
    assert.ok(!existsSync(nowhere), 'no data dir made');
    const bad = await cli('export', '--data-dir', hubDir, '--config', config, '--hosts', 'node-a,node-z');
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /unknown host node-z/);

    // collect: what ended is copied, once; a second run adds only what ended since
    const sessions = await allPages('sessions:list', {}, 1000);
    const ending = sessions.filter((s) => s.origin === 'live').slice(0, 6);
    for (const s of ending) {
      const r = await hubInvoke('episodes:end', { sessionKey: s.key });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    const local = join(dir.path, 'collected');
    type Tally = { host: string; collected: number; alreadyHere: number; stillOpen: number; sessions: number };
    const collect = async () => {
      const r = await cli('collect', '--data-dir', local, '--config', config, '--json');
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as Tally[];
    };
    const first = await collect();
    assert.deepEqual(
      first.map((t) => t.host),
      NAMES,
    );
    const labEpisodes = lab.filter((e) => e.status === 'ended').length;
    assert.ok(labEpisodes > 0, 'the lab run ended its episodes');
    assert.equal(
      first.reduce((n, t) => n + t.collected, 0),
      6 + labEpisodes,
      'the six ended episodes and the lab run',
    );
    assert.equal(
      first.reduce((n, t) => n + t.stillOpen, 0),
      24 + lab.length - labEpisodes,
    );
    const again = await collect();
    assert.equal(
      again.reduce((n, t) => n + t.collected, 0),
      0,
      'nothing twice',
    );
    assert.equal(
      again.reduce((n, t) => n + t.alreadyHere, 0),
      6 + labEpisodes,
    );
    const seventh = sessions.filter((s) => s.origin === 'live')[6]!;
    assert.equal((await hubInvoke('episodes:end', { sessionKey: seventh.key })).status, 200);
    const third = await collect();
    assert.equal(
      third.reduce((n, t) => n + t.collected, 0),
      1,
    );
    const store = new Store(local, { readOnly: true });
    try {
      const keys = store.sessions.list({ limit: 1000 }).items.map((s) => s.key);
      assert.equal(keys.length, 7 + 1, 'one session per remote session');
      const host = (seventh.host as { name: string }).name;
      assert.ok(keys.includes(`import-${host}-${seventh.key}`), `${seventh.key} collected as import-${host}-…`);
      let episodes = 0;
      for (const k of keys) episodes += store.episodes.list({ sessionKey: k, limit: 1000 }).items.length;
      assert.equal(episodes, 7 + labEpisodes);
    } finally {
      store.close();
    }
  });

  test("one host's session content in another host's prompt is raised there, as a cross-session leak", async () => {
    const sessions = await allPages('sessions:list', {}, 1000);
    const live = (host: string) =>
      sessions.find((s) => s.origin === 'live' && (s.host as { name: string }).name === host)!;
    const [onA, onB] = [live('node-a'), live('node-b')];
    const secret = 'the launch code for project heron is seven two nine alpha tango';
    const gw = new Gateway(router);
    const said = await gw.turn(onA.key as string, secret, {});
    assert.equal(said.status, 200, await said.text());
    // an agent on node-b whose prompt carries it, unreplayed (a workspace shared across nodes would)
    // (its open episode: the collect case ended some)
    const open = await invoke(nodes.get('node-b')!, tokenOf('node-b'), 'episodes:list', {
      sessionKey: onB.key,
      status: 'open',
    });
    const ep =
      open.body.result.items[0] ??
      (await invoke(nodes.get('node-b')!, tokenOf('node-b'), 'episodes:start', { sessionKey: onB.key })).body.result;
    const call = (content: string) =>
      fetch(`${nodes.get('node-b')!.ready.upstream}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ep.upstreamKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'scripted',
          messages: [
            { role: 'user', content },
            { role: 'assistant', content: 'noted.' },
            { role: 'user', content: 'what should I do next with it?' },
          ],
        }),
      });
    const leaked = await call(`remember this: ${secret}`);
    assert.equal(leaked.status, 200, await leaked.text());
    // content said on no host is no finding
    const alone = await call('a note written by a tool that no session on any host ever said aloud');
    assert.equal(alone.status, 200, await alone.text());
    const crossHost = async () =>
      (
        (await hubInvoke('alerts:list', { sessionKey: onB.key, kind: 'cross_session' })).body.result.items as Array<{
          message: string;
          callId: string;
          evidence: Array<{ text: string; detail: string; sourceTurnId: string }>;
        }>
      ).filter((a) => /on host node-a/.test(a.message));
    await until('the leak raised on node-b', async () => (await crossHost()).length > 0, 15_000);
    const [alert] = await crossHost();
    assert.match(alert!.message, new RegExp(`content of session ${onA.key} on host node-a reached session ${onB.key}`));
    assert.ok(
      alert!.evidence.some((e) => e.text.includes('launch code for project heron')),
      JSON.stringify(alert),
    );
    // stored on node-b itself, with its call; its source turn opens through the hub
    const own = await invoke(nodes.get('node-b')!, tokenOf('node-b'), 'alerts:list', { sessionKey: onB.key });
    assert.ok(own.body.result.items.some((a: { message: string }) => /on host node-a/.test(a.message)));
    const source = await hubInvoke('turns:get', { turnId: alert!.evidence[0]!.sourceTurnId });
    assert.equal(source.status, 200, JSON.stringify(source.body));
    assert.equal(source.body.result.message, secret);
    // once: another read of the hosts raises nothing more
    assert.equal((await crossHost()).length, 1);
    const all = (await hubInvoke('alerts:list', { sessionKey: onB.key, kind: 'cross_session' })).body.result.items;
    assert.ok(
      all.every(
        (a: { evidence: Array<{ text: string }> }) => !a.evidence.some((e) => /no session on any host/.test(e.text)),
      ),
    );
  });

  test('an engine killed is unreachable within 5 s; the others keep serving and labeling', async () => {
    const c = nodes.get('node-c')!;
    // the hub's UI hears it too, whichever of the hub's requests finds out first
    const ws = new WebSocket(`${hub.ready.api.replace('http', 'ws')}/api/events`, {
      headers: { authorization: 'Bearer cluster-hub-token-0123456789abcdef' },
    });
    let toldAt = 0;
    ws.on('message', (d) => {
      for (const b of JSON.parse(d.toString()) as Array<{ channel: string; payloads: unknown[] }>)
        if (b.channel === 'hosts:changed')
          for (const p of b.payloads as Array<Array<{ name: string; reachable: boolean }>>)
            if (p.find((h) => h.name === 'node-c')?.reachable === false) toldAt ||= Date.now();
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    c.child.kill('SIGKILL');
    const t0 = Date.now();
    await until('node-c unreachable', async () => {
      const hosts = (await hubInvoke('hosts:list', {})).body.result as Array<{ name: string; reachable: boolean }>;
      return hosts.find((h) => h.name === 'node-c')!.reachable === false;
    });
    assert.ok(Date.now() - t0 < 5000, `named unreachable in ${Date.now() - t0} ms`);
    await until('told on the event stream', () => toldAt > 0);
    ws.close();
    assert.ok(toldAt - t0 < 5000, `told in ${toldAt - t0} ms`);
    const started = Date.now();
    const listed = (await hubInvoke('sessions:list', {})).body.result.items as Array<{
      key: string;
      host?: { name: string; reachable: boolean };
    }>;
    assert.ok(Date.now() - started < 3000, 'a dead host does not hold the list up');
    assert.equal(listed.length, 31, "its sessions stay, as last known (and node-a's lab run)");
    assert.equal(listed.filter((s) => s.host?.name === 'node-c' && !s.host.reachable).length, 10);
    const onA = listed.find((s) => s.host?.name === 'node-a')!;
    const ep = (await hubInvoke('episodes:list', { sessionKey: onA.key })).body.result.items[0];
    const saved = await hubInvoke('rewards:set', { episodeId: ep.id, value: 0.5 });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    // an export of every host is refused while one does not answer; the live ones still export
    const all = await fetch(`${hub.ready.api}/api/export`, {
      method: 'POST',
      headers: { authorization: 'Bearer cluster-hub-token-0123456789abcdef', 'content-type': 'application/json' },
      body: JSON.stringify({ ...EXPORT, hosts: 'all' }),
    });
    assert.equal(all.status, 503);
    const live = await exportOf(hub, 'cluster-hub-token-0123456789abcdef', { ...EXPORT, hosts: ['node-a', 'node-b'] });
    assert.equal(new Set(live.map((r) => r.session_key)).size, 20, "node-a's and node-b's (lab runs left out)");
    // the lists across hosts answer at once without it, and name it
    for (const [channel, body] of [
      ['alerts:list', {}],
      ['search:calls', { query: 'hello' }],
      ['episodes:list', {}],
      ['alerts:map', {}],
    ] as const) {
      const t1 = Date.now();
      const r = await hubInvoke(channel, body);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.ok(Date.now() - t1 < 1000, `${channel} is not held up by a dead host`);
      assert.deepEqual(
        r.body.result.unanswered.map((u: { host: string }) => u.host),
        ['node-c'],
        `${channel} names the host it lacks`,
      );
    }
  });

  test(
    "in Chromium: the hub's rail tags sessions by host, greys the dead one's, opens a remote's episode",
    {
      skip: chromiumMissing,
    },
    async () => {
      const browser = await launchChromium();
      try {
        const page = await workbenchPage(browser);
        await page.goto(hub.ready.ui);
        await page.getByTestId('session-host').first().waitFor();
        await page.getByTestId('hosts-banner').filter({ hasText: 'Host node-c does not answer' }).waitFor();
        await page
          .locator('.rail-item.host-down [data-testid=session-host]', { hasText: 'node-c · unreachable' })
          .first()
          .waitFor();
        const onA = page.locator('.rail-item', {
          has: page.getByTestId('session-host').filter({ hasText: /^node-a$/ }),
        });
        await onA.first().click();
        // the episode list and its turn come from node-a through the hub
        await page.locator('.episode .episode-head', { hasText: 'Episode 0' }).waitFor();
        // the export dialog offers the hosts; the dead one refuses the preview until it is left out
        await page.getByRole('button', { name: 'Export', exact: true }).click();
        const dialog = page.getByRole('dialog', { name: 'Export trajectories' });
        const choice = dialog.getByTestId('export-hosts');
        await choice.getByText('does not answer').waitFor();
        await dialog.getByText(/node-c.*does not answer: the export would lack its sessions/).waitFor();
        await choice.getByLabel('node-c').uncheck();
        await dialog.getByLabel('write them with no reward (null)').check();
        await dialog.getByText(/^Writes \d+ interactions? of \d+ episodes?/).waitFor();
        await dialog.getByText(/--unlabeled null .*--hosts local,node-a,node-b/).waitFor();
        await shot(page, 'hub-export');
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          dialog.getByRole('button', { name: 'Export' }).click(),
        ]);
        const lines = readFileSync((await download.path())!, 'utf8')
          .split('\n')
          .filter(Boolean);
        assert.deepEqual([...new Set(lines.map((l) => JSON.parse(l).host))].sort(), ['node-a', 'node-b']);
        // Stats: the resource chart is the hub's own processes, and says so
        await page.locator('.topbar nav').getByRole('button', { name: 'Stats' }).click();
        await page.getByTestId('resources-local').waitFor();
        await page.goto(`${hub.ready.ui.split('?')[0]}#/settings`);
        const hosts = page.getByTestId('hosts');
        await hosts.locator('tr[data-host=node-c]', { hasText: 'unreachable' }).waitFor();
        await hosts.locator('tr[data-host=node-a]', { hasText: 'reachable' }).waitFor();
        await shot(page, 'hub-hosts');
      } finally {
        await browser.close();
      }
    },
  );
});

describe('an engine on a cluster node: bound beyond loopback only when told, every realm named', () => {
  test('a non-loopback host without expose is refused with what to do; nothing is left running', async () => {
    const dir = tempDir();
    try {
      await assert.rejects(startHost(dir.path, ['--runtime', 'direct', '--host', '0.0.0.0']), (err: Error) => {
        assert.match(err.message, /host 0\.0\.0\.0 is not a loopback address/);
        assert.match(err.message, /--expose/);
        assert.doesNotMatch(err.message, /\n\s+at /, 'no stack trace');
        return true;
      });
    } finally {
      dir.remove();
    }
  });

  test('with expose: each server named with its realm and credential; the UI token is the one set', async () => {
    const dir = tempDir();
    const token = 'node-token-0123456789abcdefghij';
    const host = await startHost(dir.path, ['--runtime', 'direct', '--host', '0.0.0.0', '--expose'], {
      TRAJSCOPE_UI_TOKEN: token,
    });
    try {
      const err = host.stderr();
      assert.match(err, /EXPOSED on 0\.0\.0\.0/);
      assert.match(err, /DataProxy http:\/\/0\.0\.0\.0:\d+: admin key/);
      assert.match(err, /recorder http:\/\/0\.0\.0\.0:\d+\/v1: one sk-sess-… key per episode/);
      assert.match(err, /workbench API and UI http:\/\/0\.0\.0\.0:\d+: the UI token \(uiToken, as configured\)/);
      const warning = err.slice(err.indexOf('EXPOSED'), err.indexOf('workbench UI at'));
      assert.ok(warning.length > 0 && !warning.includes(token), 'the token itself is not in the warning');
      assert.equal(new URL(host.ready.ui).searchParams.get('token'), token);
      const api = host.ready.api.replace('0.0.0.0', '127.0.0.1');
      const refused = await request(`${api}/api/invoke/app:info`, 'POST', {});
      assert.equal(refused.status, 401, 'the realm still needs its credential');
      const ok = await request(`${api}/api/invoke/app:info`, 'POST', {}, { authorization: `Bearer ${token}` });
      assert.equal(ok.status, 200);
    } finally {
      await host.stop();
      dir.remove();
    }
  });
});
