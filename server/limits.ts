/**
 * Admission of uploads, so that no client and no crowd of slow clients can
 * hold the server's memory or workers:
 *
 * - a rate per client (token bucket: `burst` uploads at once, refilled at
 *   `perMinute` a minute); past it → 429 with Retry-After;
 * - at most `perClient` uploads of one client being received or validated at
 *   once; more wait in line (their bodies are not read meanwhile), up to
 *   `queued` per client, past that → 429;
 * - at most `bufferedBytes` of upload bodies held in memory over all clients:
 *   an upload is admitted only once its declared size (or the upload limit,
 *   when it declares none) fits, so N stalled uploads hold at most that much.
 *
 * The caller's body timeout covers the wait in line too.
 */

export interface LimitOptions {
  perMinute: number;
  burst: number;
  perClient: number;
  queued: number;
  bufferedBytes: number;
}

export class LimitError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterS?: number,
  ) {
    super(message);
  }
}

interface Waiter {
  client: string;
  bytes: number;
  admit(): void;
}

interface ClientState {
  tokens: number;
  at: number;
  active: number;
  queued: number;
}

/** Most clients remembered by the rate limiter (the least recently seen are forgotten first). */
const MAX_CLIENTS = 100_000;

export class UploadLimiter {
  private readonly clients = new Map<string, ClientState>();
  private readonly waiting: Waiter[] = [];
  private buffered = 0;

  constructor(private readonly o: LimitOptions) {}

  /** Bytes reserved by admitted uploads now. */
  get reservedBytes(): number {
    return this.buffered;
  }

  private state(client: string): ClientState {
    let s = this.clients.get(client);
    if (s) {
      // Map order = least recently seen first.
      this.clients.delete(client);
    } else {
      s = { tokens: this.o.burst, at: Date.now(), active: 0, queued: 0 };
      if (this.clients.size >= MAX_CLIENTS) {
        for (const [k, v] of this.clients) {
          if (v.active === 0 && v.queued === 0) {
            this.clients.delete(k);
            break;
          }
        }
      }
    }
    this.clients.set(client, s);
    return s;
  }

  /**
   * Waits until an upload of `bytes` from `client` may be received; resolves to
   * the release function (call it once the upload is answered). Throws
   * `LimitError` when the client is over its rate or its line is full; rejects
   * with `signal`'s reason when aborted while waiting.
   */
  async acquire(client: string, bytes: number, signal: AbortSignal): Promise<() => void> {
    const s = this.state(client);
    const now = Date.now();
    s.tokens = Math.min(this.o.burst, s.tokens + ((now - s.at) / 60_000) * this.o.perMinute);
    s.at = now;
    if (s.tokens < 1) {
      const wait = Math.ceil(((1 - s.tokens) / this.o.perMinute) * 60);
      throw new LimitError(429, `too many uploads from this client (at most ${this.o.perMinute} a minute); try again in ${wait} s`, wait);
    }
    if (s.queued >= this.o.queued) throw new LimitError(429, `too many uploads from this client at once (${this.o.perClient} at a time, ${this.o.queued} waiting)`, 5);
    s.tokens -= 1;
    s.queued++;
    await new Promise<void>((resolve, reject) => {
      const w: Waiter = { client, bytes, admit: resolve };
      const onAbort = (): void => {
        const i = this.waiting.indexOf(w);
        if (i >= 0) this.waiting.splice(i, 1);
        s.queued--;
        reject(signal.reason);
      };
      w.admit = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(w);
      this.pump();
    });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      s.active--;
      this.buffered -= bytes;
      this.pump();
    };
  }

  /** Admits waiting uploads, in order, while their client and the byte budget allow. */
  private pump(): void {
    for (let i = 0; i < this.waiting.length; ) {
      const w = this.waiting[i];
      const s = this.clients.get(w.client)!;
      if (s.active < this.o.perClient && (this.buffered + w.bytes <= this.o.bufferedBytes || this.buffered === 0)) {
        this.waiting.splice(i, 1);
        s.queued--;
        s.active++;
        this.buffered += w.bytes;
        w.admit();
      } else i++;
    }
  }
}
