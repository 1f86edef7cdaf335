/**
 * Per-state totals of one or more allocation tables, and the largest allocations.
 */
import { AllocState, isInUse, STATE_KEYS, type AllocationTable, type StateKey } from '../../../src/model/allocations.ts';

export interface Totals {
  count: number;
  bytes: number;
}

export interface StateTotals {
  /** Indexed by `AllocState`. */
  byState: Totals[];
  /** Every state in which the program holds the memory (used, leaked, unreferenced, anchored). */
  inUse: Totals;
  /** Free and thread-cached free. */
  free: Totals;
  rows: number;
}

export function stateTotals(tables: AllocationTable[]): StateTotals {
  const count = new Float64Array(STATE_KEYS.length);
  const bytes = new Float64Array(STATE_KEYS.length);
  let rows = 0;
  for (const t of tables) {
    const { state, size } = t;
    for (let i = 0; i < t.rows; i++) {
      const s = state[i];
      count[s]++;
      bytes[s] += size[i];
    }
    rows += t.rows;
  }
  return stateTotalsOf(count, bytes, rows);
}

/** The totals of per-state counts and bytes (indexed by `AllocState`) over `rows` rows, in use and free summed. */
export function stateTotalsOf(count: ArrayLike<number>, bytes: ArrayLike<number>, rows: number): StateTotals {
  const byState = STATE_KEYS.map((_, s) => ({ count: count[s], bytes: bytes[s] }));
  const inUse = { count: 0, bytes: 0 };
  const free = { count: 0, bytes: 0 };
  byState.forEach((v, s) => {
    const into = isInUse(s) ? inUse : free;
    into.count += v.count;
    into.bytes += v.bytes;
  });
  return { byState, inUse, free, rows };
}

/** Totals as the CLI prints them: only the states that occur, keyed by `STATE_KEYS`. */
export function totalsJson(t: StateTotals): Partial<Record<StateKey, Totals>> {
  const out: Partial<Record<StateKey, Totals>> = {};
  t.byState.forEach((v, s) => {
    if (v.count > 0 || s === AllocState.Used) out[STATE_KEYS[s]] = { count: v.count, bytes: v.bytes };
  });
  return out;
}

/** A row of some table: which input, which row. */
export interface RowRef {
  input: number;
  row: number;
}

/**
 * The `k` largest rows offered, biggest first, ties in the order offered: `offer` each row once; a row no bigger
 * than the `k`th so far costs one comparison.
 */
export class LargestRows {
  private readonly best: { size: number; ref: RowRef }[] = [];
  /** Size of the `k`th largest so far; −1 while fewer than `k` are kept. */
  private floor = -1;

  constructor(private readonly k: number) {}

  /** A row no bigger than this is not kept when offered (−1 while fewer than `k` are kept: every row is). */
  get threshold(): number {
    return this.floor;
  }

  offer(size: number, input: number, row: number): void {
    const best = this.best;
    if (best.length >= this.k && size <= this.floor) return;
    let at = best.length;
    while (at > 0 && best[at - 1].size < size) at--;
    best.splice(at, 0, { size, ref: { input, row } });
    if (best.length > this.k) best.pop();
    this.floor = best.length >= this.k ? best[best.length - 1].size : -1;
  }

  refs(): RowRef[] {
    return this.best.map((b) => b.ref);
  }
}

/** The `k` largest allocations, biggest first (ties by input order). */
export function largest(tables: AllocationTable[], k: number): RowRef[] {
  const top = new LargestRows(k);
  tables.forEach((t, input) => {
    const { size } = t;
    for (let row = 0; row < t.rows; row++) top.offer(size[row], input, row);
  });
  return top.refs();
}
