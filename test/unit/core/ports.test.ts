import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ephemeralRange, gatewayPortBases, PORT_STEP } from '../../../electron/core/gateways/ports.ts';

test("gateway ports stay out of the kernel's ephemeral range, helper ports included", () => {
  const range: [number, number] = [32_768, 60_999];
  const bases = gatewayPortBases(range);
  assert.ok(bases.length > 100, `${bases.length} bases`);
  for (const b of bases) assert.ok(b + 110 < range[0] || b > range[1], `base ${b} overlaps the ephemeral range`);
  assert.ok(bases.some((b) => b < range[0]) && bases.some((b) => b > range[1]), 'both sides are used');
  assert.ok(
    bases.every((b, i) => i === 0 || b - bases[i - 1]! >= PORT_STEP),
    'bases are a step apart',
  );
  assert.ok(bases.every((b) => b + 110 <= 65_535));
  // a wide ephemeral range leaves fewer bases, never one inside it
  const wide = gatewayPortBases([1024, 65_000]);
  assert.ok(wide.every((b) => b > 65_000));
});

test("the ephemeral range is read from the kernel; Linux's default when it cannot be", () => {
  assert.deepEqual(
    ephemeralRange(() => '15000\t25000\n'),
    [15_000, 25_000],
  );
  assert.deepEqual(
    ephemeralRange(() => 'garbage'),
    [32_768, 60_999],
  );
  assert.deepEqual(
    ephemeralRange(() => {
      throw new Error('ENOENT');
    }),
    [32_768, 60_999],
  );
  const here = ephemeralRange();
  assert.ok(here[0] > 0 && here[1] >= here[0]);
});
