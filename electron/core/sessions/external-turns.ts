// Turns of an external agent, inferred from its calls: a call whose conversation has a new user
// message starts a turn; the calls after it (its tool loop) belong to that turn. When the next turn
// starts (or the episode ends) the turn closes with the model's answers as its reply, joined in order
// as OpenClaw joins a turn's reply; the user message and each answer join the episode's history — so
// every detector reads an external agent's prompts against what was really said, whether the agent
// replays the answers one by one (as OpenAI-client agents do) or joined (as OpenClaw may).
import type { ChatMessage } from '../../../shared/wire/openai.ts';
import { parsePrompt } from '../../../shared/openclaw/prompt.ts';
import type { Turn, TurnToolCall, UpstreamCall } from '../../../shared/domain.ts';
import type { EngineEvents } from '../events.ts';
import type { Store } from '../store/store.ts';
import { withToolResults } from './tool-outcome.ts';

interface OpenTurn {
  id: string;
  message: string;
  users: number;
  /** The text of each complete answer so far, in order (a tool-call-only answer has none). */
  answers: string[];
  toolCalls: TurnToolCall[];
}

export class ExternalTurns {
  readonly #store: Store;
  readonly #events: EngineEvents;
  readonly #open = new Map<string, OpenTurn | null>();

  constructor(store: Store, events: EngineEvents) {
    this.#store = store;
    this.#events = events;
  }

  /**
   * The inferred turn a call belongs to (a new one when its conversation brings a new user
   * message), unless `newTurn` says (an import of a file that names each call's turn).
   */
  attach(
    episode: { id: string; sessionKey: string },
    messages: ChatMessage[],
    now = Date.now(),
    newTurn?: boolean,
  ): string {
    const parsed = parsePrompt(messages);
    const message = parsed.current?.text ?? '';
    const users = parsed.logical.filter((m) => m.role === 'user').length;
    const open = this.#current(episode.id);
    if (open && (newTurn === false || (newTurn === undefined && open.message === message && users <= open.users))) {
      // the turn's tool loop goes on: this request carries the results of its earlier tool calls
      if (open.toolCalls.length) open.toolCalls = withToolResults(open.toolCalls, [messages]);
      return open.id;
    }
    if (open) this.#close(open, now);
    const history = this.#store.turns.history(episode.id);
    const turn = this.#store.turns.insert({
      episodeId: episode.id,
      sessionKey: episode.sessionKey,
      message,
      historyLength: history.length,
      inferred: true,
      now,
    });
    this.#open.set(episode.id, { id: turn.id, message, users, answers: [], toolCalls: [] });
    this.#events.emit('turns:changed', turn);
    return turn.id;
  }

  /** A finished call of an inferred turn: a complete answer joins the turn's reply so far. */
  callFinished(call: UpstreamCall): void {
    const open = this.#open.get(call.episodeId);
    if (!open || call.turnId !== open.id || call.outcome !== 'complete' || !call.response) return;
    if (call.response.text) open.answers.push(call.response.text);
    for (const c of call.response.toolCalls) open.toolCalls.push({ ...c, index: open.toolCalls.length });
    this.#events.emit(
      'turns:changed',
      this.#store.turns.update(open.id, { reply: replyOf(open), toolCalls: open.toolCalls }),
    );
  }

  /** The episode ended: its last inferred turn closes. */
  episodeEnded(episodeId: string, now = Date.now()): void {
    const open = this.#current(episodeId);
    if (open) this.#close(open, now);
    this.#open.delete(episodeId);
  }

  #current(episodeId: string): OpenTurn | null {
    if (this.#open.has(episodeId)) return this.#open.get(episodeId) ?? null;
    // after a restart: the turn still running in the store is the open one
    const running: Turn | undefined = this.#store.turns.running(episodeId);
    const open = running?.inferred
      ? {
          id: running.id,
          message: running.message,
          users: Number.MAX_SAFE_INTEGER,
          // the answers so far as one: a restart loses where one ended and the next began
          answers: running.reply ? [running.reply] : [],
          toolCalls: running.toolCalls,
        }
      : null;
    this.#open.set(episodeId, open);
    return open;
  }

  #close(open: OpenTurn, now: number): void {
    const done = this.#store.turns.finish(open.id, {
      status: 'ok',
      reply: replyOf(open),
      answers: open.answers,
      toolCalls: open.toolCalls,
      error: null,
      now,
    });
    this.#events.emit('turns:changed', done);
  }
}

/** A turn's reply: its answers in order, a blank line between them (as OpenClaw joins a turn's reply). */
function replyOf(open: OpenTurn): string {
  return open.answers.join('\n\n');
}
