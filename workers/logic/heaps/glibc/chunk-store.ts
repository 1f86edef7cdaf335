/**
 * The glibc walk's chunks, about 5 bytes each: per chunk a 32-bit offset (in
 * 8-byte units from its segment's first allocation) and a byte of flags. A
 * chunk's size is the distance to the next chunk of its segment less one word
 * (chunks of a heap or a run are contiguous, and chap's size of a heap chunk is
 * chunksize − 1 word); only chunks where that does not hold (the last of a
 * segment, top, mmapped chunks) keep their size, in a short side list. The
 * first word of an allocation (a free list's link when the chunk is on one) is
 * kept only when the walk read it, the chunk is small enough for a fastbin or
 * a tcache bin, and the word looks like a link (0, or a plain or safe-linked
 * pointer into the heaps' span); the free lists read any other link from the
 * core. Nothing here changes an answer: every row's address, size and state
 * are exactly those of the walk.
 *
 * A `Segment` is one walked region's chunks (or part of one: a new segment
 * starts when an offset would pass 32 GiB). `ChunkStore` is the segments in
 * region order, rows numbered across them in that order (the table's order).
 */
import type { Region } from './walk.ts';
import { findSorted, lastAtOrBelow, lastAtOrBelowBy } from '../../../../src/model/sorted.ts';
import { grown } from '../../../../src/model/columns.ts';

export const F_USED = 1;
export const F_TCACHED = 2;
/** The first word was kept and is 0 (no storage). */
const F_LINK_ZERO = 4;
/** The first word was kept in the side list. */
const F_LINK = 8;
/** The size is in the side list (not next chunk's distance − 1 word). */
const F_SIZED = 16;
/** Already on a free list (a chunk is on one list at most: the lists' walks are bounded by the chunks). */
const F_ON_LIST = 32;

const UNIT = 8;
const MAX_OFF = 0xffffffff;

/**
 * One page's addresses and sizes into a batch's arrays; returns the next kept size's index. A plain function: the
 * loop inside the generator `batches` ran 2.4x slower (V8 optimises loops in resumable functions less well).
 */
function fillBatch(s: Segment, off: Uint32Array, flags: Uint8Array, n: number, after: number, sizedAt: number, addr: Float64Array, size: Float64Array): number {
  const base = s.base;
  const word = s.word;
  const sized = s.sized;
  for (let j = 0; j < n; j++) {
    addr[j] = base + off[j] * UNIT;
    if (flags[j] & F_SIZED) size[j] = sized[sizedAt++];
    else size[j] = ((j + 1 < n ? off[j + 1] : after) - off[j]) * UNIT - word;
  }
  return sizedAt;
}

/**
 * `fillBatch`'s sizes for one page, pushing the address of each used row of size `want` onto `out`; returns the next
 * kept size's index (a plain function, as `fillBatch`).
 */
function usedOfSizeIn(s: Segment, off: Uint32Array, flags: Uint8Array, n: number, after: number, sizedAt: number, want: number, out: number[]): number {
  const word = s.word;
  const sized = s.sized;
  for (let j = 0; j < n; j++) {
    const f = flags[j];
    const size = f & F_SIZED ? sized[sizedAt++] : ((j + 1 < n ? off[j + 1] : after) - off[j]) * UNIT - word;
    if (size === want && f & F_USED) out.push(s.base + off[j] * UNIT);
  }
  return sizedAt;
}

/** Rows per page of a segment's offsets and flags (pages are never copied as the segment grows, but the first). */
const PAGE_BITS = 16;
const PAGE_ROWS = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_ROWS - 1;

/** One walked region's chunks, appended in address order. */
export class Segment {
  /** Address of the first row (every row's address is base + 8 × offset). */
  base = -1;
  /** Offsets and flags in pages of 65,536 rows (the first page grows from 64 rows, so a small segment stays small). */
  offPages: Uint32Array[] = [];
  flagPages: Uint8Array[] = [];
  length = 0;
  /** Rows whose size is kept, ascending, and their sizes. */
  sizedRow = new Uint32Array(4);
  sized = new Float64Array(4);
  sizedLength = 0;
  /** Rows whose non-zero first word is kept, ascending, and its halves. */
  linkRow = new Uint32Array(4);
  linkHi = new Uint32Array(4);
  linkLo = new Uint32Array(4);
  linkLength = 0;
  /** Per page of rows: the index of its first row's entry among the kept links (`linkAt` searches one page's). */
  linkPage = new Uint32Array(4);
  /** Per page of rows: its first row's offset (the page a lookup searches is found in this one array). */
  pageFirst = new Uint32Array(4);
  /** Size of the last row, until the next row (or `close`) says whether it must be kept. */
  private lastSize = 0;
  private lastAddr = 0;
  /** The segment that continues this region past 32 GiB of offsets, if one was needed. */
  next: Segment | null = null;

  constructor(
    readonly region: Region,
    readonly word: number,
  ) {}

  /** Rows of this segment and the ones continuing it. */
  get rows(): number {
    return this.length + (this.next ? this.next.rows : 0);
  }

  /** The segment rows are appended to now (this one, or the last continuing it). */
  tail(): Segment {
    return this.next ? this.next.tail() : this;
  }

  /**
   * Appends a chunk's allocation (address, chap's size, used); `link` is its first word's halves when the walk
   * keeps it (null: read it from the core if a free list needs it).
   */
  push(addr: number, size: number, used: boolean, link: [number, number] | null): void {
    this.pushWord(Math.floor(addr / 4294967296), addr | 0, size, used, link !== null, link ? link[0] | 0 : 0, link ? link[1] | 0 : 0);
  }

  /**
   * `push` with the address and the kept first word as 32-bit halves (`kept` false: not kept), so the walk makes no
   * pair per chunk. The low halves come as int32 (`x | 0`) and the high ones are small: V8 passes them as small
   * integers, where an address or a half above 2^31 passed as a number is a heap number made per call (the walk of
   * the bench core made 110 MB of them).
   */
  pushWord(addrHi: number, addrLo: number, size: number, used: boolean, kept: boolean, hi: number, lo: number): void {
    const s = this.next ? this.tail() : this;
    const off = (addrHi * 4294967296 + (addrLo >>> 0) - s.base) / UNIT;
    if (s.length && !(Number.isInteger(off) && off >= 0 && off <= MAX_OFF)) {
      s.close();
      s.next = new Segment(this.region, this.word);
      s.next.pushWord(addrHi, addrLo, size, used, kept, hi, lo);
      return;
    }
    s.append(addrHi, addrLo, size, used, kept, hi, lo);
  }

  private append(addrHi: number, addrLo: number, size: number, used: boolean, kept: boolean, hi: number, lo: number): void {
    const addr = addrHi * 4294967296 + (addrLo >>> 0);
    if (this.length === 0) this.base = addr;
    else if (addr - this.lastAddr !== this.lastSize + this.word) this.keepSize(this.length - 1, this.lastSize);
    const i = this.length++;
    const page = i >>> PAGE_BITS;
    const at = i & PAGE_MASK;
    if (page === this.offPages.length) {
      const n = page === 0 ? 64 : PAGE_ROWS;
      this.offPages.push(new Uint32Array(n));
      this.flagPages.push(new Uint8Array(n));
      this.linkPage = grown(this.linkPage, page + 1);
      this.linkPage[page] = this.linkLength;
      this.pageFirst = grown(this.pageFirst, page + 1);
      this.pageFirst[page] = (addr - this.base) / UNIT;
    } else if (at === this.offPages[page].length) {
      this.offPages[page] = grown(this.offPages[page], Math.min(PAGE_ROWS, at * 2));
      this.flagPages[page] = grown(this.flagPages[page], Math.min(PAGE_ROWS, at * 2));
    }
    this.offPages[page][at] = (addr - this.base) / UNIT;
    let f = used ? F_USED : 0;
    if (kept) {
      if (hi === 0 && lo === 0) f |= F_LINK_ZERO;
      else {
        f |= F_LINK;
        const k = this.linkLength++;
        this.linkRow = grown(this.linkRow, this.linkLength);
        this.linkHi = grown(this.linkHi, this.linkLength);
        this.linkLo = grown(this.linkLo, this.linkLength);
        this.linkRow[k] = i;
        this.linkHi[k] = hi;
        this.linkLo[k] = lo;
      }
    }
    this.flagPages[page][at] = f;
    this.lastAddr = addr;
    this.lastSize = size;
  }

  private keepSize(row: number, size: number): void {
    const k = this.sizedLength++;
    this.sizedRow = grown(this.sizedRow, this.sizedLength);
    this.sized = grown(this.sized, this.sizedLength);
    this.sizedRow[k] = row;
    this.sized[k] = size;
    this.flagPages[row >>> PAGE_BITS][row & PAGE_MASK] |= F_SIZED;
  }

  /** Flags of row `i`. */
  flagAt(i: number): number {
    return this.flagPages[i >>> PAGE_BITS][i & PAGE_MASK];
  }

  setFlagAt(i: number, f: number): void {
    this.flagPages[i >>> PAGE_BITS][i & PAGE_MASK] = f;
  }

  private offAt(i: number): number {
    return this.offPages[i >>> PAGE_BITS][i & PAGE_MASK];
  }

  /**
   * Ends the segment: its last row keeps its size. The last page is trimmed to its rows; the side lists keep their
   * capacity (read up to their lengths: a copy would touch as many fresh pages again, and their unused tails were
   * never written, so they take no memory).
   */
  close(): void {
    if (this.length && !(this.flagAt(this.length - 1) & F_SIZED)) this.keepSize(this.length - 1, this.lastSize);
    // The last page trimmed to its rows (at most 64 Ki rows copied).
    const last = this.offPages.length - 1;
    const rows = this.length - last * PAGE_ROWS;
    if (last >= 0 && rows < this.offPages[last].length) {
      this.offPages[last] = this.offPages[last].slice(0, rows);
      this.flagPages[last] = this.flagPages[last].slice(0, rows);
    }
    this.next?.close();
  }

  addrAt(i: number): number {
    return this.base + this.offAt(i) * UNIT;
  }

  sizeAt(i: number): number {
    if (this.flagAt(i) & F_SIZED) return this.sized[rowIn(this.sizedRow, this.sizedLength, i)];
    return (this.offAt(i + 1) - this.offAt(i)) * UNIT - this.word;
  }

  /** The kept first word of row `i`, or null when it was not kept. */
  linkAt(i: number): [number, number] | null {
    const f = this.flagAt(i);
    if (f & F_LINK_ZERO) return [0, 0];
    if (!(f & F_LINK)) return null;
    // Among the links of row i's page only: the free lists look up links anywhere in a segment of millions of rows.
    const page = i >>> PAGE_BITS;
    const k = rowInRange(this.linkRow, this.linkPage[page], page + 1 < this.offPages.length ? this.linkPage[page + 1] : this.linkLength, i);
    return [this.linkHi[k], this.linkLo[k]];
  }

  /** Bytes held by the segment's arrays (the continuing ones included; the side lists up to their lengths). */
  bytes(): number {
    let own = this.sizedLength * 12 + this.linkLength * 12 + this.offPages.length * 8;
    for (let p = 0; p < this.offPages.length; p++) own += this.offPages[p].byteLength + this.flagPages[p].byteLength;
    return own + (this.next ? this.next.bytes() : 0);
  }
}

/**
 * Index of `x` in the ascending `a` (distinct values), or −1. Monomorphic (Uint32Array only; the shared helpers in
 * sorted.ts see every array type): the free lists look rows up once or twice per node, at addresses anywhere in the
 * heap. A page's offsets grow about evenly, so the search starts where `x` would be if they grew exactly evenly,
 * gallops from there to a bracket and ends in a binary search of it: a few loads near one place instead of 16
 * spread over the page's 256 KiB (each a cache miss: the fastbin lists' lookups were bound by them).
 */
export function exactIn(a: Uint32Array, x: number): number {
  let lo = 0;
  let hi = a.length - 1;
  if (hi < 0 || x < a[0] || x > a[hi]) return -1;
  const span = a[hi] - a[0];
  if (hi > 16 && span > 0) {
    const g = Math.min(hi, Math.floor(((x - a[0]) / span) * hi));
    const v = a[g];
    if (v === x) return g;
    let b = 1;
    if (v < x) {
      while (g + b <= hi && a[g + b] < x) b *= 2;
      lo = g + (b >>> 1) + 1;
      if (g + b < hi) hi = g + b;
    } else {
      while (g - b >= 0 && a[g - b] > x) b *= 2;
      hi = g - (b >>> 1) - 1;
      if (g - b > 0) lo = g - b;
    }
  }
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = a[mid];
    if (v < x) lo = mid + 1;
    else if (v > x) hi = mid - 1;
    else return mid;
  }
  return -1;
}
/** Index of `row` in the ascending `rows[0, n)` (it is there: its flag says so). */
function rowIn(rows: Uint32Array, n: number, row: number): number {
  return rowInRange(rows, 0, n, row);
}

/** `rowIn` within `rows[from, to)`. */
function rowInRange(rows: Uint32Array, from: number, to: number, row: number): number {
  let lo = from;
  let hi = to - 1;
  let ans = from;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid] <= row) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/** A batch of consecutive rows of the store, in its order (views valid until the next batch). */
export interface ChunkBatch {
  /** Store row of the batch's first row. */
  first: number;
  length: number;
  addr: Float64Array;
  size: Float64Array;
  /** F_USED / F_TCACHED bits of each row. */
  flags: Uint8Array;
  /** 1-based region of every row of the batch. */
  region: number;
}

/**
 * The walked segments in region order (sorted by region start, as the table is), rows numbered across them.
 * `regions` holds each region once, in that order; `regionOf(row)` is 1-based.
 */
export class ChunkStore {
  readonly segs: Segment[] = [];
  /** Store row of each segment's first row; one more entry: the row count. */
  private readonly firstRow: number[] = [0];
  /** 1-based region of each segment. */
  private readonly segRegion: number[] = [];
  readonly regions: Region[] = [];
  private hint = 0;

  /** The walked regions' segments, sorted by region start (a stable sort: the walk's order among equals). */
  constructor(walked: Segment[]) {
    const sorted = [...walked].sort((a, b) => a.region.start - b.region.start);
    for (const r of sorted) {
      this.regions.push(r.region);
      r.close();
      const chain: Segment[] = [];
      for (let s: Segment | null = r; s; s = s.next) chain.push(s);
      for (const s of chain) {
        s.next = null;
        this.segs.push(s);
        this.segRegion.push(this.regions.length);
        this.firstRow.push(this.firstRow[this.firstRow.length - 1] + s.length);
      }
    }
  }

  get length(): number {
    return this.firstRow[this.firstRow.length - 1];
  }

  /** The segment holding store row `row` (a cached guess first: lookups are mostly near each other). */
  private segOf(row: number): number {
    const f = this.firstRow;
    let k = this.hint;
    if (row >= f[k] && row < f[k + 1]) return k;
    k = Math.max(0, lastAtOrBelow(f, row, 0, this.segs.length));
    // Empty segments share a first row with the next: step to the one that holds the row.
    while (k + 1 < this.segs.length && f[k + 1] <= row) k++;
    this.hint = k;
    return k;
  }

  addrAt(row: number): number {
    const k = this.segOf(row);
    return this.segs[k].addrAt(row - this.firstRow[k]);
  }

  sizeAt(row: number): number {
    const k = this.segOf(row);
    return this.segs[k].sizeAt(row - this.firstRow[k]);
  }

  private flagsAt(row: number): number {
    const k = this.segOf(row);
    return this.segs[k].flagAt(row - this.firstRow[k]);
  }

  private setFlag(row: number, bit: number, on: boolean): void {
    const k = this.segOf(row);
    const s = this.segs[k];
    const i = row - this.firstRow[k];
    const f = s.flagAt(i);
    s.setFlagAt(i, on ? f | bit : f & ~bit);
  }

  isUsed(row: number): boolean {
    return (this.flagsAt(row) & F_USED) !== 0;
  }

  setFree(row: number): void {
    this.setFlag(row, F_USED, false);
  }

  isTcached(row: number): boolean {
    return (this.flagsAt(row) & F_TCACHED) !== 0;
  }

  setTcached(row: number): void {
    this.setFlag(row, F_TCACHED, true);
  }

  isOnList(row: number): boolean {
    return (this.flagsAt(row) & F_ON_LIST) !== 0;
  }

  setOnList(row: number): void {
    this.setFlag(row, F_ON_LIST, true);
  }

  linkAt(row: number): [number, number] | null {
    const k = this.segOf(row);
    return this.segs[k].linkAt(row - this.firstRow[k]);
  }

  /** 1-based region of store row `row`. */
  regionOf(row: number): number {
    return this.segRegion[this.segOf(row)];
  }

  /**
   * Index of the row at address `a`, or −1: a binary search over the rows in store order (the same answer as
   * one over an array of their addresses).
   */
  indexOf(a: number): number {
    if ((this.ordered ??= this.orderSegments()).length) return this.indexInOrder(a);
    return findSorted(this.length, (i) => this.addrAt(i) - a);
  }

  /**
   * True when every row lies above the one before across the store (a segment's rows always do: the walk appends
   * them in address order; its segments in order, none starting at or below the end of the one before).
   */
  increasing(): boolean {
    return (this.ordered ??= this.orderSegments()).length > 0 || this.segs.every((s) => s.length === 0);
  }

  /**
   * Addresses of the used rows of allocation size `want` outside mmapped regions, in store order (the tcache
   * structs' candidates): each segment's sizes read from its offsets, an address made only for a row that matches
   * (a pass over the batches made every row's address and size: ~45 ms on the bench core's 2.5M rows).
   */
  usedOfSize(want: number): number[] {
    const out: number[] = [];
    for (let k = 0; k < this.segs.length; k++) {
      if (this.regions[this.segRegion[k] - 1].kind === 'mmapped') continue;
      const s = this.segs[k];
      const pages = s.offPages.length;
      let sizedAt = 0;
      for (let p = 0; p < pages; p++) {
        const off = s.offPages[p];
        const after = p + 1 < pages ? s.offPages[p + 1][0] : 0;
        sizedAt = usedOfSizeIn(s, off, s.flagPages[p], Math.min(PAGE_ROWS, s.length - p * PAGE_ROWS), after, sizedAt, want, out);
      }
    }
    return out;
  }

  /**
   * The non-empty segments with their first and last addresses when every row lies above the one before across
   * the store (no overlapping regions: the usual core), else empty: `indexOf` then searches by address within one
   * segment's offsets (the same row: addresses are unique there), not through `addrAt` at every step.
   */
  private ordered: { k: number; first: number; last: number }[] | null = null;

  private orderSegments(): { k: number; first: number; last: number }[] {
    const out: { k: number; first: number; last: number }[] = [];
    for (let k = 0; k < this.segs.length; k++) {
      const s = this.segs[k];
      if (!s.length) continue;
      const first = s.addrAt(0);
      if (out.length && first <= out[out.length - 1].last) return [];
      out.push({ k, first, last: s.addrAt(s.length - 1) });
    }
    return out;
  }

  /** The segment (in `ordered`) and page of the last `indexInOrder` lookup: lists and scans look up nearby rows in turn. */
  private lastSeg = 0;
  private lastPage = 0;

  private indexInOrder(a: number): number {
    const o = this.ordered!;
    let lo = this.lastSeg;
    if (!(lo < o.length && o[lo].first <= a && (lo + 1 === o.length || o[lo + 1].first > a))) {
      lo = lastAtOrBelowBy(o.length, (i) => o[i].first, a);
      if (lo < 0) return -1;
      this.lastSeg = lo;
    }
    const { k, last } = o[lo];
    if (a > last) return -1;
    const s = this.segs[k];
    const off = (a - s.base) / UNIT;
    if (!Number.isInteger(off)) return -1;
    const pages = s.offPages;
    const firsts = s.pageFirst;
    let p = this.lastPage;
    if (!(p < pages.length && firsts[p] <= off && (p + 1 === pages.length || firsts[p + 1] > off))) {
      p = Math.max(0, lastAtOrBelow(firsts, off, 0, pages.length));
      this.lastPage = p;
    }
    const at = exactIn(pages[p], off);
    return at < 0 ? -1 : this.firstRow[k] + p * PAGE_ROWS + at;
  }

  /** The batches' arrays, made once: every pass over the store (the free lists, the table, streamed rows) reuses them. */
  private batchArrays: { addr: Float64Array; size: Float64Array } | null = null;

  /**
   * Every row in store order, a segment's page (up to 65,536 rows) at a time, into arrays reused by every call
   * (one pass at a time: a batch is valid until the next batch of any pass).
   */
  *batches(): Generator<ChunkBatch> {
    const { addr, size } = (this.batchArrays ??= { addr: new Float64Array(PAGE_ROWS), size: new Float64Array(PAGE_ROWS) });
    for (let k = 0; k < this.segs.length; k++) {
      const s = this.segs[k];
      let sizedAt = 0;
      for (let p = 0; p < s.offPages.length; p++) {
        const start = p * PAGE_ROWS;
        const n = Math.min(PAGE_ROWS, s.length - start);
        const off = s.offPages[p];
        const flags = s.flagPages[p];
        // The next page's first offset: a page's last row's size when it is not kept (a segment's last row always is).
        const after = p + 1 < s.offPages.length ? s.offPages[p + 1][0] : 0;
        sizedAt = fillBatch(s, off, flags, n, after, sizedAt, addr, size);
        yield { first: this.firstRow[k] + start, length: n, addr, size, flags: flags.subarray(0, n), region: this.segRegion[k] };
      }
    }
  }

  /** Bytes held by the store's arrays. */
  bytes(): number {
    return this.segs.reduce((n, s) => n + s.bytes(), 0);
  }
}
