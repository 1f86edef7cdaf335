/**
 * The share server: the built app (static, cross-origin isolated, strict CSP)
 * plus the analyses API.
 *
 * - `POST /api/analyses` — body: saved-analysis bytes. Over the size limit → 413;
 *   not a valid saved analysis (`loadAnalysis` refuses it) → 400; else stored
 *   under its content hash: 201 `{"id"}` when new, 200 `{"id"}` when it existed.
 * - `GET /api/analyses/:id` — 200 with the bytes (application/octet-stream,
 *   immutable), 404 when unknown, 400 for anything that is not an id
 *   (`/`, `..`, `%`, other characters, other lengths).
 * Every response carries COOP/COEP/CORP and the CSP.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InputError } from '../workers/logic/io/errors.ts';
import { loadAnalysis } from '../workers/logic/saved/deserialize.ts';
import { analysisId, isAnalysisId } from '../workers/logic/saved/id.ts';
import { openStore, type AnalysisStore } from './store.ts';
import { SECURITY_HEADERS, serveStatic } from './static.ts';

/** Default upload limit: 64 MiB. */
export const DEFAULT_MAX_UPLOAD = 64 << 20;
/** Default limit of decoded tables when validating an upload: 1 GiB. */
export const DEFAULT_MAX_DECODED = 1 << 30;

export interface ShareServerOptions {
  /** Folder of the SQLite database (created when missing). */
  dataDir: string;
  /** Folder of the built app (`dist/`). */
  distDir: string;
  /** Largest accepted upload in bytes. */
  maxUpload?: number;
  /** Largest decoded size of an upload's tables. */
  maxDecoded?: number;
}

/** A running share server. */
export interface ShareServer {
  server: Server;
  store: AnalysisStore;
  /** Listens on `host:port` (port 0 = any free port); resolves to the bound port. */
  listen(port: number, host: string): Promise<number>;
  /** Stops accepting, ends open connections, closes the database. */
  close(): Promise<void>;
}

const API = '/api/analyses';

function json(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

/** Reads the request body up to `limit` bytes; null (after answering 413) when over. */
function readBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const tooLarge = (): void => {
      json(res, 413, { error: `upload larger than ${limit} bytes` }, { Connection: 'close' });
      // Drain (discarding) so the client can read the answer, then close the connection.
      req.removeAllListeners('data');
      req.resume();
      res.on('finish', () => setTimeout(() => req.socket.destroy(), 2000).unref());
      resolve(null);
    };
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      tooLarge();
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    req.on('data', (c: Buffer) => {
      total += c.length;
      if (total > limit) tooLarge();
      else chunks.push(c);
    });
    req.on('end', () => {
      if (total <= limit) {
        const out = new Uint8Array(total);
        let at = 0;
        for (const c of chunks) {
          out.set(c, at);
          at += c.length;
        }
        resolve(out);
      }
    });
    req.on('error', reject);
  });
}

/** Creates (not yet listening) a share server over `opts.dataDir`. */
export function createShareServer(opts: ShareServerOptions): ShareServer {
  const maxUpload = opts.maxUpload ?? DEFAULT_MAX_UPLOAD;
  const maxDecoded = opts.maxDecoded ?? DEFAULT_MAX_DECODED;
  const store = openStore(opts.dataDir);

  async function upload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, res, maxUpload);
    if (!body) return;
    try {
      await loadAnalysis(body, { name: 'upload', maxDecodedBytes: maxDecoded });
    } catch (e) {
      if (e instanceof InputError) return json(res, 400, { error: e.message });
      throw e;
    }
    const id = await analysisId(body);
    const created = store.put(id, body);
    json(res, created ? 201 : 200, { id }, created ? { Location: `${API}/${id}` } : {});
  }

  function download(id: string, req: IncomingMessage, res: ServerResponse): void {
    if (!isAnalysisId(id)) return json(res, 400, { error: 'not an analysis id (64 lowercase hex digits)' });
    const bytes = store.get(id);
    if (!bytes) return json(res, 404, { error: `no analysis ${id}` });
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'application/octet-stream',
      'Content-Length': bytes.length,
      'Cache-Control': 'public, max-age=31536000, immutable',
    });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The raw path: never normalised, so `..` and `%2F` are seen as sent.
    const raw = (req.url ?? '/').split('?')[0];
    const method = req.method ?? 'GET';
    if (raw === API || raw === `${API}/`) {
      if (method === 'POST') return upload(req, res);
      return json(res, 405, { error: 'use POST' }, { Allow: 'POST' });
    }
    if (raw.startsWith(`${API}/`)) {
      if (method !== 'GET' && method !== 'HEAD') return json(res, 405, { error: 'use GET' }, { Allow: 'GET, HEAD' });
      return download(raw.slice(API.length + 1), req, res);
    }
    if (raw === '/api' || raw.startsWith('/api/')) return json(res, 404, { error: 'no such API' });
    if (method !== 'GET' && method !== 'HEAD') return json(res, 405, { error: 'method not allowed' }, { Allow: 'GET, HEAD' });
    serveStatic(opts.distDir, req, res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      console.error('heapscope server:', e);
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });

  return {
    server,
    store,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => {
          store.close();
          resolve();
        });
        server.closeAllConnections();
      });
    },
  };
}
