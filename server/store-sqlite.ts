/**
 * The SQLite store (better-sqlite3): `analyses.sqlite` in the data directory,
 * WAL journal (readers never wait for a writer). `synchronous = NORMAL` in WAL
 * mode keeps every committed upload through a crash of the process (kill -9);
 * only a power loss could drop the last ones.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AnalysisStore } from './store.ts';

export function openSqliteStore(dataDir: string): AnalysisStore {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'analyses.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS analyses (
    id TEXT PRIMARY KEY NOT NULL,
    bytes BLOB NOT NULL,
    size INTEGER NOT NULL,
    created TEXT NOT NULL
  ) WITHOUT ROWID`);
  const insert = db.prepare('INSERT OR IGNORE INTO analyses (id, bytes, size, created) VALUES (?, ?, ?, ?)');
  const select = db.prepare('SELECT bytes FROM analyses WHERE id = ?').pluck();
  const counter = db.prepare('SELECT count(*) FROM analyses').pluck();
  return {
    kind: 'sqlite',
    async put(id, bytes) {
      return insert.run(id, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), bytes.length, new Date().toISOString()).changes === 1;
    },
    async get(id) {
      return select.get(id) as Buffer | undefined;
    },
    async count() {
      return counter.get() as number;
    },
    async close() {
      db.close();
    },
  };
}
