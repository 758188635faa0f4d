// How a session came to be, as the rail and the session header say it.
import type { SessionOrigin } from '../../../../shared/domain.ts';

export const ORIGIN_LABELS: Record<SessionOrigin, { label: string; help: string }> = {
  live: { label: 'live', help: 'driven through the DataProxy' },
  external: {
    label: 'external',
    help: "an agent service that is not Trajscope's: its turns are inferred from the calls it made",
  },
  imported: { label: 'imported', help: 'read from an exported trajectory file: read-only' },
  lab: { label: 'lab', help: 'started by a leak-lab scenario' },
};

/** What a session not driven here is, and what can be done with it (the session view's note). */
export const ORIGIN_NOTES: Record<Exclude<SessionOrigin, 'live'>, string> = {
  imported:
    'Imported from an exported trajectory file: read-only. Label its episodes, read its alerts, export it again. ' +
    'Alerts about the host (stale key, state carried over, another OpenClaw session’s key) are not in an export ' +
    'and are not raised here.',
  lab: 'Recorded by a leak-lab run: read it, replay it, fork its calls; remove every lab run from the Leaks view.',
  external:
    'Driven by an agent service that is not Trajscope: its turns are inferred from the calls it made ' +
    '(a new user message starts a turn).',
};
