/**
 * Address → allocation lookup, as chap's `AllocationIndexOf`: the row whose
 * `[address, address + size)` holds the address, used or free. Rows are sorted
 * by address. A row that contains later rows (a "wrapper", e.g. the glibc
 * chunk of a malloc()ed CPython arena, which holds obmalloc's blocks) is found
 * only when no row inside it holds the address, as in chap.
 *
 * For speed on millions of lookups the other rows are grouped into clusters
 * (runs without a gap above 1 MiB), each with a page table: the first row that
 * ends after each 4 KiB page. A lookup is a range check, a short search over
 * clusters, a page-table read and a binary search inside one page, over the
 * table's own address and size columns (no copy of them: the index holds 4 bytes
 * per 4 KiB page of the clusters, and the wrappers' rows; a table with wrappers
 * also a copy of the other rows' columns, 16 bytes each).
 *
 * This is the one "which allocation holds this address" index: the leak analysis builds it over the heap walk's
 * table, the core session (inspector, `holds`) through `indexAnyOrder` over any table, sorted or not.
 * (`graph/address-index.ts` is another job: an exact address → row hash for meliae objects, not ranges.)
 */
import { addressOrder, type AllocationTable, type SizeColumn } from '../../../src/model/allocations.ts';
import { lastAtOrBelow, lastAtOrBelowHalves } from '../../../src/model/sorted.ts';

/** The columns the index reads. */
export type AddressColumns = Pick<AllocationTable, 'rows' | 'addrHi' | 'addrLo' | 'size'>;

const PAGE = 4096;
const GAP = 1 << 20;
const TWO32 = 4294967296;
export const NO_ROW = 0xffffffff;

/** Runs of rows in address order without a gap above `GAP`: each run's start, reach (highest end) and rows [first, last). */
class Clusters {
  readonly start: number[] = [];
  readonly end: number[] = [];
  readonly first: number[] = [];
  readonly last: number[] = [];
  private open = false;
  private from = 0;
  private at = 0;
  private reach = 0;

  /** Row `i`, from address `a` to `e` (rows come in address order). */
  add(i: number, a: number, e: number): void {
    if (this.open && a - this.reach <= GAP) {
      if (e > this.reach) this.reach = e;
      return;
    }
    this.close(i);
    this.open = true;
    this.from = i;
    this.at = a;
    this.reach = e;
  }

  /** A run found elsewhere: from `at` to `reach`, rows [from, to). */
  push(at: number, reach: number, from: number, to: number): void {
    this.start.push(at);
    this.end.push(reach);
    this.first.push(from);
    this.last.push(to);
  }

  /** Ends the open run before row `i`. */
  close(i: number): void {
    if (!this.open) return;
    this.start.push(this.at);
    this.end.push(this.reach);
    this.first.push(this.from);
    this.last.push(i);
    this.open = false;
  }
}

/**
 * Each cluster's page table, concatenated: for page `q` of a cluster starting at `s`, the first row ending after
 * `s + q * PAGE` (its last row + 1 when none does). Filled while the rows are read, in address order.
 */
class PageTables {
  rows = new Uint32Array(4096);
  used = 0;

  /** Entries `at .. at + count` set to `row`. */
  fill(at: number, count: number, row: number): void {
    if (at + count > this.rows.length) {
      let cap = this.rows.length * 2;
      while (cap < at + count) cap *= 2;
      const g = new Uint32Array(cap);
      g.set(this.rows.subarray(0, this.used));
      this.rows = g;
    }
    this.rows.fill(row, at, at + count);
    if (at + count > this.used) this.used = at + count;
  }
}

/** Rows read by one call of `RowScan.run`: V8 optimises a function called many times better than one long loop (on-stack replacement). */
const CHUNK = 65536;

/**
 * One pass over the table's rows, in chunks, every value in locals within a chunk (no object written per row): their
 * span, whether they are sorted, the wrappers and, while there are none, the clusters and their page tables.
 *
 * While no row starts inside the one before (no wrapper: `plain`), rows do not overlap and their ends ascend: the
 * previous row's end is the span's and the open cluster's reach, and page `q` of the open cluster is owed the first
 * row ending after its start (each row settles the pages starting below its end). Most rows only check that they
 * start after that end, within `GAP` of it, and end before the next page to settle. From the first wrapper on, the
 * rows are only checked for order and wrappers (the clusters are found again over the rows that are not wrappers).
 */
class RowScan {
  readonly wrappers: number[] = [];
  readonly clusters = new Clusters();
  /** Each cluster's first entry in `pages.rows` (with no wrappers). */
  readonly pageAt: number[] = [];
  readonly pages = new PageTables();
  /** The span's end (in the plain part, the last row's end). */
  max = 0;
  sorted = true;
  private prev = -1;
  private prevEnd = -1;
  /** No wrapper so far: the clusters and page tables are being made. */
  private plain = true;
  // The open cluster: its start, first row and page table's first entry; `q` its next page to settle, starting at
  // `qStart` (-1 before the first cluster: no row ends below it).
  private open = false;
  private cs = 0;
  private first = 0;
  private at = 0;
  private q = 0;
  private qStart = -1;

  constructor(hi: Uint32Array, lo: Uint32Array, size: SizeColumn, n: number) {
    for (let i = 0; i < n; i += CHUNK) {
      const to = Math.min(n, i + CHUNK);
      if (this.plain) this.runPlain(hi, lo, size, i, to);
      else this.runNested(hi, lo, size, i, to);
    }
    if (this.plain) {
      this.max = Math.max(0, this.prevEnd);
      if (this.open) this.closeCluster(this.cs, this.prevEnd, this.first, this.q, n);
    }
  }

  /** Rows [from, to) while they do not nest; at the first that starts inside the one before, the rest go to `runNested`. */
  private runPlain(hi: Uint32Array, lo: Uint32Array, size: SizeColumn, from: number, to: number): void {
    const pages = this.pages;
    let { prevEnd, open, cs, first, q, qStart } = this;
    for (let i = from; i < to; i++) {
      const a = hi[i] * TWO32 + lo[i];
      const e = a + size[i];
      if (a >= prevEnd && a - prevEnd <= GAP && e <= qStart) {
        prevEnd = e;
        continue;
      }
      if (a < prevEnd) {
        // A wrapper (or rows out of order): from here on only order and wrappers are checked.
        this.plain = false;
        this.max = prevEnd;
        this.prev = hi[i - 1] * TWO32 + lo[i - 1];
        this.prevEnd = prevEnd;
        this.runNested(hi, lo, size, i, to);
        return;
      }
      if (!open || a - prevEnd > GAP) {
        if (open) this.closeCluster(cs, prevEnd, first, q, i);
        open = true;
        cs = a;
        first = i;
        q = 0;
        qStart = a;
        this.pageAt.push(this.at);
      }
      if (e > qStart) {
        const upTo = Math.ceil((e - cs) / PAGE);
        const k = this.at + q;
        // The usual row settles one page: stored here, without the call.
        if (upTo - q === 1 && k < pages.rows.length) {
          pages.rows[k] = i;
          if (k >= pages.used) pages.used = k + 1;
        } else pages.fill(k, upTo - q, i);
        q = upTo;
        qStart = cs + q * PAGE;
      }
      prevEnd = e;
    }
    this.prevEnd = prevEnd;
    this.open = open;
    this.cs = cs;
    this.first = first;
    this.q = q;
    this.qStart = qStart;
  }

  /** Rows [from, to) once a wrapper was seen: the span, the order, the wrappers. */
  private runNested(hi: Uint32Array, lo: Uint32Array, size: SizeColumn, from: number, to: number): void {
    let { max, prev, prevEnd, sorted } = this;
    for (let i = from; i < to; i++) {
      const a = hi[i] * TWO32 + lo[i];
      const e = a + size[i];
      if (e > max) max = e;
      // A row starting inside the one before it is a wrapper's first block (the row before is the wrapper).
      if (a < prevEnd) {
        if (a < prev) sorted = false;
        this.wrappers.push(i - 1);
      }
      prev = a;
      prevEnd = e;
    }
    this.max = max;
    this.prev = prev;
    this.prevEnd = prevEnd;
    this.sorted = sorted;
  }

  /** Ends the open cluster (from `cs` to `reach`, rows [first, i), pages settled up to `q`): its pages left point past its last row. */
  private closeCluster(cs: number, reach: number, first: number, q: number, i: number): void {
    const total = Math.floor((reach - cs) / PAGE) + 2;
    this.pages.fill(this.at + q, total - q, i);
    this.clusters.push(cs, reach, first, i);
    this.at += total;
  }
}

export class AllocationIndex {
  readonly min: number;
  readonly max: number;
  private readonly hi: Uint32Array;
  private readonly lo: Uint32Array;
  private readonly size: SizeColumn;
  /** Rows of the direct lookup (every row but the wrappers), ascending; null when that is every row. */
  private readonly direct: Uint32Array | null;
  /** The direct rows' columns (the table's own when there are no wrappers). */
  private readonly dHi: Uint32Array;
  private readonly dLo: Uint32Array;
  private readonly dSize: SizeColumn;
  /** Wrapper rows, smallest first (the innermost wrapper holding an address wins). */
  readonly wrappers: readonly number[];
  private readonly wStarts: Float64Array;
  private readonly wRows: Uint32Array;
  private readonly wNested: boolean;
  private readonly cStart: Float64Array;
  private readonly cEnd: Float64Array;
  private readonly cLastRow: Uint32Array;
  /** Cluster `k`'s page table is `pageRow[cPageAt[k] ..]` (`PageTables`). */
  private readonly cPageAt: Uint32Array;
  private readonly pageRow: Uint32Array;
  private startsCopy: Float64Array | null = null;
  private endsCopy: Float64Array | null = null;

  constructor(table: AddressColumns) {
    const n = table.rows;
    const { addrHi, addrLo, size } = table;
    this.hi = addrHi;
    this.lo = addrLo;
    this.size = size;
    // A row is a wrapper when the next row starts inside it (rows nest; partial overlaps were dropped by the walk).
    // Clusters of every row are found in the same pass (the direct rows are every row unless there are wrappers).
    const scan = new RowScan(addrHi, addrLo, size, n);
    if (!scan.sorted) throw new Error('allocation rows are not sorted by address');
    const wrappers = scan.wrappers;
    this.min = n ? addrHi[0] * TWO32 + addrLo[0] : 0;
    this.max = scan.max;
    const startOf = (r: number) => addrHi[r] * TWO32 + addrLo[r];
    const span = (r: number) => size[r];
    this.wrappers = wrappers.sort((a, b) => span(a) - span(b));
    const byStart = [...wrappers].sort((a, b) => a - b);
    this.wRows = Uint32Array.from(byStart);
    this.wStarts = Float64Array.from(byStart, startOf);
    this.wNested = byStart.some((r, k) => k + 1 < byStart.length && startOf(byStart[k + 1]) < startOf(r) + size[r]);
    if (wrappers.length) {
      const isWrapper = new Uint8Array(n);
      for (const r of wrappers) isWrapper[r] = 1;
      const d: number[] = [];
      for (let i = 0; i < n; i++) if (!isWrapper[i]) d.push(i);
      this.direct = Uint32Array.from(d);
      this.dHi = Uint32Array.from(d, (r) => addrHi[r]);
      this.dLo = Uint32Array.from(d, (r) => addrLo[r]);
      this.dSize = size instanceof Uint32Array ? Uint32Array.from(d, (r) => size[r]) : Float64Array.from(d, (r) => size[r]);
    } else {
      this.direct = null;
      this.dHi = addrHi;
      this.dLo = addrLo;
      this.dSize = size;
    }
    let clusters = scan.clusters;
    let pageAt = scan.pageAt;
    let pages = scan.pages;
    // With wrappers, the clusters are those of the direct rows: found again over them, and their page tables made.
    if (this.direct) {
      const { dHi, dLo, dSize } = this;
      const ds = (i: number) => dHi[i] * TWO32 + dLo[i];
      const m = this.direct.length;
      clusters = new Clusters();
      for (let i = 0; i < m; i++) clusters.add(i, ds(i), ds(i) + dSize[i]);
      clusters.close(m);
      pageAt = [];
      pages = new PageTables();
      const { start: cs, end: ce, first: cf, last: cl } = clusters;
      for (let k = 0; k < cs.length; k++) {
        const s = cs[k];
        const count = Math.floor((ce[k] - s) / PAGE) + 2;
        const at = pages.used;
        pageAt.push(at);
        pages.fill(at, count, 0);
        const t = pages.rows;
        let r = cf[k];
        const last = cl[k];
        let rEnd = r < last ? ds(r) + dSize[r] : 0;
        for (let p = 0; p < count; p++) {
          const pageStart = s + p * PAGE;
          while (r < last && rEnd <= pageStart) {
            r++;
            if (r < last) rEnd = ds(r) + dSize[r];
          }
          t[at + p] = r;
        }
      }
    }
    this.cStart = Float64Array.from(clusters.start);
    this.cEnd = Float64Array.from(clusters.end);
    this.cLastRow = Uint32Array.from(clusters.last);
    this.cPageAt = Uint32Array.from(pageAt);
    this.pageRow = pages.rows.slice(0, pages.used);
  }

  get rows(): number {
    return this.hi.length;
  }

  /** Start address of table row `r`. */
  startOf(r: number): number {
    return this.hi[r] * TWO32 + this.lo[r];
  }

  /** End address (start + size) of table row `r`. */
  endOf(r: number): number {
    return this.hi[r] * TWO32 + this.lo[r] + this.size[r];
  }

  /** Start of every row, as one column (made on first use; `startOf` needs none). */
  get starts(): Float64Array {
    return (this.startsCopy ??= Float64Array.from({ length: this.rows }, (_, r) => this.startOf(r)));
  }

  /** End of every row, as one column (made on first use; `endOf` needs none). */
  get ends(): Float64Array {
    return (this.endsCopy ??= Float64Array.from({ length: this.rows }, (_, r) => this.endOf(r)));
  }

  /** Bytes held by the index (beyond the table's columns it reads). */
  get bytes(): number {
    let n = (this.startsCopy?.byteLength ?? 0) + (this.endsCopy?.byteLength ?? 0);
    if (this.direct) n += this.direct.byteLength + this.dHi.byteLength + this.dLo.byteLength + this.dSize.byteLength;
    return n + this.pageRow.byteLength + this.cPageAt.byteLength;
  }

  /** The row holding `addr`, or NO_ROW. */
  rowOf(addr: number): number {
    if (addr < this.min || addr >= this.max) return NO_ROW;
    const r = this.directRow(addr);
    if (r !== NO_ROW || this.wrappers.length === 0) return r;
    if (this.wNested) {
      for (const w of this.wrappers) if (this.startOf(w) <= addr && addr < this.endOf(w)) return w;
      return NO_ROW;
    }
    const lo = lastAtOrBelow(this.wStarts, addr);
    if (lo < 0) return NO_ROW;
    const w = this.wRows[lo];
    return addr < this.endOf(w) ? w : NO_ROW;
  }

  private directRow(addr: number): number {
    const cs = this.cStart;
    const lo = lastAtOrBelow(cs, addr);
    if (lo < 0 || addr >= this.cEnd[lo]) return NO_ROW;
    const pages = this.pageRow;
    const last = this.cLastRow[lo];
    const p = this.cPageAt[lo] + Math.floor((addr - cs[lo]) / PAGE);
    // The holder, if any, is the last row starting at or below addr among [pages[p], pages[p + 1]] (rows do not overlap).
    const from = pages[p];
    if (from >= last) return NO_ROW;
    const dHi = this.dHi;
    const dLo = this.dLo;
    const to = pages[p + 1] < last ? pages[p + 1] : last - 1;
    const i = lastAtOrBelowHalves(dHi, dLo, addr, from, to + 1);
    if (i < from) return NO_ROW;
    if (addr < dHi[i] * TWO32 + dLo[i] + this.dSize[i]) return this.direct ? this.direct[i] : i;
    return NO_ROW;
  }
}

/** An `AllocationIndex` over a table whose rows need not be in address order; `rowOf` gives the table's row. */
export interface AnyOrderIndex {
  rowOf(addr: number): number;
}

/** `AllocationIndex` for `t` in any row order: rows sorted by address are indexed as they are, others through a sorted copy of their address and size columns. */
export function indexAnyOrder(t: AllocationTable): AnyOrderIndex {
  const order = addressOrder(t);
  if (!order) return new AllocationIndex(t);
  const n = t.rows;
  const addrHi = new Uint32Array(n);
  const addrLo = new Uint32Array(n);
  const size = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = order[i];
    addrHi[i] = t.addrHi[r];
    addrLo[i] = t.addrLo[r];
    size[i] = t.size[r];
  }
  const inner = new AllocationIndex({ rows: n, addrHi, addrLo, size });
  return {
    rowOf(addr: number): number {
      const i = inner.rowOf(addr);
      return i === NO_ROW ? NO_ROW : order[i];
    },
  };
}
