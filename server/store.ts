/**
 * Storage of shared analyses: one SQLite database (`analyses.sqlite`, through
 * better-sqlite3) in the data directory. One row per analysis, keyed by its
 * content hash, so the same bytes are stored once. WAL journal: readers never
 * wait for a writer, and a crash loses at most the upload being written.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** The analysis store of a share server. */
export interface AnalysisStore {
  /** Stores `bytes` under `id`; true when new, false when it was already there. */
  put(id: string, bytes: Uint8Array): boolean;
  /** The bytes stored under `id`, or undefined. */
  get(id: string): Buffer | undefined;
  /** Number of stored analyses. */
  count(): number;
  close(): void;
}

/** Opens (creating when needed) the store in `dataDir`. */
export function openStore(dataDir: string): AnalysisStore {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'analyses.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
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
    put(id, bytes) {
      return insert.run(id, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), bytes.length, new Date().toISOString()).changes === 1;
    },
    get(id) {
      return select.get(id) as Buffer | undefined;
    },
    count() {
      return counter.get() as number;
    },
    close() {
      db.close();
    },
  };
}
