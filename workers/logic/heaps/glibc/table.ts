/**
 * The glibc walk's rows: the walked regions in address order become one chunk
 * store (chunk-store.ts) for the free lists, then the contribution's allocation table
 * (state Used / Free / thread-cached as chosen; `region` = 1-based index of
 * the region). Rows that would go backwards (overlapping regions) are not
 * listed, and counted in a warning.
 */
import { AllocationTableBuilder, AllocState, type AllocationTable } from '../../../../src/model/allocations.ts';
import type { NarrowColumnBuilder } from '../../../../src/model/columns.ts';
import { ChunkStore, F_TCACHED, F_USED, type ChunkBatch, type Segment } from './chunk-store.ts';

/** The walked segments as one store, in region order (sorted by region start). */
export function gather(walked: Segment[]): ChunkStore {
  return new ChunkStore(walked);
}

/** Rows of the glibc walk in address order, a batch at a time (views valid until the next batch). */
export interface RowBatch {
  length: number;
  addr: Float64Array;
  size: Float64Array;
  /** Final `AllocState` of each row. */
  state: Uint8Array;
  /** 1-based region of each row. */
  region: Uint32Array;
}

/** Rows that lie at or below an earlier one (overlapping regions): not listed. */
export function backwardRows(store: ChunkStore): number {
  // Segments in address order, none overlapping the one before (the usual core): none goes backwards.
  if (store.increasing()) return 0;
  let last = -1;
  let n = 0;
  for (const b of store.batches()) {
    for (let j = 0; j < b.length; j++) {
      if (b.addr[j] <= last) n++;
      else last = b.addr[j];
    }
  }
  return n;
}

/**
 * The store's rows as they are listed: rows going backwards left out, states final (free, tcache entries in
 * `tcacheState`, used), in batches of at most 65,536 (arrays reused by every pass over the store: one at a time).
 */
const N = 1 << 16;
/** Each store's row batch arrays, made once (the rows are streamed more than once: merge check, then the command). */
const rowArrays = new WeakMap<ChunkStore, RowBatch>();

export function* rowBatches(store: ChunkStore, tcacheState: AllocState): Generator<RowBatch> {
  let out = rowArrays.get(store);
  if (!out) rowArrays.set(store, (out = { length: 0, addr: new Float64Array(N), size: new Float64Array(N), state: new Uint8Array(N), region: new Uint32Array(N) }));
  out.length = 0;
  const at = { last: -1, j: 0 };
  for (const b of store.batches()) {
    at.j = 0;
    while (at.j < b.length) {
      if (out.length === N) {
        yield out;
        out.length = 0;
      }
      takeRows(b, out, at, tcacheState);
    }
  }
  if (out.length) yield out;
}

/**
 * Rows of `b` from `at.j` into `out` until it is full or `b` ends (rows at or below `at.last` left out). A plain
 * function: loops inside a generator run several times slower.
 */
function takeRows(b: ChunkBatch, out: RowBatch, at: { last: number; j: number }, tcacheState: AllocState): void {
  const { addr, size, flags, region } = b;
  let last = at.last;
  let k = out.length;
  let j = at.j;
  for (; j < b.length && k < N; j++) {
    const a = addr[j];
    if (a <= last) continue;
    last = a;
    const f = flags[j];
    out.addr[k] = a;
    out.size[k] = size[j];
    out.state[k] = !(f & F_USED) ? AllocState.Free : f & F_TCACHED ? tcacheState : AllocState.Used;
    out.region[k] = region;
    k++;
  }
  out.length = k;
  at.j = j;
  at.last = last;
}

/**
 * The allocation table of the store's rows (as `rowBatches` gives them); `rows` is their count. The columns are
 * written in place (sized for `rows` up front), not pushed row by row.
 */
export function buildTable(store: ChunkStore, tcacheState: AllocState, rows = store.length): AllocationTable {
  const b = new AllocationTableBuilder({ expectedRows: rows, region: true });
  const columns = [b.addrHi, b.addrLo, b.size, b.state, b.type, b.region!];
  // The last address listed, between batches (in an array: a double carried in a local is a heap number per row).
  const last = new Float64Array(1);
  last[0] = -1;
  let n = 0;
  for (const batch of store.batches()) {
    if (n + batch.length > b.size.capacity) {
      // More rows than said (never, from walkGlibc's count): grow every column.
      for (const c of columns) {
        c.length = n;
        c.reserve(n + batch.length);
      }
    }
    n = fillRows(batch, tcacheState, b.addrHi.array, b.addrLo.array, b.state.array, b.size, b.region!, n, last);
  }
  for (const c of columns) c.length = n;
  return b.freeze();
}

/**
 * One batch's rows into the table's columns from row `n` (room for them made), rows at or below the last listed
 * left out; returns the row count. A plain function called per batch: the loop over every row in `buildTable`
 * itself ran as on-stack-replaced code and made a heap number per row. `size` and `region` go through their
 * builders' `set`: they widen (Uint32 → Float64, Uint8 → …) when a value needs it.
 */
function fillRows(batch: ChunkBatch, tcacheState: AllocState, hi: Uint32Array, lo: Uint32Array, state: Uint8Array, size: NarrowColumnBuilder, region: NarrowColumnBuilder, n: number, last: Float64Array): number {
  const { addr, flags } = batch;
  const bs = batch.size;
  const rg = batch.region;
  for (let j = 0; j < batch.length; j++) {
    const a = addr[j];
    if (a <= last[0]) continue;
    last[0] = a;
    const f = flags[j];
    hi[n] = Math.floor(a / 4294967296);
    lo[n] = a >>> 0;
    const sz = bs[j];
    size.set(n, sz < 2147483648 ? sz | 0 : sz);
    state[n] = !(f & F_USED) ? AllocState.Free : f & F_TCACHED ? tcacheState : AllocState.Used;
    region.set(n, rg);
    n++;
  }
  return n;
}
