/**
 * Address → allocation lookup, as chap's `AllocationIndexOf`: the row whose
 * `[address, address + size)` holds the address, used or free. Rows are sorted
 * by address and do not overlap (a heap walk's output).
 *
 * For speed on millions of lookups the rows are grouped into clusters (runs of
 * rows without a gap above 1 MiB), each with a page table: the first row that
 * ends after each 4 KiB page. A lookup is a range check, a short search over
 * clusters, a page-table read and a binary search inside one page.
 * Memory: 16 bytes per row (start, end) + 4 bytes per 4 KiB page of the clusters.
 */
import type { AllocationTable } from '../../../src/model/allocations.ts';

const PAGE = 4096;
const GAP = 1 << 20;
export const NO_ROW = 0xffffffff;

export class AllocationIndex {
  readonly starts: Float64Array;
  readonly ends: Float64Array;
  readonly min: number;
  readonly max: number;
  private readonly cStart: Float64Array;
  private readonly cEnd: Float64Array;
  private readonly cLastRow: Uint32Array;
  private readonly cPages: Uint32Array[];

  constructor(table: AllocationTable) {
    const n = table.rows;
    this.starts = new Float64Array(n);
    this.ends = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const a = table.addrHi[i] * 4294967296 + table.addrLo[i];
      this.starts[i] = a;
      this.ends[i] = a + table.size[i];
      if (i > 0 && a < this.starts[i - 1]) throw new Error('allocation rows are not sorted by address');
    }
    this.min = n ? this.starts[0] : 0;
    let max = 0;
    for (let i = 0; i < n; i++) if (this.ends[i] > max) max = this.ends[i];
    this.max = max;
    const cs: number[] = [];
    const ce: number[] = [];
    const cf: number[] = [];
    const cl: number[] = [];
    for (let i = 0; i < n; i++) {
      const k = cs.length - 1;
      if (k >= 0 && this.starts[i] - ce[k] <= GAP) {
        if (this.ends[i] > ce[k]) ce[k] = this.ends[i];
        cl[k] = i + 1;
      } else {
        cs.push(this.starts[i]);
        ce.push(this.ends[i]);
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
        while (r < cl[k] && this.ends[r] <= pageStart) r++;
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
    for (const p of this.cPages) n += p.byteLength;
    return n;
  }

  /** The row holding `addr`, or NO_ROW. */
  rowOf(addr: number): number {
    if (addr < this.min || addr >= this.max) return NO_ROW;
    const cs = this.cStart;
    let lo = 0;
    let hi = cs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (cs[mid] <= addr) lo = mid;
      else hi = mid - 1;
    }
    if (addr >= this.cEnd[lo]) return NO_ROW;
    const pages = this.cPages[lo];
    const p = Math.floor((addr - cs[lo]) / PAGE);
    let a = pages[p];
    let b = pages[p + 1] < this.cLastRow[lo] ? pages[p + 1] + 1 : this.cLastRow[lo];
    // First row in [a, b) with end > addr.
    const ends = this.ends;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (ends[mid] <= addr) a = mid + 1;
      else b = mid;
    }
    if (a < this.cLastRow[lo] && this.starts[a] <= addr && addr < ends[a]) return a;
    return NO_ROW;
  }
}
