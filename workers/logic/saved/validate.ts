/**
 * Consistency checks of loaded tables (saved-analysis format, `src/model/saved.ts`):
 * offsets monotonic and ending at their data, ids inside the tables they point
 * into, stack tables well formed, and every number a viewer computes with
 * sane: sizes, lengths, addresses and offsets are whole numbers in [0, 2^53)
 * and a table's sizes add up to at most 2^53 − 1, so its totals stay exact
 * (an Infinity or NaN size once sent a histogram loop on until V8 aborted the
 * worker: one stored analysis crashed every viewer; issue 13). Each check is
 * one pass over a column; a problem is raised through `fail` naming the table
 * and row.
 */
import { STATE_KEYS, type AllocationTable } from '../../../src/model/allocations.ts';
import type { ObjectTable } from '../../../src/model/objects.ts';
import type { SavedAttribution } from '../../../src/model/saved.ts';
import type { StringTableData } from '../../../src/model/strings.ts';
import type { TracemallocSnapshot } from '../../../src/model/traces.ts';
import type { Fail } from './header.ts';

/** Offsets of `count + 1` entries: start at 0, never decrease, end at `end`. */
export function checkOffsets(offsets: Uint32Array, end: number, what: string, fail: Fail): void {
  if (offsets.length === 0) fail(`${what}: no offsets`);
  if (offsets[0] !== 0) fail(`${what}: offsets start at ${offsets[0]}, not 0`);
  for (let i = 1; i < offsets.length; i++) if (offsets[i] < offsets[i - 1]) fail(`${what}: offsets decrease at row ${i - 1}`);
  if (offsets[offsets.length - 1] !== end) fail(`${what}: offsets end at ${offsets[offsets.length - 1]}, data has ${end}`);
}

/**
 * A column of byte counts (or addresses, lengths): every value a whole number in
 * [0, 2^53), except the column's "none" marker (`NaN` or `-1`) when it has one;
 * with `total`, the values also add up to at most 2^53 − 1.
 */
export function checkWholeNumbers(
  v: ArrayLike<number>,
  what: string,
  fail: Fail,
  opts: { total?: boolean; none?: 'nan' | 'minus-one'; below2pow64?: boolean } = {},
): void {
  let sum = 0;
  const max = opts.below2pow64 ? 2 ** 64 - 2048 : Number.MAX_SAFE_INTEGER;
  const nan = opts.none === 'nan';
  const minusOne = opts.none === 'minus-one';
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x >= 0 && x <= max && Math.floor(x) === x) {
      sum += x;
      continue;
    }
    if ((nan && x !== x) || (minusOne && x === -1)) continue;
    fail(`${what}: row ${i} holds ${x}, not a whole number in [0, 2^${opts.below2pow64 ? 64 : 53})`);
  }
  if (opts.total && sum > Number.MAX_SAFE_INTEGER) fail(`${what}: the values add up to more than 2^53 − 1, beyond exact totals`);
}

/** Every value of `ids` below `limit`. */
export function checkIds(ids: ArrayLike<number>, limit: number, what: string, fail: Fail): void {
  for (let i = 0; i < ids.length; i++) if (ids[i] >= limit) fail(`${what}: row ${i} refers to ${ids[i]}, only ${limit} exist`);
}

/** A string table: offsets well formed. Returns the number of strings. */
export function checkStrings(s: StringTableData, what: string, fail: Fail): number {
  checkOffsets(s.offsets, s.bytes.length, what, fail);
  return s.offsets.length - 1;
}

/** Allocation table: states known, type ids inside the string table. */
export function checkAllocations(t: AllocationTable, what: string, fail: Fail): void {
  const n = checkStrings(t.strings, `${what} strings`, fail);
  for (let i = 0; i < t.rows; i++) if (t.state[i] >= STATE_KEYS.length) fail(`${what}: row ${i} has unknown state ${t.state[i]}`);
  checkIds(t.type, Math.max(1, n), `${what} type`, fail);
  checkWholeNumbers(t.size, `${what} size`, fail, { total: true });
  if (t.requested && t.requested !== t.size) checkWholeNumbers(t.requested, `${what} requested`, fail, { total: true });
}

/** tracemalloc tables: stack prefix tree well formed, ids in range. */
export function checkTracemalloc(s: TracemallocSnapshot, what: string, fail: Fail): void {
  const n = checkStrings(s.strings, `${what} strings`, fail);
  const st = s.stacks;
  if (st.rows < 1 || st.frame[0] !== 0 || st.parent[0] !== 0 || st.depth[0] !== 0) fail(`${what}: stack 0 is not the empty path`);
  for (let i = 1; i < st.rows; i++) {
    const p = st.parent[i];
    if (p >= i) fail(`${what}: stack ${i} has parent ${p}, not an earlier stack`);
    if (st.depth[i] !== st.depth[p] + 1) fail(`${what}: stack ${i} has depth ${st.depth[i]}, its parent ${st.depth[p]}`);
  }
  checkIds(st.frame, Math.max(1, s.frames.rows), `${what} stack frame`, fail);
  checkIds(s.frames.file, Math.max(1, n), `${what} frame file`, fail);
  checkIds(s.traces.stack, st.rows, `${what} trace stack`, fail);
  checkWholeNumbers(s.traces.size, `${what} trace size`, fail, { total: true });
}

/** Object table: CSR offsets and targets in range, dangling rows ascending. */
export function checkObjects(o: ObjectTable, strings: number, what: string, fail: Fail): void {
  checkIds(o.name, Math.max(1, strings), `${what} name`, fail);
  checkWholeNumbers(o.len, `${what} len`, fail, { none: 'minus-one' });
  checkOffsets(o.refStart, o.refTarget.length, `${what} references`, fail);
  checkIds(o.refTarget, o.rows, `${what} reference target`, fail);
  for (let i = 0; i < o.dangling.length; i++) {
    if (o.dangling[i] >= o.rows || (i > 0 && o.dangling[i] <= o.dangling[i - 1])) fail(`${what}: dangling rows not ascending inside the table at ${i}`);
  }
}

/** Footer attribution: site ids (1-based) inside the sites table, names inside its strings. */
export function checkAttribution(a: SavedAttribution, what: string, fail: Fail): void {
  const n = checkStrings(a.sites.strings, `${what} site strings`, fail);
  checkIds(a.sites.lib, Math.max(1, n), `${what} site library`, fail);
  checkIds(a.sites.func, Math.max(1, n), `${what} site function`, fail);
  checkIds(a.rowSite, a.sites.rows + 1, `${what} row site`, fail);
  // A footer that is not a valid return address still has its 64-bit word as the site's address.
  checkWholeNumbers(a.sites.addr, `${what} site address`, fail, { below2pow64: true });
  checkWholeNumbers(a.sites.offset, `${what} site offset`, fail);
  checkWholeNumbers(a.rowRequested, `${what} row requested`, fail, { none: 'nan', total: true });
}
