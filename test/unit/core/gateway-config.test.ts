import assert from 'node:assert/strict';
import { test } from 'node:test';
import { effectiveConfig, keyRef, mergeConfig } from '../../../electron/core/gateways/config.ts';

const input = {
  dir: '/g',
  port: 20040,
  token: 'T',
  provider: { baseUrl: 'http://127.0.0.1:1/v1', apiKey: 'sk-sess-a', model: 'm' },
};

test('the safe config: loopback, token, minimal tools, loop detection, no background work, logs inside the dir', () => {
  const c = effectiveConfig(input) as any;
  assert.equal(c.gateway.bind, 'loopback');
  assert.deepEqual(c.gateway.auth, { mode: 'token', token: 'T' });
  assert.equal(c.tools.profile, 'minimal');
  assert.ok(c.tools.deny.includes('group:runtime') && c.tools.deny.includes('group:fs'));
  assert.equal(c.tools.loopDetection.enabled, true);
  assert.equal(c.agents.defaults.heartbeat.every, '0m');
  assert.equal(c.skills.workshop.autonomous.mode, 'off');
  assert.equal(c.plugins.enabled, false);
  assert.equal(c.logging.file, '/g/logs/openclaw.log');
  // the key itself is in the gateway's key file; the config refers to it and holds no key
  assert.deepEqual(c.models.providers.trajscope.apiKey, {
    source: 'file',
    provider: 'trajscope-keys',
    id: '/trajscope',
  });
  assert.deepEqual(c.secrets.providers['trajscope-keys'], { source: 'file', path: '/g/keys.json', mode: 'json' });
  assert.ok(!JSON.stringify(c).includes('sk-sess-a'));
  assert.equal(c.agents.defaults.model.primary, 'trajscope/m');
});

test('an overlay changes the config, but never the port, token or provider binding', () => {
  const c = effectiveConfig(input, {
    tools: { profile: 'coding' },
    gateway: { port: 1, auth: { token: 'stolen' } },
    models: { providers: { trajscope: { apiKey: 'other', baseUrl: 'http://evil/v1' } } },
    secrets: {
      providers: { 'trajscope-keys': { source: 'file', path: '/tmp/theirs.json' }, vault: { source: 'env' } },
    },
  }) as any;
  assert.equal(c.tools.profile, 'coding');
  assert.equal(c.tools.loopDetection.enabled, true, 'untouched keys stay');
  assert.equal(c.gateway.port, 20040);
  assert.equal(c.gateway.auth.token, 'T');
  assert.deepEqual(c.models.providers.trajscope.apiKey, keyRef('trajscope'));
  assert.equal(c.models.providers.trajscope.baseUrl, 'http://127.0.0.1:1/v1');
  assert.equal(c.secrets.providers['trajscope-keys'].path, '/g/keys.json');
  assert.deepEqual(c.secrets.providers.vault, { source: 'env' }, "the user's own secrets providers stay");
});

test('a provider name is a JSON pointer segment in the key file reference', () => {
  assert.equal(keyRef('trajscope-a1b2').id, '/trajscope-a1b2');
  assert.equal(keyRef('a/b~c').id, '/a~1b~0c');
});

test('mergeConfig merges objects and replaces arrays and scalars', () => {
  assert.deepEqual(mergeConfig({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, d: { e: 1 } }), {
    a: { b: 1, c: [3] },
    d: { e: 1 },
  });
});

test('an overlay saved from Settings applies unless a higher source sets one; --openclaw-config pins it', async () => {
  const { startBench } = await import('../../helpers/workbench.ts');
  const saved = await startBench();
  try {
    assert.deepEqual(saved.wb.overlay(), {});
    saved.wb.config.update({ openclawConfig: { tools: { deny: [] } } });
    assert.deepEqual(saved.wb.overlay(), { tools: { deny: [] } });
    assert.equal(saved.wb.config.sourceOf('openclawConfig'), 'saved');
  } finally {
    await saved.stop();
  }
  const pinned = await startBench({ openclawConfig: { tools: { profile: 'coding' } } });
  try {
    pinned.wb.config.update({ openclawConfig: { tools: { deny: [] } } });
    assert.deepEqual(pinned.wb.overlay(), { tools: { profile: 'coding' } }, 'the flag wins over the saved value');
    assert.deepEqual(pinned.wb.config.view().pinned.includes('openclawConfig'), true);
  } finally {
    await pinned.stop();
  }
});
