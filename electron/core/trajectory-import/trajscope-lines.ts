// `trajscope export` JSON Lines read back: one line per interaction, grouped into the episodes and
// sessions they came from, with what the workbench held about them — model, usage, turn, time,
// task, group, and the labels themselves (value, where it was given, source, labeler, rubric,
// note) — so that exporting the import gives the same lines again. Lines written before labels
// were exported (no `own_reward`) carry returns, imported as the exporter's discounted values.
import {
  CALL_OUTCOMES,
  REWARD_SCOPES,
  SESSION_ORIGINS,
  type CallOutcome,
  type RewardSource,
} from '../../../shared/domain.ts';
import {
  ImportError,
  isObj,
  kind,
  optChoice,
  optString,
  reply,
  requestOf,
  reward,
  tokensOf,
  toolCalls,
  type ImportedEpisode,
  type ImportedInteraction,
  type ImportedLabel,
} from './records.ts';

const OUTCOMES = Object.keys(CALL_OUTCOMES) as CallOutcome[];
const SOURCES: readonly RewardSource[] = ['human', 'api', 'default'];

type Row = Record<string, unknown>;

function turnIndex(row: Row, where: string): number | null | undefined {
  if (!('turn_index' in row)) return undefined;
  const v = row.turn_index;
  if (v === null) return null;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  throw new ImportError(`${where}: turn_index must be a whole number or null (got ${kind(v)})`);
}

function startedAt(row: Row, where: string): number | undefined {
  const v = optString(row.created_at, `${where}: created_at`, 100);
  if (v === null) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new ImportError(`${where}: created_at must be an ISO time (got ${JSON.stringify(v)})`);
  return t;
}

function label(row: Row, where: string): ImportedLabel | null {
  const value = reward(row.own_reward, where, 'own_reward');
  if (value === null) return null;
  return {
    value,
    scope: optChoice(row.reward_scope, `${where}: reward_scope`, REWARD_SCOPES) ?? 'interaction',
    source: optChoice(row.reward_source, `${where}: reward_source`, SOURCES) ?? 'api',
    labeler: optString(row.labeler, `${where}: labeler`, 500),
    rubric: optString(row.rubric, `${where}: rubric`, 500),
    note: optString(row.note, `${where}: note`),
  };
}

function interaction(row: Row, where: string): ImportedInteraction {
  if (!isObj(row.request)) throw new ImportError(`${where}: request must be an object (got ${kind(row.request)})`);
  const r = reply(row.response, where);
  const response = isObj(row.response) ? row.response : {};
  if (response.usage !== undefined && response.usage !== null && !isObj(response.usage))
    throw new ImportError(`${where}: response.usage must be an object or null (got ${kind(response.usage)})`);
  const labels = 'own_reward' in row;
  const at = startedAt(row, where);
  const tokens = tokensOf(response, ['prompt_token_ids', 'token_ids', 'logprobs'], `${where}: response`);
  return {
    ...(tokens ? { tokens } : {}),
    request: requestOf(row.request, where),
    reply: r.text,
    toolCalls: row.tool_calls === undefined ? r.toolCalls : toolCalls(row.tool_calls, where),
    model: optString(response.model, `${where}: response.model`, 500),
    finishReason: optString(response.finish_reason, `${where}: response.finish_reason`, 100),
    usage: isObj(response.usage) ? response.usage : null,
    outcome: optChoice(row.outcome, `${where}: outcome`, OUTCOMES) ?? 'complete',
    reward: labels ? null : reward(row.reward, where),
    label: labels ? label(row, where) : null,
    turnIndex: turnIndex(row, where),
    ...(at !== undefined ? { startedAt: at } : {}),
  };
}

/** What every line of an episode must agree on. */
function episodeOf(row: Row, where: string): Omit<ImportedEpisode, 'interactions'> {
  return {
    sourceId: optString(row.episode_id, `${where}: episode_id`, 500),
    sourceSession: optString(row.session_key, `${where}: session_key`, 512),
    origin: optChoice(row.session_origin, `${where}: session_origin`, SESSION_ORIGINS),
    taskId: optString(row.task_id, `${where}: task_id`, 500),
    groupId: optString(row.group_id, `${where}: group_id`, 100),
    labels: 'own_reward' in row,
  };
}

const AGREED = [
  ['sourceSession', 'session_key'],
  ['origin', 'session_origin'],
  ['taskId', 'task_id'],
  ['groupId', 'group_id'],
  ['labels', 'own_reward'],
] as const;

export function trajscopeLines(text: string): ImportedEpisode[] {
  const byEpisode = new Map<string, ImportedEpisode>();
  text.split('\n').forEach((line, n) => {
    if (!line.trim()) return;
    const where = `line ${n + 1}`;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new ImportError(`${where} is not JSON (a file must be one JSON document or JSON Lines)`);
    }
    if (!isObj(row) || !isObj(row.request)) throw new ImportError(`${where} is not a trajscope export line`);
    const head = episodeOf(row, where);
    const id = head.sourceId ?? 'episode';
    const episode = byEpisode.get(id) ?? { ...head, interactions: [] };
    for (const [field, name] of AGREED) {
      if (episode[field] !== head[field])
        throw new ImportError(`${where}: its ${name} differs from the earlier lines of episode ${id}`);
    }
    episode.interactions.push(interaction(row, where));
    byEpisode.set(id, episode);
  });
  return [...byEpisode.values()];
}
