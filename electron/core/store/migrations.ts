// Over 300 lines: the one ordered list of every schema change since the first release; a migration
// never changes once shipped, so splitting the list would only scatter its history.
// Versioned schema migrations; each runs once, in order, inside a transaction.

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Rebuilds a table other tables point at: run with foreign keys off, then checked (SQLite's procedure). */
  rebuild?: true;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'core tables',
    sql: `
      CREATE TABLE sessions (
        key TEXT PRIMARY KEY,
        runtime TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        closed_at INTEGER
      );
      CREATE TABLE episodes (
        id TEXT PRIMARY KEY,
        session_key TEXT NOT NULL REFERENCES sessions(key),
        idx INTEGER NOT NULL,
        task_id TEXT,
        metadata TEXT NOT NULL DEFAULT '{}',
        upstream_key TEXT NOT NULL UNIQUE,
        upstream_override TEXT,
        status TEXT NOT NULL CHECK (status IN ('open','ended')),
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        UNIQUE (session_key, idx)
      );
      CREATE TABLE turns (
        id TEXT PRIMARY KEY,
        episode_id TEXT NOT NULL REFERENCES episodes(id),
        session_key TEXT NOT NULL,
        idx INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running','ok','failed')),
        message TEXT NOT NULL,
        reply TEXT,
        history_length INTEGER NOT NULL,
        tool_calls TEXT NOT NULL DEFAULT '[]',
        error TEXT,
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        UNIQUE (episode_id, idx)
      );
      CREATE TABLE history_messages (
        episode_id TEXT NOT NULL REFERENCES episodes(id),
        seq INTEGER NOT NULL,
        turn_id TEXT NOT NULL REFERENCES turns(id),
        role TEXT NOT NULL CHECK (role IN ('user','assistant')),
        content TEXT NOT NULL,
        PRIMARY KEY (episode_id, seq)
      );
      CREATE TABLE upstream_calls (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL UNIQUE,
        upstream_key TEXT NOT NULL,
        session_key TEXT NOT NULL,
        episode_id TEXT NOT NULL REFERENCES episodes(id),
        turn_id TEXT REFERENCES turns(id),
        outside_turn INTEGER NOT NULL,
        path TEXT NOT NULL,
        request_headers TEXT NOT NULL,
        request_body BLOB NOT NULL,
        status INTEGER,
        error TEXT,
        response TEXT,
        raw_response TEXT,
        started_at INTEGER NOT NULL,
        first_byte_at INTEGER,
        ended_at INTEGER
      );
      CREATE INDEX upstream_calls_episode ON upstream_calls (episode_id, seq);
      CREATE INDEX upstream_calls_turn ON upstream_calls (turn_id, seq);
      CREATE TABLE rewards (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL UNIQUE,
        episode_id TEXT NOT NULL REFERENCES episodes(id),
        turn_id TEXT REFERENCES turns(id),
        call_id TEXT REFERENCES upstream_calls(id),
        value REAL NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('human','api','default')),
        labeler TEXT,
        note TEXT,
        rubric TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX rewards_episode ON rewards (episode_id, seq);
      CREATE TABLE alerts (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        severity TEXT NOT NULL,
        session_key TEXT,
        episode_id TEXT,
        turn_id TEXT,
        call_id TEXT,
        message TEXT NOT NULL,
        evidence TEXT NOT NULL DEFAULT '[]',
        created_at INTEGER NOT NULL
      );
      CREATE INDEX alerts_session ON alerts (session_key, created_at);
      CREATE TABLE log_chunks (
        id INTEGER PRIMARY KEY,
        gateway_id TEXT NOT NULL,
        session_key TEXT,
        stream TEXT NOT NULL,
        at INTEGER NOT NULL,
        file TEXT NOT NULL,
        file_offset INTEGER NOT NULL,
        length INTEGER NOT NULL
      );
      CREATE INDEX log_chunks_time ON log_chunks (gateway_id, at);
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'indexes for per-session lookups on the turn path',
    sql: `
      CREATE INDEX turns_session ON turns (session_key);
      CREATE INDEX episodes_open ON episodes (session_key, status);
      CREATE INDEX log_chunks_session ON log_chunks (session_key, at);
    `,
  },
  {
    version: 3,
    name: 'upstream connections: each episode is bound to the upstream it started with',
    sql: `
      CREATE TABLE upstreams (
        id TEXT PRIMARY KEY,
        base_url TEXT NOT NULL,
        api_key TEXT NOT NULL,
        model TEXT NOT NULL DEFAULT '',
        origin TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        UNIQUE (base_url, api_key, model)
      );
      INSERT OR IGNORE INTO upstreams (id, base_url, api_key, model, origin, created_at)
        SELECT 'up_' || lower(hex(randomblob(8))), json_extract(upstream_override, '$.baseUrl'),
          json_extract(upstream_override, '$.apiKey'), coalesce(json_extract(upstream_override, '$.model'), ''),
          'turn', started_at
        FROM episodes WHERE upstream_override IS NOT NULL;
      ALTER TABLE episodes ADD COLUMN upstream_id TEXT REFERENCES upstreams(id);
      UPDATE episodes SET upstream_id = (
        SELECT u.id FROM upstreams u WHERE u.base_url = json_extract(episodes.upstream_override, '$.baseUrl')
          AND u.api_key = json_extract(episodes.upstream_override, '$.apiKey')
          AND u.model = coalesce(json_extract(episodes.upstream_override, '$.model'), ''))
        WHERE upstream_override IS NOT NULL;
      ALTER TABLE episodes DROP COLUMN upstream_override;
      CREATE INDEX episodes_started ON episodes (started_at, id);
      CREATE INDEX sessions_created ON sessions (created_at, key);
      CREATE INDEX alerts_created ON alerts (created_at, id);
      CREATE INDEX alerts_episode ON alerts (episode_id);
    `,
  },
  {
    version: 4,
    name: 'call outcomes (only complete calls are training data); cancelled turns',
    rebuild: true,
    sql: `
      ALTER TABLE upstream_calls ADD COLUMN outcome TEXT;
      UPDATE upstream_calls SET outcome = CASE
        WHEN ended_at IS NULL THEN NULL
        WHEN error LIKE 'the host stopped%' THEN 'interrupted'
        WHEN status = 200 AND error IS NULL THEN 'complete'
        WHEN status = 200 THEN 'truncated'
        WHEN status = 504 THEN 'timeout'
        ELSE 'error' END;
      CREATE INDEX upstream_calls_outcome ON upstream_calls (episode_id, outcome);
      CREATE TABLE turns_v4 (
        id TEXT PRIMARY KEY,
        episode_id TEXT NOT NULL REFERENCES episodes(id),
        session_key TEXT NOT NULL,
        idx INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running','ok','failed','cancelled')),
        message TEXT NOT NULL,
        reply TEXT,
        history_length INTEGER NOT NULL,
        tool_calls TEXT NOT NULL DEFAULT '[]',
        error TEXT,
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        UNIQUE (episode_id, idx)
      );
      INSERT INTO turns_v4 SELECT id, episode_id, session_key, idx, status, message, reply, history_length,
        tool_calls, error, started_at, ended_at FROM turns;
      DROP TABLE turns;
      ALTER TABLE turns_v4 RENAME TO turns;
      CREATE INDEX turns_session ON turns (session_key);
    `,
  },
  {
    version: 5,
    name: 'AReaL groups and exports, session origins, turn metadata, inferred turns of external agents',
    sql: `
      ALTER TABLE episodes ADD COLUMN group_id TEXT;
      ALTER TABLE episodes ADD COLUMN exported_at INTEGER;
      CREATE INDEX episodes_group ON episodes (group_id);
      ALTER TABLE sessions ADD COLUMN origin TEXT NOT NULL DEFAULT 'live';
      ALTER TABLE turns ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
      ALTER TABLE turns ADD COLUMN inferred INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 6,
    name: 'forked calls and replayed episodes linked to their origins; per-session run options',
    sql: `
      ALTER TABLE upstream_calls ADD COLUMN fork_of TEXT REFERENCES upstream_calls(id);
      ALTER TABLE upstream_calls ADD COLUMN fork_upstream TEXT;
      CREATE INDEX upstream_calls_fork ON upstream_calls (fork_of, seq) WHERE fork_of IS NOT NULL;
      ALTER TABLE episodes ADD COLUMN replay_of TEXT REFERENCES episodes(id);
      ALTER TABLE sessions ADD COLUMN run_options TEXT;
      CREATE INDEX alerts_turn ON alerts (turn_id) WHERE turn_id IS NOT NULL;
      CREATE INDEX episodes_replay ON episodes (replay_of) WHERE replay_of IS NOT NULL;
    `,
  },
  {
    version: 7,
    name: 'seats on shared gateways: which session sat on which gateway when (its log lines are its own)',
    sql: `
      CREATE TABLE gateway_seats (
        session_key TEXT NOT NULL,
        gateway_id TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        from_at INTEGER NOT NULL,
        to_at INTEGER
      );
      CREATE INDEX gateway_seats_session ON gateway_seats (session_key, from_at);
    `,
  },
  {
    version: 8,
    name: 'full-text search over recorded text; indexes for pruning by age',
    sql: `
      CREATE VIRTUAL TABLE search_text USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
      CREATE TABLE search_state (id INTEGER PRIMARY KEY CHECK (id = 1), indexed_seq INTEGER NOT NULL);
      INSERT INTO search_state (id, indexed_seq) VALUES (1, 0);
      CREATE INDEX rewards_human ON rewards (episode_id) WHERE source = 'human';
      CREATE INDEX log_chunks_file ON log_chunks (file, at);
    `,
  },
  {
    version: 9,
    name: 'large request bodies and raw streams stored deflated (codec per column; NULL: as sent)',
    sql: `
      ALTER TABLE upstream_calls ADD COLUMN request_size INTEGER;
      ALTER TABLE upstream_calls ADD COLUMN request_codec TEXT;
      ALTER TABLE upstream_calls ADD COLUMN raw_codec TEXT;
    `,
  },
  {
    version: 10,
    // every query reaches calls by episode or turn first: this index only cost two writes per call
    name: 'no index on call outcomes',
    sql: `
      DROP INDEX IF EXISTS upstream_calls_outcome;
    `,
  },
  {
    version: 11,
    // a start after a crash finds the interrupted work through these (tiny: only rows in flight)
    // instead of reading every turn and every call — a million calls' bodies — to find none
    name: 'turns and calls in flight indexed',
    sql: `
      CREATE INDEX turns_running ON turns (episode_id) WHERE status = 'running';
      CREATE INDEX upstream_calls_unfinished ON upstream_calls (seq) WHERE ended_at IS NULL;
    `,
  },
  {
    version: 12,
    // a session's count of turns with a failed tool reads only this small partial index
    name: 'failed tool calls counted per turn',
    sql: `
      ALTER TABLE turns ADD COLUMN tool_errors INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX turns_tool_errors ON turns (session_key) WHERE tool_errors > 0;
    `,
  },
  {
    version: 13,
    // the request forwarded may carry fields the recorder added (token ids, logprobs): named here
    name: 'fields the recorder added to a forwarded request',
    sql: `
      ALTER TABLE upstream_calls ADD COLUMN added_fields TEXT;
    `,
  },
  {
    version: 14,
    // whether the server returned token ids (1) or not (0) for a finished call: the session's
    // "token checks off" count, without reading every response
    name: 'whether a call has token ids',
    sql: `
      ALTER TABLE upstream_calls ADD COLUMN token_ids INTEGER;
      UPDATE upstream_calls SET token_ids = CASE
        WHEN response IS NULL OR NOT json_valid(response) THEN NULL
        WHEN json_type(response, '$.tokenIds') = 'array' AND json_type(response, '$.promptTokenIds') = 'array' THEN 1
        ELSE 0 END;
    `,
  },
  {
    version: 15,
    // a connection's own tokenizer (Settings → Connections); apart from the connection row, which
    // never changes once an episode is bound to it
    name: "an upstream connection's tokenizer",
    sql: `
      CREATE TABLE upstream_tokenizers (
        upstream_id TEXT PRIMARY KEY REFERENCES upstreams(id),
        tokenizer TEXT NOT NULL
      );
    `,
  },
  {
    version: 16,
    // the alert map counts alerts by episode and kind: read from this index alone, without a sort
    name: 'alerts by episode and kind',
    sql: `
      CREATE INDEX alerts_map ON alerts (episode_id, kind, created_at, session_key);
    `,
  },
];
