/**
 * `npm start` (through `serve.mjs`): the share server on `HOST:PORT` serving
 * `dist/` and the analyses API. Environment: `PORT` (default 8080), `HOST`
 * (default 127.0.0.1), `HEAPSCOPE_DATA_DIR` (default ./data), `HEAPSCOPE_MAX_UPLOAD`
 * (bytes, default 64 MiB), `HEAPSCOPE_DATABASE_URL` (`postgres://…`: PostgreSQL
 * instead of SQLite), `HEAPSCOPE_BODY_TIMEOUT` (seconds, 30), `HEAPSCOPE_MAX_BUFFERED`
 * (upload bytes held at once, 256 MiB), `HEAPSCOPE_TRUST_PROXY=1` (clients by
 * X-Forwarded-For, behind a reverse proxy).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createShareServer, DEFAULT_BODY_TIMEOUT_MS, DEFAULT_MAX_BUFFERED, DEFAULT_MAX_UPLOAD } from './app.ts';

const distDir = resolve(fileURLToPath(new URL('..', import.meta.url)), 'dist');
const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const dataDir = resolve(process.env.HEAPSCOPE_DATA_DIR ?? 'data');
const maxUpload = Number(process.env.HEAPSCOPE_MAX_UPLOAD ?? DEFAULT_MAX_UPLOAD);
const bodyTimeoutS = Number(process.env.HEAPSCOPE_BODY_TIMEOUT ?? DEFAULT_BODY_TIMEOUT_MS / 1000);
const maxBufferedBytes = Number(process.env.HEAPSCOPE_MAX_BUFFERED ?? DEFAULT_MAX_BUFFERED);
const databaseUrl = process.env.HEAPSCOPE_DATABASE_URL || undefined;

if (!existsSync(join(distDir, 'index.html'))) {
  console.error(`heapscope server: ${distDir}/index.html is missing; run "npm run build" first`);
  process.exit(1);
}
if (!Number.isSafeInteger(maxUpload) || maxUpload <= 0) {
  console.error(`heapscope server: HEAPSCOPE_MAX_UPLOAD must be a positive number of bytes, not "${process.env.HEAPSCOPE_MAX_UPLOAD}"`);
  process.exit(1);
}

for (const [name, v] of [['HEAPSCOPE_BODY_TIMEOUT', bodyTimeoutS], ['HEAPSCOPE_MAX_BUFFERED', maxBufferedBytes]] as const) {
  if (!Number.isFinite(v) || v <= 0) {
    console.error(`heapscope server: ${name} must be a positive number, not "${process.env[name]}"`);
    process.exit(1);
  }
}

const app = await createShareServer({
  dataDir,
  distDir,
  databaseUrl,
  maxUpload,
  bodyTimeoutMs: bodyTimeoutS * 1000,
  maxBufferedBytes,
  trustProxy: process.env.HEAPSCOPE_TRUST_PROXY === '1',
});
await app.listen(port, host);
const where = app.store.kind === 'postgres' ? `PostgreSQL (${new URL(databaseUrl!).host || 'local socket'})` : dataDir;
console.log(`Heapscope is serving on http://${host === '0.0.0.0' ? 'localhost' : host}:${port}/  (open it and press "Open demo"); analyses in ${where}`);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    void app.close().then(() => process.exit(0));
  });
}
