/**
 * The share server: the built app (static, cross-origin isolated, strict CSP)
 * plus the analyses API.
 *
 * - `POST /api/analyses` — body: saved-analysis bytes. Over the size limit → 413;
 *   over the client's rate or too many at once → 429 (Retry-After); body not
 *   received within the body timeout → 408; not a valid saved analysis
 *   (`loadAnalysis` refuses it, in a worker thread, with a decode budget tied
 *   to the upload's size) → 400; else stored under its content hash: 201
 *   `{"id"}` when new, 200 `{"id"}` when it existed. Nothing is stored before
 *   it is fully validated, and the answer comes only once it is stored.
 * - `GET /api/analyses/:id` — 200 with the bytes (application/octet-stream,
 *   immutable), 404 when unknown, 400 for anything that is not an id
 *   (`/`, `..`, `%`, other characters, other lengths).
 * Every response carries COOP/COEP/CORP and the CSP.
 *
 * Memory: upload bodies held at once are bounded by `maxBufferedBytes` (see
 * `limits.ts`); validation decodes at most `decodeRatio` × the upload's size
 * (at least `decodeFloor`, at most `maxDecoded`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { analysisId, isAnalysisId } from '../workers/logic/saved/id.ts';
import { LimitError, UploadLimiter } from './limits.ts';
import { SECURITY_HEADERS, serveStatic } from './static.ts';
import { openStore, type AnalysisStore } from './store.ts';
import { ValidatorPool } from './validator.ts';

/** Default upload limit: 64 MiB. */
export const DEFAULT_MAX_UPLOAD = 64 << 20;
/** Default absolute limit of decoded tables when validating an upload: 1 GiB. */
export const DEFAULT_MAX_DECODED = 1 << 30;
/** Decoded bytes allowed per uploaded byte (real analyses decode to 5–50× their size). */
export const DEFAULT_DECODE_RATIO = 128;
/** Decoded bytes always allowed. */
export const DEFAULT_DECODE_FLOOR = 64 << 20;
/** Default time to receive a whole upload body: 30 s. */
export const DEFAULT_BODY_TIMEOUT_MS = 30_000;
/** Default upload bytes held in memory at once over all clients: 256 MiB. */
export const DEFAULT_MAX_BUFFERED = 256 << 20;
/** How long a cut upload's share of the byte budget stays taken after the cut (see upload()). */
const CUT_HOLD_MS = 1000;

export interface ShareServerOptions {
  /** Folder of the SQLite database (created when missing). */
  dataDir: string;
  /** Folder of the built app (`dist/`). */
  distDir: string;
  /** `postgres://…`: store in PostgreSQL instead of SQLite. */
  databaseUrl?: string;
  /** Largest accepted upload in bytes. */
  maxUpload?: number;
  /** Absolute limit of an upload's decoded tables. */
  maxDecoded?: number;
  decodeRatio?: number;
  decodeFloor?: number;
  bodyTimeoutMs?: number;
  maxBufferedBytes?: number;
  /** Uploads of one client received or validated at once (4), waiting (256), per minute (600) and at once from a full bucket (300). */
  perClient?: number;
  perClientQueued?: number;
  perMinute?: number;
  burst?: number;
  /** Validation worker threads (default: 2, or 1 on a one-core machine) and their time limit. */
  validators?: number;
  validateTimeoutMs?: number;
  /** Take the client from the first X-Forwarded-For address (behind a reverse proxy you trust). */
  trustProxy?: boolean;
}

/** A running share server. */
export interface ShareServer {
  server: Server;
  store: AnalysisStore;
  validators: ValidatorPool;
  limiter: UploadLimiter;
  /** Listens on `host:port` (port 0 = any free port); resolves to the bound port. */
  listen(port: number, host: string): Promise<number>;
  /** Stops accepting, ends open connections, closes the workers and the database. */
  close(): Promise<void>;
}

const API = '/api/analyses';

function json(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

/**
 * Answers, then closes the connection. With `drain`, the rest of the body is
 * read and dropped for a second so an active client sees the answer (413);
 * without, nothing more is read (a stalled or waiting upload: its bytes stay
 * in the kernel's socket buffer, never in this process).
 */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, error: string, extra: Record<string, string> = {}, drain = true): void {
  json(res, status, { error }, { Connection: 'close', ...extra });
  req.removeAllListeners('data');
  if (drain) req.resume();
  else req.socket.pause();
  res.on('finish', () => {
    if (!drain) req.socket.end();
    setTimeout(() => req.socket.destroy(), 1000).unref();
  });
}

/** Reads the request body up to `limit` bytes; null (after answering) when over the limit or aborted. */
function readBody(req: IncomingMessage, res: ServerResponse, limit: number, signal: AbortSignal): Promise<Uint8Array | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const done = (v: Uint8Array | null): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      resolve(v);
    };
    const onAbort = (): void => done(null);
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('data', (c: Buffer) => {
      if (settled) return;
      total += c.length;
      if (total > limit) {
        chunks.length = 0;
        refuse(req, res, 413, `upload larger than ${limit} bytes`);
        done(null);
      } else chunks.push(c);
    });
    req.on('end', () => {
      if (settled) return;
      const out = new Uint8Array(total);
      let at = 0;
      for (const c of chunks) {
        out.set(c, at);
        at += c.length;
      }
      done(out);
    });
    req.on('error', () => done(null));
    req.on('aborted', () => done(null));
  });
}

/** Creates (not yet listening) a share server over `opts.dataDir` or `opts.databaseUrl`. */
export async function createShareServer(opts: ShareServerOptions): Promise<ShareServer> {
  const maxUpload = opts.maxUpload ?? DEFAULT_MAX_UPLOAD;
  const maxDecoded = opts.maxDecoded ?? DEFAULT_MAX_DECODED;
  const decodeRatio = opts.decodeRatio ?? DEFAULT_DECODE_RATIO;
  const decodeFloor = opts.decodeFloor ?? DEFAULT_DECODE_FLOOR;
  const bodyTimeoutMs = opts.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  const maxBufferedBytes = Math.max(opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED, maxUpload);
  const store = await openStore({ dataDir: opts.dataDir, databaseUrl: opts.databaseUrl });
  const validators = new ValidatorPool(opts.validators ?? Math.min(2, Math.max(1, availableParallelism() - 1)), opts.validateTimeoutMs ?? 30_000);
  const limiter = new UploadLimiter({
    perMinute: opts.perMinute ?? 600,
    burst: opts.burst ?? 300,
    perClient: opts.perClient ?? 4,
    queued: opts.perClientQueued ?? 256,
    bufferedBytes: maxBufferedBytes,
  });

  const clientOf = (req: IncomingMessage): string => {
    if (opts.trustProxy) {
      const fwd = req.headers['x-forwarded-for'];
      const first = (Array.isArray(fwd) ? fwd[0] : fwd)?.split(',')[0]?.trim();
      if (first) return first;
    }
    return req.socket.remoteAddress ?? 'unknown';
  };

  async function upload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const declared = Number(req.headers['content-length']);
    const hasLength = req.headers['content-length'] !== undefined && Number.isSafeInteger(declared) && declared >= 0;
    if (hasLength && declared > maxUpload) return refuse(req, res, 413, `upload larger than ${maxUpload} bytes`);
    // One deadline for the whole upload: waiting in line and receiving the body.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new LimitError(408, `the upload was not received within ${bodyTimeoutMs / 1000} s`)), bodyTimeoutMs);
    let release: (() => void) | null = null;
    try {
      try {
        release = await limiter.acquire(clientOf(req), hasLength ? declared : maxUpload, deadline.signal);
      } catch (e) {
        if (e instanceof LimitError) return refuse(req, res, e.status, e.message, e.retryAfterS ? { 'Retry-After': String(e.retryAfterS) } : {}, e.status !== 408);
        throw e;
      }
      const body = await readBody(req, res, maxUpload, deadline.signal);
      if (!body) {
        if (deadline.signal.aborted) refuse(req, res, 408, (deadline.signal.reason as Error).message, {}, false);
        // A cut upload keeps its share of the byte budget for CUT_HOLD_MS and until its connection is gone: what
        // it read is garbage not yet collected, and admitting the next waiter at once let a crowd of stalled
        // uploads, cut together, be read one after another into memory faster than it was freed (holding it only
        // until the close was not enough under load: the close comes within milliseconds).
        const r = release;
        release = null;
        let closed = req.socket.destroyed;
        let held = false;
        const giveBack = (): void => {
          if (closed && held) r();
        };
        if (!closed) req.socket.once('close', () => ((closed = true), giveBack()));
        setTimeout(() => ((held = true), giveBack()), CUT_HOLD_MS).unref();
        return;
      }
      clearTimeout(timer);
      const budget = Math.min(maxDecoded, Math.max(decodeFloor, decodeRatio * body.length));
      const verdict = await validators.validate(body, budget);
      if (!verdict.ok) return json(res, 400, { error: verdict.error });
      const id = await analysisId(verdict.bytes);
      const created = await store.put(id, verdict.bytes);
      json(res, created ? 201 : 200, { id }, created ? { Location: `${API}/${id}` } : {});
    } finally {
      clearTimeout(timer);
      release?.();
    }
  }

  async function download(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isAnalysisId(id)) return json(res, 400, { error: 'not an analysis id (64 lowercase hex digits)' });
    const bytes = await store.get(id);
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

  const server = createServer({ requestTimeout: bodyTimeoutMs + 5000, headersTimeout: Math.min(bodyTimeoutMs, 30_000), connectionsCheckingInterval: 1000 }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      console.error('heapscope server:', e);
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });

  return {
    server,
    store,
    validators,
    limiter,
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
          void Promise.all([validators.close(), store.close()]).then(() => resolve());
        });
        server.closeAllConnections();
      });
    },
  };
}
