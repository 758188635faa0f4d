// The remotes saved from Settings → Hosts hold tokens: with the desktop's keychain codec they are
// written encoded like every other secret (their JSON, never a token in the clear), and read back
// as the same list; Settings sees their names and URLs only.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../../electron/core/config/cli.ts';
import type { SecretCodec } from '../../../electron/core/config/service.ts';
import { tempDir } from '../../helpers/workbench.ts';

/** Shaped like the keychain codec: a name, and text that is not the secret. */
const ROT: SecretCodec = {
  name: 'test-keychain',
  encode: (s) => Buffer.from(s).toString('base64'),
  decode: (s) => Buffer.from(s, 'base64').toString(),
};

test('remotes saved from Settings are encoded with the codec and read back whole', () => {
  const dir = tempDir();
  try {
    const token = 'remote-token-that-must-not-be-in-the-clear';
    const remotes = [{ name: 'node-a', url: 'http://10.0.0.5:40300', token }];
    const config = loadConfig({ flags: { dataDir: dir.path }, env: {}, codec: ROT });
    config.update({ remotes });
    const saved = readFileSync(join(dir.path, 'settings.json'), 'utf8');
    assert.ok(!saved.includes(token), 'no token in the clear');
    assert.match(saved, /"\$secret": "test-keychain"/);
    const again = loadConfig({ flags: { dataDir: dir.path }, env: {}, codec: ROT });
    assert.deepEqual(again.current.remotes, remotes);
    assert.ok(!JSON.stringify(again.view()).includes(token), 'Settings sees no token');
    assert.match(JSON.stringify(again.view().values.remotes), /node-a/);
  } finally {
    dir.remove();
  }
});
