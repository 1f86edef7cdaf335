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
 * clusters, a page-table read and a binary search inside one page.
 * Memory: 16 bytes per row (start, end) + 4 bytes per 4 KiB page of the clusters.
 *
 * This is the one "which allocation holds this address" index: the leak analysis builds it over the heap walk's
 * table, the core session (inspector, `holds`) through `indexAnyOrder` over any table, sorted or not.
 * (`graph/address-index.ts` is another job: an exact address → row hash for meliae objects, not ranges.)
 */
import { addressOrder, type AllocationTable } from '../../../src/model/allocations.ts';

/** The columns the index reads. */
export type AddressColumns = Pick<AllocationTable, 'rows' | 'addrHi' | 'addrLo' | 'size'>;

const PAGE = 4096;
const GAP = 1 << 20;
export const NO_ROW = 0xffffffff;

export class AllocationIndex {
  /** Start and end of every table row. */
  readonly starts: Float64Array;
  readonly ends: Float64Array;
  readonly min: number;
  readonly max: number;
  /** Rows of the direct lookup (every row but the wrappers), ascending; null when that is every row. */
  private readonly direct: Uint32Array | null;
  private readonly dStarts: Float64Array;
  private readonly dEnds: Float64Array;
  /** Wrapper rows, smallest first (the innermost wrapper holding an address wins). */
  readonly wrappers: readonly number[];
  private readonly wStarts: Float64Array;
  private readonly wRows: Uint32Array;
  private readonly wNested: boolean;
  private readonly cStart: Float64Array;
  private readonly cEnd: Float64Array;
  private readonly cLastRow: Uint32Array;
  private readonly cPages: Uint32Array[];

  constructor(table: AddressColumns) {
    const n = table.rows;
    this.starts = new Float64Array(n);
    this.ends = new Float64Array(n);
    let max = 0;
    for (let i = 0; i < n; i++) {
      const a = table.addrHi[i] * 4294967296 + table.addrLo[i];
      this.starts[i] = a;
      this.ends[i] = a + table.size[i];
      if (this.ends[i] > max) max = this.ends[i];
      if (i > 0 && a < this.starts[i - 1]) throw new Error('allocation rows are not sorted by address');
    }
    this.min = n ? this.starts[0] : 0;
    this.max = max;
    // A row is a wrapper when the next row starts inside it (rows nest; partial overlaps were dropped by the walk).
    const wrappers: number[] = [];
    for (let i = 0; i + 1 < n; i++) if (this.starts[i + 1] < this.ends[i]) wrappers.push(i);
    this.wrappers = wrappers.sort((a, b) => this.ends[a] - this.starts[a] - (this.ends[b] - this.starts[b]));
    const byStart = [...wrappers].sort((a, b) => a - b);
    this.wRows = Uint32Array.from(byStart);
    this.wStarts = Float64Array.from(byStart, (r) => this.starts[r]);
    this.wNested = byStart.some((r, k) => k + 1 < byStart.length && this.starts[byStart[k + 1]] < this.ends[r]);
    if (wrappers.length) {
      const isWrapper = new Uint8Array(n);
      for (const r of wrappers) isWrapper[r] = 1;
      const d: number[] = [];
      for (let i = 0; i < n; i++) if (!isWrapper[i]) d.push(i);
      this.direct = Uint32Array.from(d);
      this.dStarts = Float64Array.from(d, (r) => this.starts[r]);
      this.dEnds = Float64Array.from(d, (r) => this.ends[r]);
    } else {
      this.direct = null;
      this.dStarts = this.starts;
      this.dEnds = this.ends;
    }
    const ds = this.dStarts;
    const de = this.dEnds;
    const m = ds.length;
    const cs: number[] = [];
    const ce: number[] = [];
    const cf: number[] = [];
    const cl: number[] = [];
    for (let i = 0; i < m; i++) {
      const k = cs.length - 1;
      if (k >= 0 && ds[i] - ce[k] <= GAP) {
        if (de[i] > ce[k]) ce[k] = de[i];
        cl[k] = i + 1;
      } else {
        cs.push(ds[i]);
        ce.push(de[i]);
        cf.push(i);
        cl.push(i + 1);
      }
    }
    this.cStart = Float64Array.from(cs);
    this.cEnd = Float64Array.from(ce);
    this.cLastRow = Uint32Array.from(cl);
    this.cPages = cs.map((s, k) => {
      const pages = Math.floor((ce[k] - s) / PAGE) + 2;
      const t = new Uint32Array(pages);
      let r = cf[k];
      for (let p = 0; p < pages; p++) {
        const pageStart = s + p * PAGE;
        while (r < cl[k] && de[r] <= pageStart) r++;
        t[p] = r;
      }
      return t;
    });
  }

  get rows(): number {
    return this.starts.length;
  }

  /** Bytes held by the index. */
  get bytes(): number {
    let n = this.starts.byteLength + this.ends.byteLength;
    if (this.direct) n += this.direct.byteLength + this.dStarts.byteLength + this.dEnds.byteLength;
    for (const p of this.cPages) n += p.byteLength;
    return n;
  }

  /** The row holding `addr`, or NO_ROW. */
  rowOf(addr: number): number {
    if (addr < this.min || addr >= this.max) return NO_ROW;
    const r = this.directRow(addr);
    if (r !== NO_ROW || this.wrappers.length === 0) return r;
    if (this.wNested) {
      for (const w of this.wrappers) if (this.starts[w] <= addr && addr < this.ends[w]) return w;
      return NO_ROW;
    }
    const ws = this.wStarts;
    let lo = 0;
    let hi = ws.length - 1;
    if (addr < ws[0]) return NO_ROW;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ws[mid] <= addr) lo = mid;
      else hi = mid - 1;
    }
    const w = this.wRows[lo];
    return addr < this.ends[w] ? w : NO_ROW;
  }

  private directRow(addr: number): number {
    const cs = this.cStart;
    if (cs.length === 0 || addr < cs[0]) return NO_ROW;
    let lo = 0;
    let hi = cs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (cs[mid] <= addr) lo = mid;
      else hi = mid - 1;
    }
    if (addr >= this.cEnd[lo]) return NO_ROW;
    const pages = this.cPages[lo];
    const last = this.cLastRow[lo];
    const p = Math.floor((addr - cs[lo]) / PAGE);
    let a = pages[p];
    let b = pages[p + 1] < last ? pages[p + 1] + 1 : last;
    const ends = this.dEnds;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (ends[mid] <= addr) a = mid + 1;
      else b = mid;
    }
    if (a < last && this.dStarts[a] <= addr && addr < ends[a]) return this.direct ? this.direct[a] : a;
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
