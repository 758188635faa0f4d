// Reward rules in one place: what a reward may attach to, the bounds of its value, and the events
// every view listens for. The DataProxy, the recorder's AReaL routes and hand labels all go here.
import type { Reward, RewardSource } from '../../../shared/domain.ts';
import { MAX_REWARD } from '../../../shared/schemas.ts';
import type { EngineEvents } from '../events.ts';
import { HttpError } from '../http/errors.ts';
import type { Store } from '../store/store.ts';

export interface RewardInput {
  episodeId: string;
  turnId?: string | null;
  callId?: string | null;
  value: number;
  source: RewardSource;
  labeler?: string | null;
  note?: string | null;
  rubric?: string | null;
  /** Agent-side rewards go to open episodes only; hand labels may come any time. */
  requireOpen?: boolean;
}

export class RewardBook {
  readonly #store: Store;
  readonly #events: EngineEvents;
  readonly #sessionChanged: (sessionKey: string) => void;

  constructor(store: Store, events: EngineEvents, sessionChanged: (sessionKey: string) => void) {
    this.#store = store;
    this.#events = events;
    this.#sessionChanged = sessionChanged;
  }

  /** Checks where a reward attaches, stores it, and tells every listener. */
  give(r: RewardInput): Reward {
    const store = this.#store;
    const ep = store.episodes.get(r.episodeId);
    if (!ep) throw new HttpError(404, `unknown episode ${r.episodeId}`);
    if (!Number.isFinite(r.value) || Math.abs(r.value) > MAX_REWARD) {
      throw new HttpError(400, `reward must be a finite number within ±${MAX_REWARD}`);
    }
    if (r.turnId) {
      const turn = store.turns.get(r.turnId);
      if (!turn || turn.episodeId !== ep.id)
        throw new HttpError(404, `turn ${r.turnId} is not part of episode ${ep.id}`);
    }
    if (r.callId) {
      const call = store.calls.get(r.callId);
      if (!call || call.episodeId !== ep.id) throw new HttpError(400, `unknown interaction_id ${r.callId}`);
    }
    if (r.requireOpen && ep.status !== 'open') {
      throw new HttpError(
        409,
        `episode ${ep.id} has ended: rewards for an ended episode are hand labels now`,
        'episode_ended',
      );
    }
    const saved = store.rewards.insert({ ...r, turnId: r.turnId ?? null, callId: r.callId ?? null });
    this.#announce(saved, ep.sessionKey);
    return saved;
  }

  /** A reward from the agent side (the DataProxy's /reward) for the session's open episode or one of its turns. */
  forSession(key: string, r: { reward: number; turn_id?: string; note?: string; labeler?: string }): Reward {
    const store = this.#store;
    if (!store.sessions.get(key)) throw new HttpError(404, `unknown session ${key}`);
    let episodeId: string;
    if (r.turn_id) {
      const turn = store.turns.get(r.turn_id);
      if (!turn || turn.sessionKey !== key) throw new HttpError(404, `unknown turn ${r.turn_id} in session ${key}`);
      episodeId = turn.episodeId;
    } else {
      const open = store.episodes.openRef(key);
      if (!open) throw new HttpError(409, `session ${key} has no open episode to reward`, 'no_open_episode');
      episodeId = open.id;
    }
    return this.give({
      episodeId,
      turnId: r.turn_id ?? null,
      value: r.reward,
      source: 'api',
      labeler: r.labeler ?? null,
      note: r.note ?? null,
      requireOpen: true,
    });
  }

  /** Removes the newest human label of an episode, if there is one. */
  undo(episodeId: string): Reward | null {
    const ep = this.#store.episodes.get(episodeId);
    if (!ep) throw new HttpError(404, `unknown episode ${episodeId}`);
    const last = this.#store.rewards.lastHuman(episodeId) ?? null;
    if (last) {
      this.#store.rewards.delete(last.id);
      this.#announce(last, ep.sessionKey);
    }
    return last;
  }

  #announce(reward: Reward, sessionKey: string): void {
    this.#events.emit('rewards:changed', reward);
    this.#events.emit('episodes:changed', this.#store.episodes.get(reward.episodeId)!);
    this.#sessionChanged(sessionKey);
  }
}
