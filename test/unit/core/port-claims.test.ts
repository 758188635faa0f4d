import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { claimPort, releasePort } from '../../../electron/core/gateways/supervisor.ts';

test("a gateway port is claimed once across processes; a dead owner's claim is taken over", () => {
  const port = 59_999;
  releasePort(port);
  assert.equal(claimPort(port), true);
  assert.equal(claimPort(port), false, 'already claimed');
  releasePort(port);
  assert.equal(claimPort(port), true, 'free again after release');
  releasePort(port);
  const file = join(tmpdir(), `trajscope-port-claims-${process.getuid?.() ?? 0}`, String(port));
  writeFileSync(file, '1'); // pid 1 is alive: another owner
  assert.equal(claimPort(port), false);
  writeFileSync(file, '999999999'); // no such process
  assert.equal(claimPort(port), true);
  releasePort(port);
});
