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
 * Memory is read in windows of a few MiB (one await per window); the edge list
 * grows by doubling and is trimmed at the end: 4 bytes per edge + 4 per row.
 */
import { allocShared } from '../../../src/model/columns.ts';
import { AllocState, type AllocationTable } from '../../../src/model/allocations.ts';
import type { ReferenceGraph } from '../../../src/model/references.ts';
import { StageMeter, type ReadControl } from '../io/stream.ts';
import { AllocationIndex, NO_ROW } from './allocation-index.ts';
import { WordReader } from './word-reader.ts';

const TWO32 = 4294967296;

export interface GraphStats {
  edges: number;
  /** Words looked up (non-zero, inside the heap's address span). */
  candidates: number;
  bytesRead: number;
}

function grow(a: Uint32Array): Uint32Array {
  const g = new Uint32Array(a.length * 2);
  g.set(a);
  return g;
}

function isUsed(state: number): boolean {
  return state !== AllocState.Free && state !== AllocState.ThreadCachedFree;
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
  let edges = new Uint32Array(Math.max(1024, n * 2));
  let e = 0;
  let scratch: Uint32Array = new Uint32Array(1024);
  const { starts, ends } = index;
  const min = index.min;
  const max = index.max;
  const minHi = Math.floor(min / TWO32);
  const maxHi = Math.floor((max - 1) / TWO32);
  let candidates = 0;
  const state = table.state;
  // Progress: bytes of used allocations to scan (the windows read are about that much).
  let total = 0;
  for (let r = 0; r < n; r++) if (isUsed(state[r])) total += table.size[r];
  const meter = new StageMeter(ctl, name, 'leaks', total, 'bytes');
  /** Bytes of the used allocations before row r. */
  let scanned = 0;
  for (let r = 0; r < n; r++) {
    outStart[r] = e;
    if (!isUsed(state[r])) continue;
    const addr = starts[r];
    scanned += table.size[r];
    if (addr % w !== 0) continue;
    const end = addr + (table.size[r] - (table.size[r] % w));
    let k = 0;
    let a = addr;
    while (a < end) {
      if (!reader.has(a, a + w)) {
        meter.at(scanned - table.size[r] + (a - addr));
        const got = await reader.load(a, end);
        if (got < a + w) break; // the rest of the allocation is not in the core: no words (chap reads zeros)
      }
      const u = reader.u32view;
      const base = reader.loadedBase;
      const stop = Math.min(end, reader.loadedEnd);
      // Word indexes into the window (small integers) instead of addresses (doubles) in the hot loop.
      let i = (a - base) / 4;
      const iEnd = (stop - base) / 4 - (w === 8 ? 1 : 0);
      if (w === 8) {
        for (; i < iEnd; i += 2) {
          const hi = u[i + 1];
          if (hi < minHi || hi > maxHi) continue;
          const v = hi * TWO32 + u[i];
          if (v < min || v >= max) continue;
          candidates++;
          const t = index.rowOf(v);
          if (t === NO_ROW || t === r || !isUsed(state[t])) continue;
          if (k === scratch.length) scratch = grow(scratch);
          scratch[k++] = t;
        }
      } else {
        for (; i < iEnd; i++) {
          const v = u[i];
          if (v < min || v >= max) continue;
          candidates++;
          const t = index.rowOf(v);
          if (t === NO_ROW || t === r || !isUsed(state[t])) continue;
          if (k === scratch.length) scratch = grow(scratch);
          scratch[k++] = t;
        }
      }
      a = base + i * 4;
    }
    if (k === 0) continue;
    if (k > 1) scratch.subarray(0, k).sort();
    if (e + k > edges.length) {
      const g = new Uint32Array(Math.max(edges.length * 2, e + k));
      g.set(edges.subarray(0, e));
      edges = g;
    }
    let prev = -1;
    for (let j = 0; j < k; j++) {
      const t = scratch[j];
      if (t !== prev) edges[e++] = t;
      prev = t;
    }
  }
  outStart[n] = e;
  void ends;
  const outTarget = new Uint32Array(allocShared(Math.max(1, e) * 4), 0, e);
  outTarget.set(edges.subarray(0, e));
  meter.end();
  return { graph: { rows: n, outStart, outTarget }, stats: { edges: e, candidates, bytesRead: reader.bytesRead } };
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
