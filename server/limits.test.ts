/**
 * The share server's admission (issue 13, "per-client concurrency and rate limits", "memory bounded under stalled
 * uploads"): one client has at most `perClient` uploads received or validated at once and `queued` in line, more get
 * 429; all clients together hold at most `bufferedBytes` of bodies; an upload given up while in line (the body
 * timeout) leaves it. The HTTP side is in share-server.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { LimitError, UploadLimiter } from './limits.ts';

const never = new AbortController().signal;
const opts = { perMinute: 600, burst: 300, perClient: 2, queued: 3, bufferedBytes: 100 };
/** Resolves to whether `p` settled within the current turn of the event loop (and a few more). */
const settled = async (p: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
};

describe('UploadLimiter', () => {
  it('one client: perClient at once, the next wait in line and are admitted as others finish; past the line, 429', async () => {
    const l = new UploadLimiter(opts);
    const a = l.acquire('c', 10, never);
    const b = l.acquire('c', 10, never);
    expect(await settled(a)).toBe(true);
    expect(await settled(b)).toBe(true);
    const c = l.acquire('c', 10, never);
    expect(await settled(c)).toBe(false);
    // In line now: c (queued counts admitted-and-waiting alike until admitted); two more fill the line of 3.
    const d = l.acquire('c', 10, never);
    const e = l.acquire('c', 10, never);
    const err = await l.acquire('c', 10, never).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(LimitError);
    expect((err as LimitError).status).toBe(429);
    expect((err as LimitError).message).toBe('too many uploads from this client at once (2 at a time, 3 waiting)');
    // Another client is not held up by this one.
    expect(await settled(l.acquire('other', 10, never))).toBe(true);
    (await a)();
    expect(await settled(c)).toBe(true);
    expect(await settled(d)).toBe(false);
    (await b)();
    expect(await settled(d)).toBe(true);
    expect(await settled(e)).toBe(false);
  });

  it('all clients together hold at most bufferedBytes; an upload larger than the whole budget waits until none is held', async () => {
    const l = new UploadLimiter(opts);
    const r1 = await l.acquire('a', 60, never);
    const x = l.acquire('b', 50, never);
    expect(await settled(x)).toBe(false);
    expect(l.reservedBytes).toBe(60);
    r1();
    expect(await settled(x)).toBe(true);
    expect(l.reservedBytes).toBe(50);
    const big = l.acquire('c', 500, never);
    expect(await settled(big)).toBe(false);
    (await x)();
    expect(await settled(big)).toBe(true);
    expect(l.reservedBytes).toBe(500);
  });

  it('an upload given up while in line (its body timeout) leaves the line and holds nothing', async () => {
    const l = new UploadLimiter(opts);
    const r1 = await l.acquire('a', 100, never);
    const ac = new AbortController();
    const w = l.acquire('b', 10, ac.signal);
    ac.abort(new LimitError(408, 'the upload was not received within 30 s'));
    const err = await w.catch((x: unknown) => x);
    expect((err as LimitError).status).toBe(408);
    r1();
    expect(l.reservedBytes).toBe(0);
    // b's line is free again: three may wait.
    const held = await l.acquire('a', 100, never);
    const waits = [1, 2, 3].map(() => l.acquire('b', 10, never));
    for (const p of waits) expect(await settled(p)).toBe(false);
    held();
    // Two at a time for one client: the third goes on waiting.
    expect([await settled(waits[0]), await settled(waits[1]), await settled(waits[2])]).toEqual([true, true, false]);
  });

  it('the rate: burst at once, then perMinute a minute; past it 429 with the wait in seconds', async () => {
    const l = new UploadLimiter({ ...opts, perMinute: 6, burst: 2, perClient: 10 });
    (await l.acquire('c', 1, never))();
    (await l.acquire('c', 1, never))();
    const err = (await l.acquire('c', 1, never).catch((x: unknown) => x)) as LimitError;
    expect(err.status).toBe(429);
    expect(err.retryAfterS).toBeGreaterThanOrEqual(9);
    expect(err.retryAfterS).toBeLessThanOrEqual(10);
    expect(err.message).toMatch(/^too many uploads from this client \(at most 6 a minute\); try again in (9|10) s$/);
  });
});
