// Whether the real-gateway suites can run here, and what they do when they cannot: skip, saying
// why, on a machine without OpenClaw; under CI=true run anyway and fail — a broken install must not
// pass CI as skips.
import { existsSync } from 'node:fs';

export const OPENCLAW_INSTALLED = existsSync(
  new URL('../../openclaw-runtime/node_modules/openclaw/openclaw.mjs', import.meta.url),
);

/** The `skip` option of a test or suite that needs a real OpenClaw gateway. */
export function needsOpenClaw(why = 'OpenClaw is not installed (run npm ci)'): false | string {
  return OPENCLAW_INSTALLED || process.env.CI === 'true' ? false : why;
}

/** Whether a run should use real gateways: where OpenClaw is installed, and always under CI=true. */
export const OPENCLAW_EXPECTED = OPENCLAW_INSTALLED || process.env.CI === 'true';
