/**
 * Builds the reference graph of a snapshot's used allocations as chap's
 * `Allocations::Graph::FindEdges` does: every aligned pointer-sized word of a
 * used allocation (only when the allocation's address is aligned; the words
 * from its start up to its size rounded down to a word; only bytes the core
 * holds) whose value lies in another allocation `[address, address + size)`.
 * Edges are distinct per (source, target) pair and never point to the source
 * itself. chap also records edges from and to free allocations; no set depends
 * on them, so the graph here keeps used → used edges only.
 *
 * Memory is read in windows of a few MiB (one await per window). The words of a
 * window are scanned by a synchronous method (`EdgeScan.scan`), so that V8
 * optimises the hot loop (code inside an async function's loop stays in the
 * interpreter). A word is looked up only when its high half lies in the heap's
 * span. Edges are written straight into the CSR column, made at first a quarter
 * larger than the used allocations are many (as many edges or more is usual: each
 * allocation reached has a referrer) and doubled, with one copy, when full; its
 * buffer's rest is never written (on Linux, pages never written take no memory).
 * 4 bytes per edge + 4 per row.
 */
import { allocShared } from '../../../src/model/columns.ts';
import { AllocState, isInUse, usedTotals, type AllocationTable, type SizeColumn } from '../../../src/model/allocations.ts';
import type { ReferenceGraph } from '../../../src/model/references.ts';
import { StageMeter, type ReadControl } from '../io/stream.ts';
import { AllocationIndex, NO_ROW } from './allocation-index.ts';
import { WordReader } from './word-reader.ts';
import type { SeenHeapWords } from './heap-words.ts';
import { lastAtOrBelow } from '../../../src/model/sorted.ts';

const TWO32 = 4294967296;
/** Rows taken from the seen words between two progress reports. */
const SEEN_SLICE = 1 << 16;
/** 32-bit halves of the words looked at in one pass (64 KiB). */
const PASS = 16384;

export interface GraphStats {
  edges: number;
  /** Words looked up (non-zero, inside the heap's address span). */
  candidates: number;
  bytesRead: number;
}

/** The scan's state between windows: row `row`, its words from address `at` to `end` still to read. */
class EdgeScan {
  row = 0;
  /** Inside row `row` (its words from `at` up to `end` are left), or before it. */
  inRow = false;
  at = 0;
  end = 0;
  /** The row after the last target found: where the next is looked for first. */
  private next = 0;
  /** Targets of the current row so far. */
  private k = 0;
  /** One pass's candidate words. */
  private readonly cand = new Uint32Array(PASS);
  private scratch: Uint32Array = new Uint32Array(1024);
  /** The CSR target column, filled up to `edges` (made larger, and copied, only when it is full). */
  private col: Uint32Array;
  edges = 0;
  candidates = 0;
  /** Bytes of used allocations before the current row (progress). */
  scanned = 0;
  private readonly min: number;
  private readonly max: number;
  private readonly minHi: number;
  private readonly maxHi: number;
  private readonly hi: Uint32Array;
  private readonly lo: Uint32Array;
  /** The span's ends as the doubles with their bit patterns (for `cand64`). */
  private readonly fMin: number;
  private readonly fMax: number;
  /** The window `u` read as doubles, made once per window. */
  private f64of: Uint32Array | null = null;
  private f64: Float64Array = new Float64Array(0);
  private readonly size: SizeColumn;
  private readonly state: Uint8Array;
  private readonly n: number;

  constructor(
    table: AllocationTable,
    private readonly index: AllocationIndex,
    private readonly w: number,
    readonly outStart: Uint32Array,
    capacity: number,
  ) {
    this.col = new Uint32Array(allocShared(Math.max(1, capacity) * 4));
    this.n = table.rows;
    this.hi = table.addrHi;
    this.lo = table.addrLo;
    this.size = table.size;
    this.state = table.state;
    this.min = index.min;
    this.max = index.max;
    this.minHi = Math.floor(index.min / TWO32);
    this.maxHi = Math.floor((index.max - 1) / TWO32);
    const bits = new DataView(new ArrayBuffer(8));
    const asDouble = (v: number): number => {
      bits.setUint32(0, v % TWO32, true);
      bits.setUint32(4, Math.floor(v / TWO32), true);
      return bits.getFloat64(0, true);
    };
    this.fMin = asDouble(index.min);
    this.fMax = asDouble(index.max);
  }

  /**
   * Scans rows from the current one while their words are in `[base, loadedEnd)` (`u` holds them); returns
   * when every row is done or the current row needs words outside (`at` says where). The words are looked at
   * in passes of up to 64 KiB: one tight loop keeps the words whose value lies in the heap's span (`cand`),
   * then the rows of that stretch take the ones inside their own words.
   */
  scan(u: Uint32Array, base: number, loadedEnd: number): void {
    // Every per-row value lives in a local here (fields only between windows): no object writes per row.
    const { n, w, hi, lo, size, state, outStart, index, cand } = this;
    const iLoaded = Math.floor((loadedEnd - base) / w) * (w / 4);
    let r = this.row;
    let a = this.at;
    let end = this.end;
    let inRow = this.inRow;
    let k = this.k;
    let scanned = this.scanned;
    let looked = 0;
    let scratch = this.scratch;
    // With wrappers (rows holding rows) the index decides between them: no hint then.
    const hint = index.wrappers.length === 0;
    let next = this.next;
    // The pass of candidates being read: words [from, passEnd) of the window, `m` of them in `cand`, `c` the
    // next to look at; `rowStop` is where the row before stopped in it.
    let m = 0;
    let c = 0;
    let from = 0;
    let passEnd = -1;
    let rowStop = 0;
    const seen = this.seen;
    let stopped = false;
    for (;;) {
      if (stopped) break;
      if (!inRow) {
        for (; r < n; r++) {
          outStart[r] = this.edges;
          const st = state[r];
          if (st === AllocState.Free || st === AllocState.ThreadCachedFree) continue;
          const sz = size[r];
          scanned += sz;
          // Alignment from the low half, and the size rounded down to a word by integer arithmetic when it fits
          // (a double's % is a slow library call).
          if ((lo[r] & (w - 1)) !== 0) continue;
          a = hi[r] * TWO32 + lo[r];
          end = a + (sz < 2147483648 ? sz & -w : sz - (sz % w));
          if (a + w > end) continue;
          if (seen !== null && this.isSeen(a, end)) {
            // Left to `scanSeen` (which counts it).
            scanned -= sz;
            stopped = true;
            break;
          }
          inRow = true;
          k = 0;
          break;
        }
        if (!inRow) break;
      }
      if (a >= from && a < passEnd) {
        // The row starts inside the pass already read: its candidates are there. A row nested in the one before
        // (a wrapper's block) starts below where that one stopped: they are looked for again from the pass's first.
        if (a < rowStop) c = 0;
      } else {
        if (a < base || a + w > loadedEnd) break;
        const i0 = (a - base) / 4;
        const iStop = Math.min(iLoaded, i0 + PASS);
        m = w === 8 ? this.cand64(u, i0, iStop) : this.cand32(u, i0, iStop);
        c = 0;
        from = a;
        passEnd = base + iStop * 4;
      }
      rowStop = end < passEnd ? end : passEnd;
      const iA = (a - base) / 4;
      const iRowStop = (rowStop - base) / 4;
      while (c < m && cand[c] < iA) c++;
      for (; c < m; c++) {
        const i = cand[c];
        if (i >= iRowStop) break;
        const v = w === 8 ? u[i + 1] * TWO32 + u[i] : u[i];
        looked++;
        // The allocation after the last one found holds it, often (arrays of pointers to allocations made one
        // after another, lists linked in the order they were made): two compares instead of a lookup.
        let t = next;
        const start = hint && t < n ? hi[t] * TWO32 + lo[t] : -1;
        if (start >= 0 && v >= start && v < start + size[t]) next = t + 1;
        else {
          t = index.rowOf(v);
          if (t !== NO_ROW) next = t + 1;
        }
        if (t === NO_ROW || t === r || !isInUse(state[t])) continue;
        if (k === scratch.length) scratch = this.grow();
        scratch[k++] = t;
      }
      a = rowStop;
      if (rowStop + w <= end) continue; // more words of this row: the next pass, or the next window
      if (k === 1 && this.edges < this.col.length) {
        // One target (the usual row): appended here, without the call.
        this.col[this.edges++] = scratch[0];
      } else if (k) this.finishRow(k);
      k = 0;
      inRow = false;
      r++;
    }
    this.row = r;
    this.at = a;
    this.end = end;
    this.inRow = inRow;
    this.k = k;
    this.scanned = scanned;
    this.candidates += looked;
    this.next = next;
  }

  /**
   * Scans rows from the current one while all of a row's bytes were seen by the heap walk (`seen`: its words that may
   * point into the heap): their candidates are taken from there, nothing is read. Returns at the first row with
   * bytes not seen (left for `scan`, `seenStop` true) or when every row is done. The same rules as `scan`.
   */
  scanSeen(seen: SeenHeapWords, stop: number): void {
    const { w, hi, lo, size, state, outStart, index } = this;
    const n = this.n;
    const { addrs, values, starts, ends } = seen;
    const m = addrs.length;
    const min = this.min;
    const max = this.max;
    const hint = index.wrappers.length === 0;
    let r = this.row;
    let scanned = this.scanned;
    let looked = 0;
    let next = this.next;
    let scratch = this.scratch;
    // The seen interval of the last row ([sStart, sEnd)), and the first kept word at or past the last row's start.
    let sStart = 0;
    let sEnd = 0;
    let c = this.seenAt;
    let lastStart = -1;
    this.seenStop = false;
    for (; r < stop; r++) {
      outStart[r] = this.edges;
      const st = state[r];
      if (st === AllocState.Free || st === AllocState.ThreadCachedFree) continue;
      const sz = size[r];
      if ((lo[r] & (w - 1)) !== 0) {
        scanned += sz;
        continue;
      }
      const a = hi[r] * TWO32 + lo[r];
      const end = a + (sz < 2147483648 ? sz & -w : sz - (sz % w));
      if (a + w > end) {
        scanned += sz;
        continue;
      }
      if (a < sStart || end > sEnd) {
        const q = lastAtOrBelow(starts, a);
        if (q < 0 || end > ends[q]) {
          this.seenStop = true;
          break;
        }
        sStart = starts[q];
        sEnd = ends[q];
      }
      scanned += sz;
      // Rows come in address order; one nested in the row before (a wrapper's block) starts below it: found again.
      if (a < lastStart) c = lastAtOrBelow(addrs, a - 1) + 1;
      lastStart = a;
      while (c < m && addrs[c] < a) c++;
      let k = 0;
      for (let j = c; j < m; j++) {
        if (addrs[j] >= end) break;
        const v = values[j];
        if (v < min || v >= max) continue;
        looked++;
        let t = next;
        const start = hint && t < n ? hi[t] * TWO32 + lo[t] : -1;
        if (start >= 0 && v >= start && v < start + size[t]) next = t + 1;
        else {
          t = index.rowOf(v);
          if (t !== NO_ROW) next = t + 1;
        }
        if (t === NO_ROW || t === r || !isInUse(state[t])) continue;
        if (k === scratch.length) scratch = this.grow();
        scratch[k++] = t;
      }
      if (k === 1 && this.edges < this.col.length) this.col[this.edges++] = scratch[0];
      else if (k) this.finishRow(k);
    }
    this.row = r;
    this.scanned = scanned;
    this.candidates += looked;
    this.next = next;
    this.seenAt = c;
  }

  /** The heap walk's words (`scanSeen`); with them `scan` stops before a row whose bytes were all seen. */
  seen: SeenHeapWords | null = null;
  /** The seen interval `isSeen` found last. */
  private sStart = 0;
  private sEnd = 0;

  /** True when all of `[a, end)` was seen. */
  private isSeen(a: number, end: number): boolean {
    if (a >= this.sStart && end <= this.sEnd) return true;
    const { starts, ends } = this.seen!;
    const q = lastAtOrBelow(starts, a);
    if (q < 0 || end > ends[q]) return false;
    this.sStart = starts[q];
    this.sEnd = ends[q];
    return true;
  }

  /** Where the next seen bytes above `a` start (a window read for the rows not seen stops there), or Infinity. */
  seenAbove(a: number): number {
    const { starts } = this.seen!;
    const q = lastAtOrBelow(starts, a) + 1;
    return q < starts.length ? starts[q] : Infinity;
  }
  /** `scanSeen` stopped at a row whose bytes were not all seen. */
  seenStop = false;
  /** `scanSeen`'s place in the seen words. */
  private seenAt = 0;

  /**
   * Word indexes (from `i`, below `iStop`) of the 64-bit words whose value is in the heap's span, into `cand`; returns
   * how many. The words are read as doubles: for values below 2^63 a double's order is its bit pattern's order, so
   * one load and two compares against the span's ends read as doubles (tiny subnormals) keep the same words as
   * comparing the integers (negative and NaN patterns fail the compares; a -0 let through when the span starts at 0
   * is looked up and found in no row). Unaligned windows take the halves.
   */
  private cand64(u: Uint32Array, i: number, iStop: number): number {
    const { cand, min, max, minHi, maxHi } = this;
    let m = 0;
    if (u.byteOffset % 8 === 0) {
      if (this.f64of !== u) {
        this.f64of = u;
        this.f64 = new Float64Array(u.buffer, u.byteOffset, u.length >>> 1);
      }
      const f = this.f64;
      const fMin = this.fMin;
      const fMax = this.fMax;
      for (let j = i >>> 1, jStop = iStop >>> 1; j < jStop; j++) {
        const x = f[j];
        if (x >= fMin && x < fMax) cand[m++] = j << 1;
      }
      return m;
    }
    for (; i < iStop; i += 2) {
      const hi = u[i + 1];
      if (hi < minHi || hi > maxHi) continue;
      const v = hi * TWO32 + u[i];
      if (v < min || v >= max) continue;
      cand[m++] = i;
    }
    return m;
  }

  /** `cand64` for 32-bit words. */
  private cand32(u: Uint32Array, i: number, iStop: number): number {
    const { cand, min, max } = this;
    let m = 0;
    for (; i < iStop; i++) {
      const v = u[i];
      if (v < min || v >= max) continue;
      cand[m++] = i;
    }
    return m;
  }

  private grow(): Uint32Array {
    const g = new Uint32Array(this.scratch.length * 2);
    g.set(this.scratch);
    return (this.scratch = g);
  }

  /** The current row's words beyond `at` are not in the core (chap reads none): its edges are those found. */
  skipRest(): void {
    this.finishRow(this.k);
    this.k = 0;
    this.inRow = false;
    this.row++;
  }

  /** Row bits for `finishRow`'s many-target rows (made on first use). */
  private bits: Int32Array | null = null;

  /** Appends the current row's distinct targets, ascending. */
  private finishRow(k: number): void {
    if (k === 0) return;
    const s = this.scratch;
    // A row with more than 65,536 targets and more than one per 32 rows (a pointer array over whole heaps): its
    // targets are marked in a bit per row and read back in order (linear in the rows / 32 and the targets; sorting
    // 5.6M of them took ~0.4 s).
    let ascending = true;
    if (k > 65536 && k > this.n >>> 5) k = this.sortByBits(k);
    else for (let j = 1; j < k && ascending; j++) ascending = s[j - 1] <= s[j];
    if (!ascending) {
      if (k <= 16) {
        for (let j = 1; j < k; j++) {
          const x = s[j];
          let q = j - 1;
          while (q >= 0 && s[q] > x) {
            s[q + 1] = s[q];
            q--;
          }
          s[q + 1] = x;
        }
      } else s.subarray(0, k).sort();
    }
    let edges = this.edges;
    if (edges + k > this.col.length) this.growTo(edges + k);
    const col = this.col;
    let prev = -1;
    for (let j = 0; j < k; j++) {
      const t = s[j];
      if (t === prev) continue;
      prev = t;
      col[edges++] = t;
    }
    this.edges = edges;
  }

  /** A column of at least `need` entries (twice the old one at least) with the edges so far. */
  private growTo(need: number): void {
    let cap = this.col.length * 2;
    if (cap < need) cap = need;
    const g = new Uint32Array(allocShared(cap * 4));
    g.set(this.col.subarray(0, this.edges));
    this.col = g;
  }

  /** `scratch[0, k)` made distinct and ascending through a bit per row; returns how many are left. */
  private sortByBits(k: number): number {
    const s = this.scratch;
    const words = (this.n + 31) >>> 5;
    const bits = (this.bits ??= new Int32Array(words));
    let lowest = words;
    let highest = -1;
    for (let j = 0; j < k; j++) {
      const t = s[j];
      const q = t >>> 5;
      bits[q] |= 1 << (t & 31);
      if (q < lowest) lowest = q;
      if (q > highest) highest = q;
    }
    // Every target is marked before the first is written back over them.
    let m = 0;
    for (let q = lowest; q <= highest; q++) {
      let b = bits[q];
      if (b === 0) continue;
      bits[q] = 0;
      while (b !== 0) {
        const low = b & -b;
        s[m++] = q * 32 + (31 - Math.clz32(low));
        b ^= low;
      }
    }
    return m;
  }

  /** The edges: the column's first `edges` entries (the rest of its buffer was never written: no memory on Linux). */
  targets(): Uint32Array {
    return new Uint32Array(this.col.buffer, 0, this.edges);
  }
}

export async function buildReferenceGraph(
  table: AllocationTable,
  index: AllocationIndex,
  reader: WordReader,
  ctl?: ReadControl,
  name = 'core',
  seen?: SeenHeapWords,
): Promise<{ graph: ReferenceGraph; stats: GraphStats }> {
  const n = table.rows;
  const w = reader.pointerSize;
  const outStart = new Uint32Array(allocShared((n + 1) * 4));
  // Progress: bytes of used allocations to scan (the windows read are about that much).
  const { bytes: total, count: used } = usedTotals(table);
  const meter = new StageMeter(ctl, name, 'leaks', total, 'bytes');
  // Every used allocation reached through the graph has a referrer, so there are about as many edges as used
  // allocations, or more: the column starts a quarter larger and doubles (one copy) when full.
  const s = new EdgeScan(table, index, w, outStart, used + (used >>> 2) + 1024);
  // The words the heap walk saw serve when the heap's span lies in theirs (it does when the table is the walk's).
  const words = seen && index.min >= seen.min && index.max <= seen.max ? seen : null;
  s.seen = words;
  for (;;) {
    if (words && !s.inRow) {
      // Seen rows a slice at a time (progress and Cancel between slices).
      s.scanSeen(words, Math.min(n, s.row + SEEN_SLICE));
      meter.at(s.scanned);
      if (s.row >= n) break;
      if (!s.seenStop) continue;
    }
    // Rows not seen, read in windows up to the next seen bytes.
    s.scan(reader.u32view, reader.loadedBase, reader.loadedEnd);
    if (s.row >= n) break;
    if (!s.inRow) continue; // stopped before a seen row
    meter.at(s.scanned - table.size[s.row] + (s.at - index.startOf(s.row)));
    if (words) reader.readLimit = s.seenAbove(s.at);
    const got = await reader.load(s.at, s.end);
    if (got < s.at + w) s.skipRest(); // the rest of the allocation is not in the core: no words (chap reads zeros)
  }
  reader.readLimit = Infinity;
  outStart[n] = s.edges;
  const outTarget = s.targets();
  meter.end();
  return { graph: { rows: n, outStart, outTarget }, stats: { edges: s.edges, candidates: s.candidates, bytesRead: reader.bytesRead } };
}

/** Adds the incoming direction (CSR by target; sources ascending) to a graph, once. */
export function withIncoming(g: ReferenceGraph): Required<ReferenceGraph> {
  if (g.inStart && g.inSource) return g as Required<ReferenceGraph>;
  const n = g.rows;
  const m = g.outStart[n];
  const inStart = new Uint32Array(allocShared((n + 1) * 4));
  const inSource = new Uint32Array(allocShared(Math.max(1, m) * 4), 0, m);
  for (let i = 0; i < m; i++) inStart[g.outTarget[i] + 1]++;
  for (let i = 0; i < n; i++) inStart[i + 1] += inStart[i];
  const fill = inStart.slice(0, n);
  for (let s = 0; s < n; s++) for (let i = g.outStart[s], end = g.outStart[s + 1]; i < end; i++) inSource[fill[g.outTarget[i]]++] = s;
  g.inStart = inStart;
  g.inSource = inSource;
  return g as Required<ReferenceGraph>;
}
