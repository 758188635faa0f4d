// The one delete plan covers every table: any table with an episode_id or a session_key column is
// in it, so a table added later cannot be missed by lab:clear or prune (it would keep rows of
// deleted sessions, or block the delete).
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { PLANNED } from '../../../electron/core/store/cascade.ts';
import { Store } from '../../../electron/core/store/store.ts';
import { tempDir } from '../../helpers/workbench.ts';

test('every table that belongs to an episode or a session is in the delete plan', () => {
  const dir = tempDir();
  try {
    const store = new Store(dir.path);
    const file = store.path;
    store.close();
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .all()
        .map((r) => String(r.name));
      const owned = tables.filter((t) =>
        db
          .prepare(`PRAGMA table_info(${t})`)
          .all()
          .some((c) => c.name === 'episode_id' || c.name === 'session_key'),
      );
      assert.ok(owned.length >= 8, `found ${owned.join(', ')}`);
      assert.deepEqual(
        owned.filter((t) => !PLANNED.includes(t)),
        [],
        'tables with rows of episodes or sessions that no delete removes',
      );
    } finally {
      db.close();
    }
  } finally {
    dir.remove();
  }
});
