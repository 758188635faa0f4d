// The one engine configuration: every source in its place, errors that name the source and the key,
// the saved layer on disk (0600, secrets never shown back), and the refusal of secrets as flags.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Command } from 'commander';
import { addConfigOptions, flagsFrom, loadConfig } from '../../../electron/core/config/cli.ts';
import { ConfigError } from '../../../electron/core/config/load.ts';
import { tempDir } from '../../helpers/workbench.ts';

const parse = (argv: string[]) =>
  flagsFrom(addConfigOptions(new Command('t').exitOverride()).parse(argv, { from: 'user' }).opts());

test('sources layer in order: flag > env > file > saved > default, and each value says where it came from', () => {
  const dir = tempDir();
  try {
    const data = join(dir.path, 'data');
    mkdirSync(data);
    writeFileSync(
      join(data, 'settings.json'),
      JSON.stringify({ upstreamModel: 'saved-model', isolation: 'fresh', openclawBin: 'saved-bin' }),
    );
    const file = join(dir.path, 'cfg.json');
    writeFileSync(
      file,
      JSON.stringify({
        port: 4,
        proxyPort: 5,
        upstreamPort: 6,
        upstreamModel: 'file-model',
        openclawBin: 'oc/openclaw.mjs',
      }),
    );
    const { flags, configFile } = parse(['--port', '1', '--data-dir', data, '--config', file]);
    const env = { TRAJSCOPE_PORT: '2', TRAJSCOPE_PROXY_PORT: '3', TRAJSCOPE_RUNTIME: '' };
    const config = loadConfig({ flags, configFile, env });
    const c = config.current;
    assert.deepEqual([c.port, c.proxyPort, c.upstreamPort], [1, 3, 6]);
    assert.equal(c.upstreamModel, 'file-model', 'the file is above what Settings saved');
    assert.equal(c.isolation, 'fresh', 'saved is above the default');
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.runtime, undefined, 'an empty env var counts as unset');
    assert.equal(c.openclawBin, join(dir.path, 'oc/openclaw.mjs'), 'a path in the file is relative to the file');
    assert.deepEqual(
      ['port', 'proxyPort', 'upstreamPort', 'isolation', 'host', 'dataDir'].map((k) => config.sourceOf(k as never)),
      ['flag', 'env', 'file', 'saved', 'default', 'flag'],
    );
    assert.deepEqual(
      config.view().pinned.sort(),
      ['openclawBin', 'upstreamModel'],
      'Settings cannot override what the file fixes',
    );
  } finally {
    dir.remove();
  }
});

test('each source names its own bad value; secrets are refused as flags; unknown keys are refused', () => {
  const dir = tempDir();
  try {
    const refuse = (fn: () => unknown, message: RegExp) =>
      assert.throws(fn, (e: Error) => e instanceof ConfigError && message.test(e.message));
    refuse(() => parse(['--port', '70000']), /^command line: --port: .*65535 \(got 70000\)/);
    refuse(
      () => parse(['--upstream-key', 'sk-secret']),
      /--upstream-key would put a secret on the command line.*TRAJSCOPE_UPSTREAM_KEY/,
    );
    refuse(() => parse(['--admin-key', 'k']), /set TRAJSCOPE_ADMIN_KEY or put "adminKey" in a --config file/);
    refuse(
      () => loadConfig({ env: { TRAJSCOPE_BODY_LIMIT: 'lots' }, fallbackDataDir: dir.path }),
      /^environment: TRAJSCOPE_BODY_LIMIT: .*"lots"/,
    );
    const file = join(dir.path, 'bad.json');
    writeFileSync(file, JSON.stringify({ upstreamUrl: 'ftp://x', colour: 'blue' }));
    refuse(
      () => loadConfig({ configFile: file, env: {}, fallbackDataDir: dir.path }),
      /bad\.json: (unknown setting\(s\) "colour"|"upstreamUrl")/,
    );
    writeFileSync(join(dir.path, 'settings.json'), JSON.stringify({ adminKey: 'x' }));
    refuse(() => loadConfig({ env: {}, fallbackDataDir: dir.path }), /"adminKey" cannot be saved from Settings/);
  } finally {
    dir.remove();
  }
});

test('Settings saves to settings.json (0600, atomically); secrets come back as hints only; null clears', () => {
  const dir = tempDir();
  try {
    const config = loadConfig({ env: {}, fallbackDataDir: dir.path });
    config.update({
      upstreamUrl: 'http://127.0.0.1:8000/v1',
      upstreamKey: 'sk-live-0123456789abcd',
      upstreamModel: 'm',
    });
    const path = join(dir.path, 'settings.json');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const view = config.view();
    assert.equal(view.values.upstreamKey, '…abcd');
    assert.ok(!JSON.stringify(view).includes('sk-live-0123456789abcd'), 'the key is never shown back in full');
    const again = loadConfig({ env: {}, fallbackDataDir: dir.path });
    assert.equal(again.current.upstreamKey, 'sk-live-0123456789abcd', 'a restart reads what was saved');
    assert.equal(again.sourceOf('upstreamUrl'), 'saved');
    again.update({ upstreamUrl: null, upstreamKey: null });
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { upstreamModel: 'm' });
    assert.throws(() => again.update({ upstreamUrl: 'not a url' }), /upstreamUrl/);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { upstreamModel: 'm' }, 'a refused change writes nothing');
  } finally {
    dir.remove();
  }
});

test('a refused secret is named with its rule, never shown; credentials in a URL are refused from every source', () => {
  const dir = tempDir();
  try {
    const long = `sk-${'s'.repeat(5000)}`;
    const refusal = (fn: () => unknown): string => {
      try {
        fn();
      } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        return err.message;
      }
      assert.fail('not refused');
    };
    for (const [env, value] of [
      ['TRAJSCOPE_UPSTREAM_KEY', long],
      ['TRAJSCOPE_ADMIN_KEY', long],
      ['TRAJSCOPE_AREAL_ROUTER_KEY', long],
    ] as const) {
      const m = refusal(() => loadConfig({ env: { [env]: value }, fallbackDataDir: dir.path }));
      assert.match(m, new RegExp(`^environment: ${env}: .*4096`));
      assert.ok(!m.includes('sssss'), `${env}'s value shown: ${m.slice(0, 200)}`);
    }
    const url = 'http://alice:hunter2pass@gpu-box:8000/v1';
    const file = join(dir.path, 'creds.json');
    writeFileSync(file, JSON.stringify({ upstreamUrl: url }));
    for (const m of [
      refusal(() => parse(['--upstream-url', url])),
      refusal(() => loadConfig({ env: { TRAJSCOPE_UPSTREAM_URL: url }, fallbackDataDir: dir.path })),
      refusal(() => loadConfig({ configFile: file, env: {}, fallbackDataDir: dir.path })),
      refusal(() => parse(['--areal-router', 'http://x:y-secret@router:8081'])),
    ]) {
      assert.match(m, /credentials in a URL \(user:password@\) are refused/);
      assert.ok(!m.includes('hunter2pass') && !m.includes('y-secret'), m);
    }
  } finally {
    dir.remove();
  }
});
