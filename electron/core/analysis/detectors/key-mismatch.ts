// Key mismatch: a call with one session's key that OpenClaw made for another of its sessions.
import { openclawSessionKey } from '../../../../shared/openclaw/prompt.ts';
import { defineDetector, type Finding } from '../detector.ts';

export const keyMismatchDetector = defineDetector({
  id: 'key-mismatch',
  reads: 'call',
  how: "the Runtime line's `session=agent:…:<key>` against the key's session",
  kinds: {
    key_mismatch: {
      label: "another session's key",
      severity: 'error',
      means: "a call with one session's key came from another OpenClaw session",
      fix: "bind each OpenClaw session to its own episode key; never hand one session's key to another",
    },
  },
  check: ({ call, parsed, external }) => {
    // an external agent names its OpenClaw sessions its own way: only our runtime's keys are known
    if (external) return null;
    const own = openclawSessionKey(call.sessionKey).toLowerCase();
    const out: Finding<'key_mismatch'>[] = [];
    for (const line of parsed.runtimeLines) {
      const m = /session=agent:[^:|\s]+:([^|\s]+)/.exec(line);
      if (!m || m[1] === own || m[1]!.startsWith(`${own}:`)) continue;
      out.push({
        kind: 'key_mismatch',
        message: `a call with session ${call.sessionKey}'s key came from OpenClaw session ${m[1]}`,
        evidence: [{ text: line }],
        dedupe: `mismatch:${call.id}`,
      });
    }
    return out;
  },
});
