/**
 * The allocations table: one row per heap allocation, struct of arrays.
 *
 * | column    | type          | meaning                                                                 |
 * |-----------|---------------|-------------------------------------------------------------------------|
 * | addrHi    | Uint32Array   | high 32 bits of the allocation address (the address the program got)    |
 * | addrLo    | Uint32Array   | low 32 bits of the address; together exact for every 64-bit value      |
 * | size      | `SizeColumn`  | usable size in bytes, as chap prints it: Uint32Array while every size   |
 * |           |               | fits, Float64Array once one is ≥ 2^32 (exact integers below 2^53)       |
 * | state     | Uint8Array    | `AllocState` (used, free, leaked, …)                                    |
 * | type      | `IdColumn`    | string id of the type: C++ class / chap signature name, `%Pattern`,     |
 * |           |               | Python type; 0 = unknown (Uint8Array while every id is below 256, …)    |
 * | requested | `SizeColumn`? | requested size (malloc_tracer footer, tracemalloc trace); absent if none |
 * | site      | Uint32Array?  | allocation site: 1 + row of the attribution's `SitesTable` (sites.ts),  |
 * |           |               | 0 = none; filled by malloc_tracer footer attribution (attribution.ts)   |
 * | region    | `IdColumn`?   | arena / mapping id: Uint8Array up to 255 regions, then Uint16Array,     |
 * |           |               | Uint32Array; absent if none                                             |
 * | flags     | Uint16Array?  | `AllocFlag` bits: chap's allocation sets this row belongs to (leaked,   |
 * |           |               | unreferenced, anchored, anchor point, …); absent if no set is known     |
 *
 * Addresses are split into two Uint32 columns because `Number` is exact only
 * below 2^53 and tagged or kernel pointers use all 64 bits. Use `address.ts`
 * to turn a row's address into a BigInt or a hex string.
 *
 * `size`, `requested`, `type` and `region` are as narrow as their values allow (the builder widens a column the moment a
 * value does not fit, `NarrowColumnBuilder`), so read them as numbers (`t.size[i]`) and never assume one element
 * type; a column written after the build goes through a builder too.
 *
 * Optional columns exist only when a reader fills them, so a chap list costs
 * 14 bytes per allocation (8 address + 4 size + 1 state + 1 type) while no size reaches 4 GiB and it names fewer
 * than 256 signatures and patterns (15 up to 65,535).
 */
import { ColumnBuilder, NarrowColumnBuilder } from './columns.ts';
import { StringTableBuilder, type StringTableData } from './strings.ts';

export const AllocState = {
  Used: 0,
  Free: 1,
  Leaked: 2,
  Unreferenced: 3,
  Anchored: 4,
  ThreadCachedFree: 5,
} as const;
export type AllocState = (typeof AllocState)[keyof typeof AllocState];

/**
 * Set memberships of a used allocation, as bits of the `flags` column. chap's
 * sets overlap (a leaked allocation is used; an unreferenced one is leaked), so
 * they are flags beside the state, never states of their own.
 */
export const AllocFlag = {
  Leaked: 1 << 0,
  Unreferenced: 1 << 1,
  Anchored: 1 << 2,
  AnchorPoint: 1 << 3,
  StackAnchored: 1 << 4,
  RegisterAnchored: 1 << 5,
  StaticAnchored: 1 << 6,
  ThreadOnlyAnchored: 1 << 7,
  StackAnchorPoint: 1 << 8,
  RegisterAnchorPoint: 1 << 9,
  StaticAnchorPoint: 1 << 10,
} as const;
export type AllocFlag = (typeof AllocFlag)[keyof typeof AllocFlag];

/** chap's set names (its `count SET` / `list SET` commands), with their flag. */
export const SET_FLAGS: readonly (readonly [string, AllocFlag])[] = [
  ['leaked', AllocFlag.Leaked],
  ['unreferenced', AllocFlag.Unreferenced],
  ['anchored', AllocFlag.Anchored],
  ['anchorpoints', AllocFlag.AnchorPoint],
  ['stackanchored', AllocFlag.StackAnchored],
  ['registeranchored', AllocFlag.RegisterAnchored],
  ['staticanchored', AllocFlag.StaticAnchored],
  ['threadonlyanchored', AllocFlag.ThreadOnlyAnchored],
  ['stackanchorpoints', AllocFlag.StackAnchorPoint],
  ['registeranchorpoints', AllocFlag.RegisterAnchorPoint],
  ['staticanchorpoints', AllocFlag.StaticAnchorPoint],
];

/** Stable names, used as JSON keys by the CLI and as labels by the views. */
export const STATE_KEYS = ['used', 'free', 'leaked', 'unreferenced', 'anchored', 'thread_cached_free'] as const;
export type StateKey = (typeof STATE_KEYS)[number];
export const STATE_LABELS = ['Used', 'Free', 'Leaked', 'Unreferenced', 'Anchored', 'Thread cached free'] as const;

/** True for states in which the program still holds the memory (chap's "used" set). */
export function isInUse(state: number): boolean {
  return state !== AllocState.Free && state !== AllocState.ThreadCachedFree;
}

/**
 * Count and bytes of the rows of `t` in use. 65,536 rows per call of a plain function: one loop over a table's
 * millions of rows runs as on-stack-replaced code, about twice as slow.
 */
export function usedTotals(t: Pick<AllocationTable, 'rows' | 'state' | 'size'>): { count: number; bytes: number } {
  const sum = { count: 0, bytes: 0 };
  for (let r = 0; r < t.rows; r += 65536) usedIn(t.state, t.size, r, Math.min(t.rows, r + 65536), sum);
  return sum;
}

function usedIn(state: Uint8Array, size: SizeColumn, from: number, to: number, sum: { count: number; bytes: number }): void {
  let count = 0;
  let bytes = 0;
  for (let r = from; r < to; r++) {
    if (!isInUse(state[r])) continue;
    count++;
    bytes += size[r];
  }
  sum.count += count;
  sum.bytes += bytes;
}

/** Allocations in use and free, counted and in bytes: the figures every per-group tally keeps. */
export interface UsedFree {
  usedCount: number;
  usedBytes: number;
  freeCount: number;
  freeBytes: number;
}

/** A tally of nothing yet. */
export function noUsedFree(): UsedFree {
  return { usedCount: 0, usedBytes: 0, freeCount: 0, freeBytes: 0 };
}

/** Adds the figures of `from` to `into`. */
export function addUsedFreeOf(into: UsedFree, from: UsedFree): void {
  into.usedCount += from.usedCount;
  into.usedBytes += from.usedBytes;
  into.freeCount += from.freeCount;
  into.freeBytes += from.freeBytes;
}

/** Counts one allocation of `size` bytes into `t`, as in use or free. */
export function addUsedFree(t: UsedFree, used: boolean, size: number): void {
  if (used) {
    t.usedCount++;
    t.usedBytes += size;
  } else {
    t.freeCount++;
    t.freeBytes += size;
  }
}

/** A column of byte counts: Uint32Array while every value is below 2^32, else Float64Array (exact below 2^53). */
export type SizeColumn = Uint32Array | Float64Array;

/** A column of small ids: the narrowest unsigned type that holds the largest. */
export type IdColumn = Uint8Array | Uint16Array | Uint32Array;

/** A builder for a `SizeColumn` (Uint32 until a value needs Float64). */
export function sizeColumnBuilder(capacity = 1024): NarrowColumnBuilder {
  return new NarrowColumnBuilder('u32', capacity, 'f64');
}

/** A builder for an `IdColumn` (Uint8 until an id needs more). */
export function idColumnBuilder(capacity = 1024): NarrowColumnBuilder {
  return new NarrowColumnBuilder('u8', capacity, 'u32');
}

export interface AllocationTable {
  rows: number;
  addrHi: Uint32Array;
  addrLo: Uint32Array;
  size: SizeColumn;
  state: Uint8Array;
  type: IdColumn;
  requested?: SizeColumn;
  site?: Uint32Array;
  region?: IdColumn;
  flags?: Uint16Array;
  strings: StringTableData;
}

/** Row `i`'s address as a number (exact below 2^53, as every address a core can place is). */
export function rowAddress(t: Pick<AllocationTable, 'addrHi' | 'addrLo'>, i: number): number {
  return t.addrHi[i] * 4294967296 + t.addrLo[i];
}

/** Every row's address (`rowAddress`), in row order. */
export function rowAddresses(t: Pick<AllocationTable, 'rows' | 'addrHi' | 'addrLo'>): Float64Array {
  const out = new Float64Array(t.rows);
  for (let i = 0; i < t.rows; i++) out[i] = t.addrHi[i] * 4294967296 + t.addrLo[i];
  return out;
}

/** True when the rows are in address order (chap lists and heap walks are). */
export function inAddressOrder(t: AllocationTable): boolean {
  for (let i = 1; i < t.rows; i++) if (t.addrHi[i] < t.addrHi[i - 1] || (t.addrHi[i] === t.addrHi[i - 1] && t.addrLo[i] < t.addrLo[i - 1])) return false;
  return true;
}

/** The rows sorted by address: null when they already are (no sort of millions of rows), else a new order. */
export function addressOrder(t: AllocationTable): Uint32Array | null {
  if (inAddressOrder(t)) return null;
  const order = new Uint32Array(t.rows);
  for (let i = 0; i < t.rows; i++) order[i] = i;
  return order.sort((a, b) => t.addrHi[a] - t.addrHi[b] || t.addrLo[a] - t.addrLo[b]);
}

/** `addressOrder`, with the identity order when the rows already are in address order. */
export function rowsByAddress(t: AllocationTable): Uint32Array {
  const order = addressOrder(t);
  if (order) return order;
  const identity = new Uint32Array(t.rows);
  for (let i = 0; i < t.rows; i++) identity[i] = i;
  return identity;
}

/** Bytes held by the table's columns (the figure the benchmark reports per allocation). */
export function tableBytes(t: AllocationTable): number {
  let n = t.addrHi.byteLength + t.addrLo.byteLength + t.size.byteLength + t.state.byteLength + t.type.byteLength;
  if (t.requested) n += t.requested.byteLength;
  if (t.site) n += t.site.byteLength;
  if (t.region) n += t.region.byteLength;
  if (t.flags) n += t.flags.byteLength;
  return n + t.strings.bytes.byteLength + t.strings.offsets.byteLength;
}

export interface AllocationBuilderOptions {
  expectedRows?: number;
  requested?: boolean;
  site?: boolean;
  region?: boolean;
  flags?: boolean;
}

export class AllocationTableBuilder {
  readonly addrHi: ColumnBuilder<Uint32Array>;
  readonly addrLo: ColumnBuilder<Uint32Array>;
  /** Uint32 until a size needs Float64. */
  readonly size: NarrowColumnBuilder;
  readonly state: ColumnBuilder<Uint8Array>;
  /** Uint8 until a type id needs more (a C core's walk names none: 1 byte a row). */
  readonly type: NarrowColumnBuilder;
  readonly requested?: NarrowColumnBuilder;
  readonly site?: ColumnBuilder<Uint32Array>;
  /** Uint8 until a region id needs more. */
  readonly region?: NarrowColumnBuilder;
  readonly flags?: ColumnBuilder<Uint16Array>;
  readonly strings = new StringTableBuilder();

  constructor(opts: AllocationBuilderOptions = {}) {
    const cap = Math.max(1024, opts.expectedRows ?? 0);
    this.addrHi = new ColumnBuilder(Uint32Array, cap);
    this.addrLo = new ColumnBuilder(Uint32Array, cap);
    this.size = sizeColumnBuilder(cap);
    this.state = new ColumnBuilder(Uint8Array, cap);
    this.type = idColumnBuilder(cap);
    if (opts.requested) this.requested = sizeColumnBuilder(cap);
    if (opts.site) this.site = new ColumnBuilder(Uint32Array, cap);
    if (opts.region) this.region = idColumnBuilder(cap);
    if (opts.flags) this.flags = new ColumnBuilder(Uint16Array, cap);
  }

  get rows(): number {
    return this.size.length;
  }

  /** Appends a row; optional columns not given get 0. Returns the row index. */
  add(hi: number, lo: number, size: number, state: AllocState, type = 0): number {
    const row = this.size.length;
    this.addrHi.push(hi);
    this.addrLo.push(lo);
    this.size.push(size);
    this.state.push(state);
    this.type.push(type);
    this.requested?.push(0);
    this.site?.push(0);
    this.region?.push(0);
    this.flags?.push(0);
    return row;
  }

  freeze(): AllocationTable {
    return {
      rows: this.rows,
      addrHi: this.addrHi.freeze(),
      addrLo: this.addrLo.freeze(),
      size: this.size.freeze() as SizeColumn,
      state: this.state.freeze(),
      type: this.type.freeze() as IdColumn,
      requested: this.requested?.freeze() as SizeColumn | undefined,
      site: this.site?.freeze(),
      region: this.region?.freeze() as IdColumn | undefined,
      flags: this.flags?.freeze(),
      strings: this.strings.freeze(),
    };
  }
}
