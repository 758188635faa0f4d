// `trajscope export`: one JSON line per complete upstream interaction, with its discounted reward.
// Deterministic: the same data always gives the same bytes. Failed calls (broken, truncated,
// malformed, cancelled …) are not training data: they are left out, or, when asked for, written
// with their outcome and no reward, never as good samples. What the workbench shows as "no label"
// is not exported as a reward: an episode nobody rewarded is left out unless asked otherwise
// (`zero` writes 0 marked `reward_source: "default"`, `null` writes no reward), and so are the
// leak lab's sessions (leaky on purpose) unless asked for. The tally says what was left out. Each
// tool call says what became of it (ok, error with why, no_result), so a failed tool is not
// trained on as a success.
import type { ExportRequest, ExportTally } from '../../../shared/api.ts';
import type { SessionOrigin, TurnToolCall } from '../../../shared/domain.ts';
import { importedFrom } from '../../../shared/imported.ts';
import type { Store } from '../store/store.ts';
import { interactionRewards, type InteractionReward } from './rewards.ts';
import { tokenRows, type TokenStyle } from './token-rows.ts';
import { wellFormedJson } from './well-formed.ts';
import { discountFor, trainingCalls } from './trajectories.ts';

/** What an episode nobody rewarded becomes: left out, reward 0 (marked "default"), or reward null. */
export const UNLABELED_POLICIES = ['skip', 'zero', 'null'] as const;
export type UnlabeledPolicy = (typeof UNLABELED_POLICIES)[number];

export type { ExportTally };

/** An empty tally, counted into as an export runs. */
export const newTally = (): ExportTally => ({ interactions: 0, episodes: 0, unlabeled: 0, lab: 0, noTokenIds: 0 });

/** The CLI's and the UI's choices as export options. */
export function exportOptions(r: ExportRequest): ExportOptions {
  return {
    ...(r.sessionKey !== undefined ? { sessionKey: r.sessionKey } : {}),
    unlabeled: r.unlabeled,
    includeLab: r.includeLab,
    includeFailed: r.includeFailed,
    dropRetryOrphans: r.dropRetryOrphans,
    discount: r.discount,
    ...(r.tokens ? { tokens: r.tokens } : {}),
  };
}

export interface ExportOptions {
  episodes?: string[];
  /** Only this session's episodes. */
  sessionKey?: string;
  /** Episodes without any reward (default: skip). */
  unlabeled?: UnlabeledPolicy;
  /** Also export the leak lab's sessions. */
  includeLab?: boolean;
  /** Counted into as the export runs. */
  tally?: ExportTally;
  discount?: number;
  /** Also write failed calls, marked by their outcome (for inspection, not training). */
  includeFailed?: boolean;
  /** Leave out retry orphans (AReaL's drop_retry_orphans). */
  dropRetryOrphans?: boolean;
  /** Write token rows in AReaL's tensor-dict shape (token-rows.ts) instead of one text line per call. */
  tokens?: TokenStyle;
  /** Told about a call that cannot be written (a request nested too deeply to serialize again). */
  onSkip?: (callId: string, reason: string) => void;
}

export function* exportLines(store: Store, opts: ExportOptions = {}): Generator<string> {
  const discount = opts.discount ?? 1;
  const unlabeled = opts.unlabeled ?? 'skip';
  const tally = opts.tally ?? newTally();
  const origins = new Map<string, SessionOrigin | undefined>();
  const filter = {
    ...(opts.episodes ? { ids: opts.episodes } : {}),
    ...(opts.sessionKey ? { sessionKey: opts.sessionKey } : {}),
  };
  for (const ep of store.episodes.each(filter)) {
    if (!origins.has(ep.sessionKey)) origins.set(ep.sessionKey, store.sessions.get(ep.sessionKey)?.origin);
    // an imported episode says what its source session was: lab data imported is still lab data
    const origin = importedFrom(ep)?.origin ?? origins.get(ep.sessionKey) ?? 'live';
    if (origin === 'lab' && !opts.includeLab) {
      tally.lab++;
      continue;
    }
    const labels = store.rewards.list(ep.id);
    if (labels.length === 0 && unlabeled === 'skip') {
      tally.unlabeled++;
      continue;
    }
    const noReward = labels.length === 0 && unlabeled === 'null';
    const turnList = store.turns.list(ep.id);
    const turns = new Map(turnList.map((t) => [t.id, t.index]));
    // what became of each tool call (the agent's result for it, in a later request of its turn)
    const toolOutcomes = new Map(turnList.flatMap((t) => t.toolCalls.map((c) => [c.id, c] as const)));
    const complete = trainingCalls(store, ep.id, opts.dropRetryOrphans);
    const kept = new Set(complete.map((c) => c.id));
    const all = opts.includeFailed
      ? store.calls.details(ep.id).filter((c) => c.outcome !== null && (kept.has(c.id) || c.outcome !== 'complete'))
      : complete;
    const gamma = discountFor(store, ep.id, discount);
    const rewards = new Map(interactionRewards(complete, labels, gamma).map((r, i) => [complete[i]!.id, r]));
    const before = tally.interactions;
    if (opts.tokens) {
      const rows = tokenRows(complete, opts.tokens, () => tally.noTokenIds++);
      for (const row of rows) {
        const last = row.calls[row.calls.length - 1]!;
        yield wellFormedJson({
          episode_id: ep.id,
          session_key: ep.sessionKey,
          task_id: ep.taskId,
          group_id: ep.groupId,
          interaction_ids: row.calls.map((c) => c.id),
          turn_indexes: row.calls.map((c) => (c.turnId ? (turns.get(c.turnId) ?? null) : null)),
          input_ids: row.input_ids,
          loss_mask: row.loss_mask,
          logprobs: row.logprobs,
          versions: row.versions,
          logprobs_known: row.logprobs_known,
          split_reason: row.split_reason,
          // a row's reward is its last call's (discounted) return, as AReaL's concat gives the leaf's
          ...rewardFields(noReward ? undefined : rewards.get(last.id)),
          created_at: new Date(row.calls[0]!.startedAt).toISOString(),
          session_origin: origin,
        }).text;
        tally.interactions++;
        if (tally.interactions === before + 1) tally.episodes++;
      }
      continue;
    }
    let index = 0;
    for (const c of all) {
      const r = c.response;
      const reward = noReward ? undefined : rewards.get(c.id);
      let line: string;
      try {
        const row = {
          episode_id: ep.id,
          session_key: ep.sessionKey,
          task_id: ep.taskId,
          group_id: ep.groupId,
          turn_index: c.turnId ? (turns.get(c.turnId) ?? null) : null,
          interaction_index: index,
          interaction_id: c.id,
          upstream_key: c.upstreamKey,
          request: JSON.parse(c.requestBody),
          response: {
            role: 'assistant',
            content: r?.text ?? '',
            model: r?.model ?? null,
            finish_reason: r?.finishReason ?? null,
            usage: r?.usage ?? null,
            // the server's ids and logprobs, where it returned them (an import reads them back)
            ...(r?.promptTokenIds && r.tokenIds
              ? { prompt_token_ids: r.promptTokenIds, token_ids: r.tokenIds, logprobs: r.logprobs }
              : {}),
          },
          tool_calls: (r?.toolCalls ?? []).map((t) => ({
            id: t.id,
            name: t.name,
            arguments: t.arguments,
            ...toolOutcome(toolOutcomes.get(t.id)),
          })),
          ...rewardFields(reward),
          created_at: new Date(c.startedAt).toISOString(),
          session_origin: origin,
          outcome: c.outcome,
        };
        const json = wellFormedJson(row);
        // a lone surrogate was replaced by U+FFFD so that every JSON reader takes the line (well-formed.ts)
        line = json.repaired ? wellFormedJson({ ...row, text_repaired: true }).text : json.text;
      } catch (err) {
        // only data recorded before bodies were depth-checked can get here
        opts.onSkip?.(c.id, (err as Error).message);
        continue;
      }
      index++;
      tally.interactions++;
      if (tally.interactions === before + 1) tally.episodes++;
      yield line;
    }
  }
}

/** ok, error (with why) or no_result: what the agent fed back for a tool call; unknown for older turns. */
function toolOutcome(c: TurnToolCall | undefined): { outcome: string; error?: string } {
  if (!c || c.result === undefined) return { outcome: 'unknown' };
  if (c.error) return { outcome: 'error', error: c.error };
  return { outcome: c.result === null ? 'no_result' : 'ok' };
}

/**
 * A line's reward fields: the return, and the label given here itself and where it sits (so an
 * import restores labels, not returns).
 */
function rewardFields(reward: InteractionReward | undefined) {
  return {
    reward: reward?.reward ?? null,
    own_reward: reward?.own ?? null,
    reward_scope: reward?.scope ?? null,
    reward_source: reward?.source ?? null,
    labeler: reward?.labeler ?? null,
    rubric: reward?.rubric ?? null,
    note: reward?.note ?? null,
  };
}
