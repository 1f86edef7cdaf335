/** Sorted sets of half-open address intervals `[base, limit)`: union, removal, overlap. */
import { lastAtOrBelowBy } from '../../../src/model/sorted.ts';

export interface Interval {
  base: number;
  limit: number;
}

export class IntervalSet {
  /** Sorted, non-overlapping, non-touching. */
  private items: Interval[] = [];

  get intervals(): readonly Interval[] {
    return this.items;
  }

  /** Index of the first interval whose limit is above `addr`. */
  private firstAbove(addr: number): number {
    const items = this.items;
    return lastAtOrBelowBy(items.length, (i) => items[i].limit, addr) + 1;
  }

  /** True when any part of `[base, limit)` is in the set. */
  overlaps(base: number, limit: number): boolean {
    if (limit <= base) return false;
    const i = this.firstAbove(base);
    return i < this.items.length && this.items[i].base < limit;
  }

  contains(addr: number): boolean {
    const i = this.firstAbove(addr);
    return i < this.items.length && this.items[i].base <= addr;
  }

  add(base: number, limit: number): void {
    if (limit <= base) return;
    let i = this.firstAbove(base);
    if (i > 0 && this.items[i - 1].limit === base) i--; // touching on the left: merge
    let j = i;
    let b = base;
    let l = limit;
    while (j < this.items.length && this.items[j].base <= l) {
      b = Math.min(b, this.items[j].base);
      l = Math.max(l, this.items[j].limit);
      j++;
    }
    this.items.splice(i, j - i, { base: b, limit: l });
  }

  remove(base: number, limit: number): void {
    if (limit <= base) return;
    const i = this.firstAbove(base);
    let j = i;
    const keep: Interval[] = [];
    while (j < this.items.length && this.items[j].base < limit) {
      const it = this.items[j];
      if (it.base < base) keep.push({ base: it.base, limit: base });
      if (it.limit > limit) keep.push({ base: limit, limit: it.limit });
      j++;
    }
    this.items.splice(i, j - i, ...keep);
  }
}
