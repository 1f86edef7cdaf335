/**
 * The PostgreSQL store (node-postgres, `pg`): one `analyses` table shared by
 * every server instance pointed at the same database. The table is created
 * under a transaction-scoped advisory lock, so instances starting together do
 * not race. An insert is `ON CONFLICT DO NOTHING` (ids are content hashes: two
 * instances storing the same analysis store it once), and an upload is
 * acknowledged only once its INSERT has committed (PostgreSQL's default
 * `synchronous_commit = on` makes that durable through a crash).
 */
import pg from 'pg';
import type { AnalysisStore } from './store.ts';

/** Advisory lock key taken while creating the schema (any constant shared by all instances). */
const SCHEMA_LOCK = 0x48534131;

export async function openPostgresStore(url: string): Promise<AnalysisStore> {
  const pool = new pg.Pool({ connectionString: url, max: 8, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000 });
  // A broken idle connection must not crash the server; the next query gets a fresh one.
  pool.on('error', (e) => console.error('heapscope server: PostgreSQL connection error:', e.message));
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS analyses (
      id TEXT PRIMARY KEY NOT NULL,
      bytes BYTEA NOT NULL,
      size INTEGER NOT NULL,
      created TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
  return {
    kind: 'postgres',
    async put(id, bytes) {
      const r = await pool.query('INSERT INTO analyses (id, bytes, size) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [
        id,
        Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        bytes.length,
      ]);
      return r.rowCount === 1;
    },
    async get(id) {
      const r = await pool.query<{ bytes: Buffer }>('SELECT bytes FROM analyses WHERE id = $1', [id]);
      return r.rows[0]?.bytes;
    },
    async count() {
      const r = await pool.query<{ n: string }>('SELECT count(*) AS n FROM analyses');
      return Number(r.rows[0].n);
    },
    async close() {
      await pool.end();
    },
  };
}
