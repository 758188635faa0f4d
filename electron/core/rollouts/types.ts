// What replays and groups need from the engine: sessions to drive, the store to read, and the
// engine's own settings to start from.
import type { RuntimeKind } from '../../../shared/domain.ts';
import type { ProgressBoard } from '../progress.ts';
import type { SessionManager } from '../sessions/manager.ts';
import type { Store } from '../store/store.ts';

export interface RolloutDeps {
  store: Store;
  sessions: SessionManager;
  /** The runtime new sessions get when none is asked for. */
  defaultRuntime(): RuntimeKind;
  /** An upstream connection id from the API ("scripted" or a stored id) → what episodes hold. */
  resolveUpstream(id: string): string | null;
  /** Reports a background failure (a rollout's turn that failed has no caller to answer). */
  warn(message: string): void;
  /** Where a run's steps are shown. */
  progress: ProgressBoard;
}

/** A run that has started; `done` settles when its last turn has run and its episode has ended. */
export interface Running<T> {
  started: T;
  done: Promise<void>;
}
