// docs/wire.md stays true: every route it lists is answered by a handler on a running engine (an
// auth refusal or an answer, never "no route" or "method not allowed"). A route removed from the
// code, or listed wrongly, fails here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ApiServer } from '../../electron/headless/api-server.ts';
import { request, startBench } from '../helpers/workbench.ts';

const DOC = readFileSync(new URL('../../docs/wire.md', import.meta.url), 'utf8');

/** The routes of each `## …` section: [server heading, method, route]. */
function documented(): Array<[string, string, string]> {
  const out: Array<[string, string, string]> = [];
  let section = '';
  for (const line of DOC.split('\n')) {
    if (line.startsWith('## ')) section = line.slice(3);
    const m = /^\| (GET|POST) \| `([^`]+)` \|/.exec(line);
    if (m) out.push([section, m[1]!, m[2]!]);
  }
  return out;
}

test('every route docs/wire.md lists exists on a running engine', async () => {
  const routes = documented();
  assert.ok(routes.length >= 18, `the doc lists ${routes.length} routes`);
  const b = await startBench();
  const api = new ApiServer(b.wb, 'wire-doc-token', null);
  await api.start('127.0.0.1', 0);
  try {
    const base: Record<string, string> = {
      'DataProxy (`proxy` URL)': b.wb.proxyUrl,
      'Upstream recorder (`upstream` URL)': b.wb.recorder.origin,
      'Workbench API (`api` URL)': api.url,
    };
    for (const [section, method, route] of routes) {
      assert.ok(base[section], `a server for section "${section}"`);
      const path = route.replace('{key}', 'wire-doc').replace('{channel}', 'app:info');
      const r = await request(base[section] + path, method, method === 'POST' ? {} : undefined);
      const what = `${method} ${route} (${section}): ${r.status} ${JSON.stringify(r.body).slice(0, 120)}`;
      assert.ok(r.status !== 404 && r.status !== 405, what);
      assert.doesNotMatch(JSON.stringify(r.body), /no route for/, what);
    }
    // and the test can fail: a route that is not there is told apart
    const missing = await request(`${b.wb.proxyUrl}/session/wire-doc/nothing`, 'POST', {});
    assert.equal(missing.status, 404);
  } finally {
    await api.stop();
    await b.stop();
  }
});
