import { describe, expect, it } from 'vitest';
import { DerivedCache } from './derived-cache.ts';

/** A computation whose answer the test gives when it wants. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

/** What a view at `key` shows now. */
const at = <T,>(c: DerivedCache, key: string | null, family?: string) => c.shown<T>(key, c.entry(key), family);

describe('the derived-data cache', () => {
  it('a key is computed once; busy until its answer, then its answer; a failure is said', async () => {
    const c = new DerivedCache(4);
    let runs = 0;
    const d = deferred<number>();
    const compute = () => (runs++, d.promise);
    c.request('k', compute);
    c.request('k', compute);
    expect(at(c, 'k')).toEqual({ value: null, error: null, busy: true });
    d.resolve(42);
    await settle();
    expect(at(c, 'k')).toEqual({ value: 42, error: null, busy: false });
    expect(runs).toBe(1);
    expect(at(c, null)).toEqual({ value: null, error: null, busy: false });
    c.request('bad', () => Promise.reject(new Error('worker died')));
    await settle();
    expect(at(c, 'bad')).toEqual({ value: null, error: 'worker died', busy: false });
  });

  it('settled: resolves once the key has its answer or its error, at once when it has one or is not cached', async () => {
    const c = new DerivedCache(4);
    const d = deferred<number>();
    const bad = deferred<number>();
    c.request('k', () => d.promise);
    c.request('bad', () => bad.promise);
    const order: string[] = [];
    void c.settled('k').then(() => order.push('k'));
    void c.settled('bad').then(() => order.push('bad'));
    void c.settled('never asked').then(() => order.push('never asked'));
    await settle();
    expect(order).toEqual(['never asked']);
    bad.reject(new Error('worker died'));
    await settle();
    expect(order).toEqual(['never asked', 'bad']);
    d.resolve(1);
    await settle();
    expect(order).toEqual(['never asked', 'bad', 'k']);
    await c.settled('k');
  });

  it('a late answer for an older key never shows at the current key', async () => {
    const c = new DerivedCache(4);
    const old = deferred<string>();
    const cur = deferred<string>();
    c.request('v1', () => old.promise);
    c.request('v2', () => cur.promise);
    old.resolve('old');
    await settle();
    expect(at(c, 'v2')).toEqual({ value: null, error: null, busy: true });
    cur.resolve('new');
    await settle();
    expect(at<string>(c, 'v2').value).toBe('new');
  });

  it("while a family's newer key is computed its newest answer stays shown, never an older one that arrived late", async () => {
    const c = new DerivedCache(4);
    const v1 = deferred<string>();
    const v2 = deferred<string>();
    c.request('s@1', () => v1.promise, 's');
    c.request('s@2', () => v2.promise, 's');
    v2.resolve('second');
    await settle();
    v1.resolve('first');
    await settle();
    c.request('s@3', () => new Promise(() => undefined), 's');
    expect(at(c, 's@3', 's')).toEqual({ value: 'second', error: null, busy: true });
    // Another family's answers are not shown.
    expect(at(c, 's@3', 't')).toEqual({ value: null, error: null, busy: true });
  });

  it('keeps the last `size` keys: an older one is computed again when asked again', async () => {
    const c = new DerivedCache(2);
    let runs = 0;
    const compute = () => (runs++, Promise.resolve(runs));
    for (const k of ['a', 'b', 'c']) c.request(k, compute);
    await settle();
    expect([c.entry('a'), at(c, 'b').value, at(c, 'c').value]).toEqual([undefined, 2, 3]);
    c.request('a', compute);
    await settle();
    expect([at(c, 'a').value, runs]).toEqual([4, 4]);
  });

  it('tells its listeners of every change, until unsubscribed', async () => {
    const c = new DerivedCache(4);
    let calls = 0;
    const off = c.subscribe(() => calls++);
    c.request('k', () => Promise.resolve(1));
    await settle();
    expect(calls).toBe(2); // started, answered
    off();
    c.notify();
    expect(calls).toBe(2);
  });
});
