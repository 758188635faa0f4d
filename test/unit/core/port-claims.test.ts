import assert from 'node:assert/strict';
import { chownSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { claimPort, claimsDir, releasePort } from '../../../electron/core/gateways/port-claims.ts';
import { tempDir } from '../../helpers/workbench.ts';

test("a gateway port is claimed once across processes; a dead owner's claim is taken over", () => {
  const port = 59_999;
  releasePort(port);
  assert.equal(claimPort(port), true);
  assert.equal(claimPort(port), false, 'already claimed');
  releasePort(port);
  assert.equal(claimPort(port), true, 'free again after release');
  releasePort(port);
  const file = join(claimsDir(), String(port));
  writeFileSync(file, '1'); // pid 1 is alive: another owner
  assert.equal(claimPort(port), false);
  writeFileSync(file, '999999999'); // no such process
  assert.equal(claimPort(port), true);
  releasePort(port);
});

test("claims live in a dir that is the user's alone: not in a predictable shared path, never through a symlink", () => {
  const dir = tempDir();
  try {
    const dirs = claimsDir([join(dir.path, 'mine', 'port-claims')]);
    assert.equal(lstatSync(dirs).mode & 0o777, 0o700);
    // another user got there first (as root, the test can make that so): that place is passed over
    const taken = join(dir.path, 'taken', 'port-claims');
    mkdirSync(taken, { recursive: true, mode: 0o777 });
    if (process.getuid?.() === 0) {
      chownSync(join(dir.path, 'taken'), 65534, 65534);
      assert.equal(
        claimsDir([taken, join(dir.path, 'fallback', 'port-claims')]),
        join(dir.path, 'fallback', 'port-claims'),
      );
    }
    writeFileSync(join(dir.path, 'a-file'), '');
    assert.throws(() => claimsDir([join(dir.path, 'a-file', 'port-claims')]), /no private place for port claims/);
    // a planted symlink named like a stale claim must not make the claim write through it
    const victim = join(dir.path, 'victim.txt');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, join(dirs, '40123'));
    assert.equal(claimPort(40_123, dirs), true, 'the symlink is removed and the port claimed');
    assert.equal(readFileSync(victim, 'utf8'), 'precious', 'the file behind the link is untouched');
    assert.equal(lstatSync(join(dirs, '40123')).isSymbolicLink(), false);
    releasePort(40_123, dirs);
  } finally {
    dir.remove();
  }
});
