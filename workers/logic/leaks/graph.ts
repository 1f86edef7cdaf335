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
 * span. Edges go into pages of 1 Mi entries and are copied once into the CSR
 * column at the end: 4 bytes per edge + 4 per row.
 */
import { allocShared } from '../../../src/model/columns.ts';
import { AllocState, type AllocationTable } from '../../../src/model/allocations.ts';
import type { ReferenceGraph } from '../../../src/model/references.ts';
import { StageMeter, type ReadControl } from '../io/stream.ts';
import { AllocationIndex, NO_ROW } from './allocation-index.ts';
import { WordReader } from './word-reader.ts';

const TWO32 = 4294967296;
const PAGE = 1 << 20;

export interface GraphStats {
  edges: number;
  /** Words looked up (non-zero, inside the heap's address span). */
  candidates: number;
  bytesRead: number;
}

function isUsed(state: number): boolean {
  return state !== AllocState.Free && state !== AllocState.ThreadCachedFree;
}

/** The scan's state between windows: row `row`, its words from address `at` to `end` still to read. */
class EdgeScan {
  row = 0;
  /** Inside row `row` (its words from `at` up to `end` are left), or before it. */
  inRow = false;
  at = 0;
  end = 0;
  /** Targets of the current row so far. */
  private k = 0;
  private scratch: Uint32Array = new Uint32Array(1024);
  /** Edge pages: full ones, then `page` filled up to `p`. */
  private readonly pages: Uint32Array[] = [];
  private page: Uint32Array = new Uint32Array(PAGE);
  private p = 0;
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
  private readonly size: Float64Array;
  private readonly state: Uint8Array;
  private readonly n: number;

  constructor(
    table: AllocationTable,
    private readonly index: AllocationIndex,
    private readonly w: number,
    readonly outStart: Uint32Array,
  ) {
    this.n = table.rows;
    this.hi = table.addrHi;
    this.lo = table.addrLo;
    this.size = table.size;
    this.state = table.state;
    this.min = index.min;
    this.max = index.max;
    this.minHi = Math.floor(index.min / TWO32);
    this.maxHi = Math.floor((index.max - 1) / TWO32);
  }

  /**
   * Scans rows from the current one while their words are in `[base, loadedEnd)` (`u` holds them); returns
   * when every row is done or the current row needs words outside (`at` says where).
   */
  scan(u: Uint32Array, base: number, loadedEnd: number): void {
    const { n, w, hi, lo, size, state, outStart } = this;
    let r = this.row;
    let k = this.k;
    let scanned = this.scanned;
    let a = this.at;
    let end = this.end;
    let inRow = this.inRow;
    for (; r < n; r++) {
      if (!inRow) {
        outStart[r] = this.edges;
        const st = state[r];
        if (st === AllocState.Free || st === AllocState.ThreadCachedFree) continue;
        const sz = size[r];
        a = hi[r] * TWO32 + lo[r];
        scanned += sz;
        if (a % w !== 0) continue;
        end = a + (sz - (sz % w));
        k = 0;
        inRow = true;
      }
      if (a < end) {
        if (a < base || a + w > loadedEnd) break;
        const stop = end < loadedEnd ? end : loadedEnd;
        // Word indexes into the window (small integers) instead of addresses (doubles) in the hot loop.
        const i = (a - base) / 4;
        const iEnd = w === 8 ? (stop - base) / 4 - 1 : (stop - base) / 4;
        k = w === 8 ? this.words64(u, i, iEnd, r, k) : this.words32(u, i, iEnd, r, k);
        const next = w === 8 ? i + 2 * Math.ceil((iEnd - i) / 2) : iEnd;
        a = base + (next > i ? next : i) * 4;
        if (a + w <= end) break; // more words of this row, in the next window
      }
      this.k = k;
      this.finishRow();
      inRow = false;
    }
    this.row = r;
    this.k = k;
    this.at = a;
    this.end = end;
    this.inRow = inRow;
    this.scanned = scanned;
  }

  /** The targets of the 64-bit words `u[i], u[i + 1]`, … below `iEnd` of row `r`, after `k` found before; returns the new count. */
  private words64(u: Uint32Array, i: number, iEnd: number, r: number, k: number): number {
    const { index, state, min, max, minHi, maxHi } = this;
    let scratch = this.scratch;
    let candidates = 0;
    for (; i < iEnd; i += 2) {
      const hi = u[i + 1];
      if (hi < minHi || hi > maxHi) continue;
      const v = hi * TWO32 + u[i];
      if (v < min || v >= max) continue;
      candidates++;
      const t = index.rowOf(v);
      if (t === NO_ROW || t === r || !isUsed(state[t])) continue;
      if (k === scratch.length) scratch = this.grow();
      scratch[k++] = t;
    }
    this.candidates += candidates;
    return k;
  }

  /** `words64` for 32-bit words. */
  private words32(u: Uint32Array, i: number, iEnd: number, r: number, k: number): number {
    const { index, state, min, max } = this;
    let scratch = this.scratch;
    let candidates = 0;
    for (; i < iEnd; i++) {
      const v = u[i];
      if (v < min || v >= max) continue;
      candidates++;
      const t = index.rowOf(v);
      if (t === NO_ROW || t === r || !isUsed(state[t])) continue;
      if (k === scratch.length) scratch = this.grow();
      scratch[k++] = t;
    }
    this.candidates += candidates;
    return k;
  }

  private grow(): Uint32Array {
    const g = new Uint32Array(this.scratch.length * 2);
    g.set(this.scratch);
    return (this.scratch = g);
  }

  /** The current row's words beyond `at` are not in the core (chap reads none): its edges are those found. */
  skipRest(): void {
    this.finishRow();
    this.inRow = false;
    this.row++;
  }

  /** Appends the current row's distinct targets, ascending. */
  private finishRow(): void {
    const k = this.k;
    if (k === 0) return;
    const s = this.scratch;
    if (k > 1) {
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
    let prev = -1;
    for (let j = 0; j < k; j++) {
      const t = s[j];
      if (t === prev) continue;
      prev = t;
      if (this.p === PAGE) {
        this.pages.push(this.page);
        this.page = new Uint32Array(PAGE);
        this.p = 0;
      }
      this.page[this.p++] = t;
      this.edges++;
    }
    this.k = 0;
  }

  /** The edges in one CSR column. */
  targets(): Uint32Array {
    const e = this.edges;
    const out = new Uint32Array(allocShared(Math.max(1, e) * 4), 0, e);
    let o = 0;
    for (const pg of this.pages) {
      out.set(pg, o);
      o += pg.length;
    }
    out.set(this.page.subarray(0, this.p), o);
    this.pages.length = 0;
    return out;
  }
}

export async function buildReferenceGraph(
  table: AllocationTable,
  index: AllocationIndex,
  reader: WordReader,
  ctl?: ReadControl,
  name = 'core',
): Promise<{ graph: ReferenceGraph; stats: GraphStats }> {
  const n = table.rows;
  const w = reader.pointerSize;
  const outStart = new Uint32Array(allocShared((n + 1) * 4));
  const state = table.state;
  // Progress: bytes of used allocations to scan (the windows read are about that much).
  let total = 0;
  for (let r = 0; r < n; r++) if (isUsed(state[r])) total += table.size[r];
  const meter = new StageMeter(ctl, name, 'leaks', total, 'bytes');
  const s = new EdgeScan(table, index, w, outStart);
  for (;;) {
    s.scan(reader.u32view, reader.loadedBase, reader.loadedEnd);
    if (s.row >= n) break;
    meter.at(s.scanned - table.size[s.row] + (s.at - index.startOf(s.row)));
    const got = await reader.load(s.at, s.end);
    if (got < s.at + w) s.skipRest(); // the rest of the allocation is not in the core: no words (chap reads zeros)
  }
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
