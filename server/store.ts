/**
 * Storage of shared analyses, one row per analysis keyed by its content hash
 * (so the same bytes are stored once). Two implementations of one contract:
 *
 * - SQLite (`store-sqlite.ts`, the embedded default): `analyses.sqlite` in the
 *   data directory, WAL journal; a killed process loses at most the upload
 *   that was being written, never one that was acknowledged.
 * - PostgreSQL (`store-postgres.ts`), chosen by `HEAPSCOPE_DATABASE_URL=postgres://…`:
 *   for teams running several server instances on one database. An upload is
 *   acknowledged only after its transaction has committed.
 *
 * A row is written only after the upload has been fully validated (`app.ts`).
 */

/** The analysis store of a share server. */
export interface AnalysisStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Stores `bytes` under `id`; true when new, false when it was already there. */
  put(id: string, bytes: Uint8Array): Promise<boolean>;
  /** The bytes stored under `id`, or undefined. */
  get(id: string): Promise<Uint8Array | undefined>;
  /** Number of stored analyses. */
  count(): Promise<number>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Folder of the SQLite database (created when missing). */
  dataDir: string;
  /** `postgres://` or `postgresql://` URL: PostgreSQL instead of SQLite. */
  databaseUrl?: string;
}

/** Opens the store the options name (PostgreSQL when `databaseUrl` is set, else SQLite in `dataDir`). */
export async function openStore(opts: StoreOptions): Promise<AnalysisStore> {
  if (opts.databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(opts.databaseUrl)) throw new Error('HEAPSCOPE_DATABASE_URL must start with postgres:// or postgresql://');
    const { openPostgresStore } = await import('./store-postgres.ts');
    return openPostgresStore(opts.databaseUrl);
  }
  const { openSqliteStore } = await import('./store-sqlite.ts');
  return openSqliteStore(opts.dataDir);
}
