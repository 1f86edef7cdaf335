/**
 * The cache behind the derived-data hooks (`derived.ts`), without React, so that its rules are tested directly
 * (`derived-cache.test.ts`). Each result is stored under a key naming everything it is derived from: the key is
 * the generation token — a view shows only the answer stored under its current key, so an answer that arrives late
 * for an older key never shows as the current one. A key's result is computed once while it is cached (the last
 * `size` keys). With a family (e.g. one snapshot's summary, whatever its version) the family's newest answer —
 * the answer to the latest request, not the latest to arrive — stays shown while a newer key is computed, so a
 * later stage that changes a snapshot does not blank the views showing it.
 */
import { setRecent } from './lru.ts';

export interface Derived<T> {
  /** The answer for the current key, or null while it is computed (or when there is no key). */
  value: T | null;
  error: string | null;
  busy: boolean;
}

/** One key's result, or that it is being computed. */
export interface DerivedEntry {
  value?: unknown;
  error?: string;
  done: boolean;
}

export class DerivedCache {
  private readonly entries = new Map<string, DerivedEntry>();
  private readonly listeners = new Set<() => void>();
  /** Each family's newest answer and the request it answers. */
  private readonly latest = new Map<string, { seq: number; value: unknown }>();
  private seq = 0;

  constructor(readonly size = 24) {}

  /** Calls `l` whenever an entry changes; returns the unsubscribe function (as `useSyncExternalStore` wants it). */
  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  /** Tells the listeners that something they read changed (also for caches kept beside this one). */
  notify(): void {
    for (const l of this.listeners) l();
  }

  /** The entry of `key` (the same object until it changes), or undefined when it was never asked or was dropped. */
  entry(key: string | null): DerivedEntry | undefined {
    return key === null ? undefined : this.entries.get(key);
  }

  private store(key: string, e: DerivedEntry): void {
    setRecent(this.entries, key, e, this.size);
    this.notify();
  }

  /** Resolves once `key` has its answer or error (at once when it has, or when it is not cached: dropped, never asked). */
  settled(key: string): Promise<void> {
    const ready = () => this.entries.get(key)?.done ?? true;
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => {
      const off = this.subscribe(() => {
        if (!ready()) return;
        off();
        resolve();
      });
    });
  }

  /** Starts computing `key` unless it is cached (done or running). */
  request(key: string, compute: () => Promise<unknown>, family?: string): void {
    if (this.entries.has(key)) return;
    const seq = ++this.seq;
    this.store(key, { done: false });
    compute().then(
      (value) => {
        if (family !== undefined && seq > (this.latest.get(family)?.seq ?? 0)) {
          setRecent(this.latest, family, { seq, value }, this.size);
        }
        this.store(key, { value, done: true });
      },
      (e: unknown) => this.store(key, { error: (e as Error)?.message ?? String(e), done: true }),
    );
  }

  /** What a view at `key` shows, given its entry: the answer, else (busy) the family's newest answer or nothing. */
  shown<T>(key: string | null, entry: DerivedEntry | undefined, family?: string): Derived<T> {
    if (!entry?.done) {
      const stale = family !== undefined ? this.latest.get(family)?.value : undefined;
      return { value: (stale as T) ?? null, error: null, busy: key !== null };
    }
    return { value: (entry.value as T) ?? null, error: entry.error ?? null, busy: false };
  }
}
