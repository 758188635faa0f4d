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
