// Settings → Hosts: any engine becomes a hub when another engine is added there (its URL and UI
// token), at once and after a restart; a host that does not answer, refuses the token or is named
// like another is refused with nothing saved; removing it takes its sessions out of the list; where
// a config file sets the remotes, Settings may not change them. In Chromium: add, see, remove.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromiumMissing, launchChromium, shot, workbenchPage } from '../helpers/browser.ts';
import { startHost, type Host } from '../helpers/host.ts';
import { request, tempDir, until } from '../helpers/workbench.ts';

const REMOTE_TOKEN = 'hosts-remote-token-0123456789abcdef';
const HUB_TOKEN = 'hosts-hub-token-0123456789abcdef0123';

describe('Settings → Hosts', () => {
  const dir = tempDir();
  let remote: Host;
  let hub: Host;
  const call = (h: Host, token: string, channel: string, body: unknown) =>
    request(`${h.ready.api}/api/invoke/${channel}`, 'POST', body, { authorization: `Bearer ${token}` });
  const onHub = (channel: string, body: unknown) => call(hub, HUB_TOKEN, channel, body);
  const startHub = () => startHost(join(dir.path, 'hub'), ['--runtime', 'direct'], { TRAJSCOPE_UI_TOKEN: HUB_TOKEN });
  const listed = async () =>
    (await onHub('sessions:list', {})).body.result.items as Array<{ key: string; host?: { name: string } }>;

  before(async () => {
    remote = await startHost(join(dir.path, 'remote'), ['--runtime', 'direct'], { TRAJSCOPE_UI_TOKEN: REMOTE_TOKEN });
    assert.equal((await call(remote, REMOTE_TOKEN, 'sessions:create', { key: 'on-remote' })).status, 200);
    const turn = await call(remote, REMOTE_TOKEN, 'turns:send', {
      sessionKey: 'on-remote',
      message: 'said before any hub',
    });
    assert.equal(turn.status, 200, JSON.stringify(turn.body));
    hub = await startHub();
    assert.equal((await onHub('sessions:create', { key: 'on-hub' })).status, 200);
    assert.equal((await onHub('sessions:create', { key: 'on-hub-2' })).status, 200);
  });
  after(async () => {
    await hub?.stop();
    await remote?.stop();
    dir.remove();
  });

  test('an engine alone pages its own sessions with its own cursors', async () => {
    assert.deepEqual((await onHub('hosts:list', {})).body.result, []);
    const page = await onHub('sessions:list', { limit: 1 });
    assert.equal(page.status, 200);
    assert.ok(page.body.result.next && !page.body.result.next.startsWith('hub.'), 'its own cursor');
    assert.deepEqual(
      (await listed()).map((s) => [s.key, s.host]),
      [
        ['on-hub-2', undefined],
        ['on-hub', undefined],
      ],
    );
  });

  test('bad hosts are refused with the reason and nothing is saved', async () => {
    const settings = join(dir.path, 'hub', 'settings.json');
    const saved = () => (existsSync(settings) ? readFileSync(settings, 'utf8') : null);
    const before = saved();
    const cases: Array<[string, Record<string, string>, number, RegExp]> = [
      [
        'wrong token',
        { name: 'r', url: remote.ready.api, token: 'not-its-token' },
        400,
        /refused the hub's token.*nothing saved/,
      ],
      [
        'nobody there',
        { name: 'r', url: 'http://127.0.0.1:9', token: REMOTE_TOKEN },
        400,
        /did not answer.*nothing saved/,
      ],
      ['not http', { name: 'r', url: 'ftp://127.0.0.1/', token: REMOTE_TOKEN }, 400, /not an http\(s\) address/],
      ['named local', { name: 'local', url: remote.ready.api, token: REMOTE_TOKEN }, 400, /"local" names this engine/],
      ['bad name', { name: 'Node A', url: remote.ready.api, token: REMOTE_TOKEN }, 400, /name/],
    ];
    for (const [what, body, status, message] of cases) {
      const r = await onHub('hosts:add', body);
      assert.equal(r.status, status, `${what}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.error.message, message, what);
      assert.ok(!r.body.error.message.includes(REMOTE_TOKEN), `${what}: no token in the message`);
    }
    assert.equal(saved(), before, 'nothing saved');
    assert.deepEqual((await onHub('hosts:list', {})).body.result, []);
    assert.equal((await onHub('hosts:remove', { name: 'r' })).status, 404);
  });

  test('added: a hub at once and after a restart; removed: its sessions leave the list', async () => {
    const added = await onHub('hosts:add', { name: 'node-r', url: remote.ready.api, token: REMOTE_TOKEN });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    assert.equal(
      (await onHub('hosts:add', { name: 'node-r', url: remote.ready.api, token: REMOTE_TOKEN })).status,
      409,
    );
    await until('the remote listed', async () => (await listed()).some((s) => s.key === 'on-remote'));
    assert.equal((await listed()).find((s) => s.key === 'on-remote')!.host!.name, 'node-r');
    // an episode the hub never listed nor heard of (it ran before the host was added) is found by id
    const [ep] = (await call(remote, REMOTE_TOKEN, 'episodes:list', { sessionKey: 'on-remote' })).body.result.items;
    const turns = await onHub('turns:list', { episodeId: ep.id });
    assert.equal(turns.status, 200, JSON.stringify(turns.body));
    assert.equal(turns.body.result[0].message, 'said before any hub');
    assert.equal((await onHub('turns:list', { episodeId: 'no-such-episode' })).status, 404);
    // the token is kept in the data dir's settings (0600), never shown: Settings sees name and URL
    const view = (await onHub('config:get', {})).body.result;
    assert.ok(!JSON.stringify(view).includes(REMOTE_TOKEN));
    await hub.stop();
    hub = await startHub();
    await until('listed after a restart', async () => (await listed()).some((s) => s.key === 'on-remote'));
    assert.equal((await onHub('hosts:remove', { name: 'node-r' })).status, 200);
    assert.deepEqual(
      (await listed()).map((s) => s.key),
      ['on-hub-2', 'on-hub'],
    );
  });

  test("remotes from a config file are not Settings' to change", async () => {
    const config = join(dir.path, 'pinned.json');
    const remotes = [{ name: 'node-r', url: remote.ready.api, token: REMOTE_TOKEN }];
    writeFileSync(config, JSON.stringify({ remotes }), { mode: 0o600 });
    const pinned = await startHost(join(dir.path, 'pinned'), ['--runtime', 'direct', '--config', config], {
      TRAJSCOPE_UI_TOKEN: HUB_TOKEN,
    });
    try {
      const r = await call(pinned, HUB_TOKEN, 'hosts:remove', { name: 'node-r' });
      assert.equal(r.status, 409);
      assert.match(r.body.error.message, /come from .*change them there/);
    } finally {
      await pinned.stop();
    }
  });

  test(
    'in Chromium: a host added in Settings → Hosts shows its sessions; Remove takes them away',
    { skip: chromiumMissing },
    async () => {
      const browser = await launchChromium();
      try {
        const page = await workbenchPage(browser);
        await page.goto(`${hub.ready.ui.split('#')[0]}#/settings`);
        const form = page.getByTestId('host-add');
        await form.getByLabel('Host name').fill('node-r');
        await form.getByLabel('Workbench URL').fill(remote.ready.api);
        await form.getByLabel('UI token').fill('a wrong token');
        await form.getByRole('button', { name: 'Add host' }).click();
        await page
          .getByText(/refused the hub's token/)
          .first()
          .waitFor();
        await form.getByLabel('UI token').fill(REMOTE_TOKEN);
        await form.getByRole('button', { name: 'Add host' }).click();
        await page.getByTestId('hosts').locator('tr[data-host=node-r]', { hasText: 'reachable' }).waitFor();
        await shot(page, 'hosts-added');
        // no reload: the rail takes the new host's sessions as it is added
        await page.locator('.topbar nav').getByRole('button', { name: 'Sessions' }).click();
        await page
          .locator('.rail-item[data-key=on-remote]')
          .getByTestId('session-host')
          .filter({ hasText: 'node-r' })
          .waitFor();
        await page
          .locator('.rail-item[data-key=on-hub]')
          .getByTestId('session-host')
          .filter({ hasText: 'local' })
          .waitFor();
        await page.locator('.topbar nav').getByRole('button', { name: 'Settings' }).click();
        await page.getByTestId('hosts').locator('tr[data-host=node-r]').getByRole('button', { name: 'Remove' }).click();
        await page.getByText('This engine shows its own sessions only').waitFor();
        await page.locator('.topbar nav').getByRole('button', { name: 'Sessions' }).click();
        await page.locator('.rail-item[data-key=on-hub]').waitFor();
        await page.locator('.rail-item[data-key=on-remote]').waitFor({ state: 'detached' });
      } finally {
        await browser.close();
      }
    },
  );
});
