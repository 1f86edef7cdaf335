/**
 * `npm start` (through `serve.mjs`): the share server on `HOST:PORT` serving
 * `dist/` and the analyses API. Environment: `PORT` (default 8080), `HOST`
 * (default 127.0.0.1), `HEAPSCOPE_DATA_DIR` (default ./data), `HEAPSCOPE_MAX_UPLOAD`
 * (bytes, default 64 MiB).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createShareServer, DEFAULT_MAX_UPLOAD } from './app.ts';

const distDir = resolve(fileURLToPath(new URL('..', import.meta.url)), 'dist');
const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const dataDir = resolve(process.env.HEAPSCOPE_DATA_DIR ?? 'data');
const maxUpload = Number(process.env.HEAPSCOPE_MAX_UPLOAD ?? DEFAULT_MAX_UPLOAD);

if (!existsSync(join(distDir, 'index.html'))) {
  console.error(`heapscope server: ${distDir}/index.html is missing; run "npm run build" first`);
  process.exit(1);
}
if (!Number.isSafeInteger(maxUpload) || maxUpload <= 0) {
  console.error(`heapscope server: HEAPSCOPE_MAX_UPLOAD must be a positive number of bytes, not "${process.env.HEAPSCOPE_MAX_UPLOAD}"`);
  process.exit(1);
}

const app = createShareServer({ dataDir, distDir, maxUpload });
await app.listen(port, host);
console.log(`Heapscope is serving on http://${host === '0.0.0.0' ? 'localhost' : host}:${port}/  (open it and press "Open demo"); analyses in ${dataDir}`);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    void app.close().then(() => process.exit(0));
  });
}
