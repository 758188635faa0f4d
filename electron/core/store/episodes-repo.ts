// Episodes: boundaries of a session's history, each with its own upstream key and connection.
import type { Episode, EpisodeStatus, Page, RuntimeKind } from '../../../shared/domain.ts';
import type { GroupSummary } from '../../../shared/rollouts.ts';
import type { Db } from './db.ts';
import { newId } from './ids.ts';
import { decodeCursor, pageLimit, toPage } from './page.ts';
import { toEpisode, type EpisodeRow } from './rows.ts';

const SELECT = `
  SELECT e.*,
    (SELECT COUNT(*) FROM turns t WHERE t.episode_id = e.id) AS turn_count,
    (SELECT COUNT(*) FROM upstream_calls c WHERE c.episode_id = e.id AND c.fork_of IS NULL) AS call_count,
    (SELECT r.value FROM rewards r WHERE r.episode_id = e.id AND r.turn_id IS NULL AND r.call_id IS NULL
      ORDER BY r.seq DESC LIMIT 1) AS reward,
    (SELECT r.source FROM rewards r WHERE r.episode_id = e.id AND r.turn_id IS NULL AND r.call_id IS NULL
      ORDER BY r.seq DESC LIMIT 1) AS reward_source
  FROM episodes e`;

export interface EpisodeFilter {
  sessionKey?: string;
  groupId?: string;
  status?: EpisodeStatus;
  ids?: string[];
  limit?: number;
  cursor?: string;
  /** Oldest first (default) or newest first. */
  order?: 'asc' | 'desc';
}

/** The episode an upstream key belongs to, without the aggregates (the recorder's hot path). */
export interface KeyInfo {
  id: string;
  sessionKey: string;
  status: EpisodeStatus;
  taskId: string | null;
  upstreamId: string | null;
  /** The runtime of the episode's session: an external agent's calls get inferred turns. */
  runtime: RuntimeKind;
}

type OpenRef = { id: string; index: number; upstreamKey: string; taskId: string | null; upstreamId: string | null };

export class EpisodesRepo {
  readonly #db: Db;
  /**
   * Each session's open episode (null: none), read on every turn. Every write here that can change
   * one drops that session's copy; bulk deletes and lost writes drop them all (forget). Only the
   * writing connection keeps them.
   */
  readonly #open = new Map<string, OpenRef | null>();
  /** Which session's copy holds an episode, to drop it when the episode changes. */
  readonly #openBy = new Map<string, string>();

  constructor(db: Db) {
    this.#db = db;
    db.onLost(() => this.forget());
  }

  /** Drops every cached open episode. */
  forget(): void {
    this.#open.clear();
    this.#openBy.clear();
  }

  #drop(sessionKey: string): void {
    const ref = this.#open.get(sessionKey);
    if (ref) this.#openBy.delete(ref.id);
    this.#open.delete(sessionKey);
  }

  #dropEpisode(id: string): void {
    const key = this.#openBy.get(id);
    if (key !== undefined) this.#drop(key);
  }

  insert(e: {
    sessionKey: string;
    taskId: string | null;
    metadata: Record<string, unknown>;
    upstreamKey: string;
    upstreamId: string | null;
    groupId?: string | null;
    replayOf?: string | null;
    now?: number;
  }): Episode {
    const id = newId('ep');
    this.#db.tx(() => {
      const last = this.#db.get<{ n: number | null }>(
        'SELECT MAX(idx) AS n FROM episodes WHERE session_key = ?',
        e.sessionKey,
      );
      this.#db.run(
        `INSERT INTO episodes (id, session_key, idx, task_id, metadata, upstream_key, upstream_id, group_id, replay_of,
          status, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)`,
        id,
        e.sessionKey,
        (last?.n ?? -1) + 1,
        e.taskId,
        JSON.stringify(e.metadata),
        e.upstreamKey,
        e.upstreamId,
        e.groupId ?? null,
        e.replayOf ?? null,
        e.now ?? Date.now(),
      );
    });
    this.#drop(e.sessionKey);
    return this.get(id)!;
  }

  /** Moves an empty episode into another session, as that session's newest episode. */
  adopt(id: string, sessionKey: string, set: { taskId: string | null; metadata: Record<string, unknown> }): Episode {
    this.#db.tx(() => {
      const last = this.#db.get<{ n: number | null }>(
        'SELECT MAX(idx) AS n FROM episodes WHERE session_key = ?',
        sessionKey,
      );
      this.#db.run(
        'UPDATE episodes SET session_key = ?, idx = ?, task_id = ?, metadata = ? WHERE id = ?',
        sessionKey,
        (last?.n ?? -1) + 1,
        set.taskId,
        JSON.stringify(set.metadata),
        id,
      );
    });
    this.#dropEpisode(id);
    this.#drop(sessionKey);
    return this.get(id)!;
  }

  /** Marks episodes as handed to a trainer that asked AReaL's exporter to forget them. */
  markExported(ids: string[], now = Date.now()): void {
    for (const id of ids)
      this.#db.run('UPDATE episodes SET exported_at = ? WHERE id = ? AND exported_at IS NULL', now, id);
  }

  /** Whether an episode was exported with remove_session (AReaL's exporter skips it afterwards). */
  exported(id: string): boolean {
    return (
      this.#db.get<{ exported_at: number | null }>('SELECT exported_at FROM episodes WHERE id = ?', id)?.exported_at !=
      null
    );
  }

  /** Ends an open episode; false when it was not open. */
  end(id: string, now = Date.now()): boolean {
    const ended =
      this.#db.run(`UPDATE episodes SET status = 'ended', ended_at = ? WHERE id = ? AND status = 'open'`, now, id)
        .changes === 1;
    this.#dropEpisode(id);
    return ended;
  }

  /** Re-routes an episode's calls to another upstream connection (inf_base_url on a turn). */
  setUpstream(id: string, upstreamId: string | null): void {
    this.#db.run('UPDATE episodes SET upstream_id = ? WHERE id = ?', upstreamId, id);
    this.#dropEpisode(id);
  }

  get(id: string): Episode | undefined {
    const r = this.#db.get<EpisodeRow>(`${SELECT} WHERE e.id = ?`, id);
    return r && toEpisode(r);
  }

  byKey(upstreamKey: string): Episode | undefined {
    const r = this.#db.get<EpisodeRow>(`${SELECT} WHERE e.upstream_key = ?`, upstreamKey);
    return r && toEpisode(r);
  }

  keyInfo(upstreamKey: string): KeyInfo | undefined {
    return this.#db.get<KeyInfo>(
      `SELECT e.id, e.session_key AS sessionKey, e.status, e.task_id AS taskId, e.upstream_id AS upstreamId, s.runtime
       FROM episodes e
       JOIN sessions s ON s.key = e.session_key WHERE e.upstream_key = ?`,
      upstreamKey,
    );
  }

  /** The open episode's identity only, without aggregates: what the turn path needs. */
  openRef(sessionKey: string): OpenRef | undefined {
    const cached = this.#open.get(sessionKey);
    if (cached !== undefined) return cached === null ? undefined : { ...cached };
    const ref = this.#db.get<OpenRef>(
      `SELECT id, idx AS "index", upstream_key AS upstreamKey, task_id AS taskId, upstream_id AS upstreamId
       FROM episodes WHERE session_key = ? AND status = 'open'`,
      sessionKey,
    );
    if (!this.#db.readOnly && !this.#db.inTransaction) {
      if (this.#open.size >= 4096) this.#drop(this.#open.keys().next().value!);
      this.#open.set(sessionKey, ref ? { ...ref } : null);
      if (ref) this.#openBy.set(ref.id, sessionKey);
    }
    return ref;
  }

  /** The source episode ids of the episodes imported from files named `file` (what collect has). */
  importedFrom(file: string): Set<string> {
    const rows = this.#db.all<{ id: string | null }>(
      `SELECT json_extract(metadata, '$.imported.source_id') AS id FROM episodes
       WHERE json_extract(metadata, '$.imported.file') = ?`,
      file,
    );
    return new Set(rows.flatMap((r) => (r.id ? [r.id] : [])));
  }

  open(sessionKey: string): Episode | undefined {
    const r = this.#db.get<EpisodeRow>(`${SELECT} WHERE e.session_key = ? AND e.status = 'open'`, sessionKey);
    return r && toEpisode(r);
  }

  /** Groups of rollouts, newest first: size, how many ended and how many carry a reward. */
  groups(opts: { limit?: number; cursor?: string } = {}): Page<GroupSummary> {
    const limit = pageLimit(opts.limit);
    const params: Array<string | number> = [];
    let having = '';
    if (opts.cursor) {
      having = 'HAVING (MIN(e.started_at), e.group_id) < (?, ?)';
      params.push(...decodeCursor(opts.cursor, ['number', 'string']));
    }
    const rows = this.#db.all<{
      group_id: string;
      task_id: string | null;
      size: number;
      ended: number;
      rewarded: number;
      started_at: number;
    }>(
      `SELECT e.group_id, MIN(e.task_id) AS task_id, COUNT(*) AS size,
         SUM(e.status = 'ended') AS ended,
         SUM(EXISTS (SELECT 1 FROM rewards r WHERE r.episode_id = e.id)) AS rewarded,
         MIN(e.started_at) AS started_at
       FROM episodes e WHERE e.group_id IS NOT NULL GROUP BY e.group_id ${having}
       ORDER BY started_at DESC, e.group_id DESC LIMIT ?`,
      ...params,
      limit + 1,
    );
    return toPage(
      rows,
      limit,
      (r) => [r.started_at, r.group_id],
      (r) => ({
        groupId: r.group_id,
        taskId: r.task_id,
        size: r.size,
        ended: r.ended,
        rewarded: r.rewarded,
        startedAt: r.started_at,
      }),
    );
  }

  list(f: EpisodeFilter = {}): Page<Episode> {
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (f.sessionKey !== undefined) {
      where.push('e.session_key = ?');
      params.push(f.sessionKey);
    }
    if (f.groupId !== undefined) {
      where.push('e.group_id = ?');
      params.push(f.groupId);
    }
    if (f.status !== undefined) {
      where.push('e.status = ?');
      params.push(f.status);
    }
    if (f.ids !== undefined) {
      where.push(`e.id IN (SELECT value FROM json_each(?))`);
      params.push(JSON.stringify(f.ids));
    }
    const desc = f.order === 'desc';
    if (f.cursor) {
      where.push(`(e.started_at, e.id) ${desc ? '<' : '>'} (?, ?)`);
      params.push(...decodeCursor(f.cursor, ['number', 'string']));
    }
    const limit = pageLimit(f.limit);
    const dir = desc ? 'DESC' : 'ASC';
    const sql = `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY e.started_at ${dir}, e.id ${dir} LIMIT ?`;
    const rows = this.#db.all<EpisodeRow>(sql, ...params, limit + 1);
    return toPage(rows, limit, (r) => [r.started_at, r.id], toEpisode);
  }

  /** Every episode matching the filter, page by page (export and analysis walk whole data dirs). */
  *each(f: Omit<EpisodeFilter, 'cursor' | 'limit'> = {}): Generator<Episode> {
    let cursor: string | undefined;
    do {
      const page = this.list({ ...f, cursor, limit: 500 });
      yield* page.items;
      cursor = page.next ?? undefined;
    } while (cursor);
  }
}
