// Retry orphan: a request identical to an earlier one of the episode that completed or is still in
// flight — a client retry. One of the two answers dangles and splits the trajectory (AReaL #1498).
import { createHash } from 'node:crypto';
import { defineDetector } from '../detector.ts';

export const retryOrphanDetector = defineDetector({
  id: 'retry-orphan',
  reads: 'call',
  how:
    "a hash of the request's messages per episode; a retry of a failed call is not one. `export_trajectories` with " +
    '`drop_retry_orphans` (or `trajscope export --drop-retry-orphans`) keeps only the answer the agent went on from ' +
    '(the newest copy before the call that continued it; the newest when none did)',
  kinds: {
    retry_orphan: {
      label: 'retry orphan',
      severity: 'warning',
      means:
        'a request repeats an earlier one of the episode exactly (a client retry, AReaL #1498): one of the two ' +
        'answers dangles and splits the trajectory',
      fix: 'export with drop_retry_orphans (`--drop-retry-orphans`), or keep the client from retrying an answered call',
    },
  },
  check: (c) => {
    const key = createHash('sha1').update(JSON.stringify(c.messages)).digest('base64'); // bodies can be MBs
    const requests = c.prints.requests(c.call.episodeId, c.indexOf(c.call.episodeId));
    const earlier = requests.get(key);
    requests.set(key, c.call.id);
    if (!earlier) {
      c.prints.requestAdded();
      return null;
    }
    const first = c.lookups.call(earlier);
    if (!first || (first.outcome !== null && first.outcome !== 'complete')) return null; // a retry of a failure
    return {
      kind: 'retry_orphan',
      message: 'this request repeats an earlier one exactly (a client retry): one of the two answers is an orphan',
      evidence: [
        {
          text: `the same ${c.messages.length} message(s) as call ${earlier}`,
          sourceEpisodeId: c.call.episodeId,
          sourceTurnId: first.turnId,
          detail: 'export with drop_retry_orphans to keep only the answer the agent went on from',
        },
      ],
      dedupe: `retry:${c.call.id}`,
    };
  },
});
