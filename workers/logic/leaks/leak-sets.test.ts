import { describe, expect, it } from 'vitest';
import { AllocFlag, AllocState, type AllocationTable } from '../../../src/model/allocations.ts';
import type { ReferenceGraph } from '../../../src/model/references.ts';
import { AnchorKind, type AnchorList } from './anchors.ts';
import { computeLeakFlags } from './leak-sets.ts';

/** chap's rules applied the plain way: one queue of every reached row per kind, then the flags, then the leaked rows' targets. */
function reference(state: Uint8Array, g: ReferenceGraph, anchors: AnchorList): Uint16Array {
  const n = state.length;
  const flags = new Uint16Array(n);
  const reachedBy = [AllocFlag.StaticAnchored, AllocFlag.StackAnchored, AllocFlag.RegisterAnchored];
  const pointBy = [AllocFlag.StaticAnchorPoint, AllocFlag.StackAnchorPoint, AllocFlag.RegisterAnchorPoint];
  for (const kind of [AnchorKind.Static, AnchorKind.Stack, AnchorKind.Register]) {
    const queue: number[] = [];
    for (let i = 0; i < anchors.count; i++) {
      if (anchors.kind[i] !== kind) continue;
      const r = anchors.row[i];
      flags[r] |= pointBy[kind] | AllocFlag.AnchorPoint;
      if (!(flags[r] & reachedBy[kind])) {
        flags[r] |= reachedBy[kind];
        queue.push(r);
      }
    }
    for (let h = 0; h < queue.length; h++) {
      const s = queue[h];
      for (let e = g.outStart[s]; e < g.outStart[s + 1]; e++) {
        const t = g.outTarget[e];
        if (!(flags[t] & reachedBy[kind])) {
          flags[t] |= reachedBy[kind];
          queue.push(t);
        }
      }
    }
  }
  const any = AllocFlag.StaticAnchored | AllocFlag.StackAnchored | AllocFlag.RegisterAnchored;
  for (let r = 0; r < n; r++) {
    if (state[r] === AllocState.Free || state[r] === AllocState.ThreadCachedFree) continue;
    if (flags[r] & any) {
      flags[r] |= AllocFlag.Anchored;
      if (flags[r] & (AllocFlag.StackAnchored | AllocFlag.RegisterAnchored) && !(flags[r] & AllocFlag.StaticAnchored)) flags[r] |= AllocFlag.ThreadOnlyAnchored;
    } else flags[r] |= AllocFlag.Leaked | AllocFlag.Unreferenced;
  }
  for (let s = 0; s < n; s++) {
    if (!(flags[s] & AllocFlag.Leaked)) continue;
    for (let e = g.outStart[s]; e < g.outStart[s + 1]; e++) flags[g.outTarget[e]] &= ~AllocFlag.Unreferenced;
  }
  return flags;
}

/**
 * A random graph over `n` rows (one in ten free, edges used → used, distinct and ascending per row, no self-edges),
 * some rows anchored; with `array`, row 0 is a pointer array to every third row, anchored from a stack (more edges
 * than a call of the walk follows).
 */
function randomCase(n: number, seed: number, edgesPerRow: number, array = false) {
  const rand = (k: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % k;
  };
  const state = Uint8Array.from({ length: n }, () => (rand(10) === 0 ? [AllocState.Free, AllocState.ThreadCachedFree][rand(2)] : AllocState.Used));
  const used = (r: number) => state[r] !== AllocState.Free && state[r] !== AllocState.ThreadCachedFree;
  const outStart = new Uint32Array(n + 1);
  const targets: number[] = [];
  if (array) state[0] = AllocState.Used;
  for (let s = 0; s < n; s++) {
    outStart[s] = targets.length;
    if (array && s === 0) {
      for (let t = 3; t < n; t += 3) if (used(t)) targets.push(t);
      continue;
    }
    if (!used(s) || rand(100) >= edgesPerRow * 10) continue;
    const mine = new Set<number>();
    for (let k = 1 + rand(4); k > 0; k--) {
      // Near (lists, before or after the row) or anywhere.
      const t = rand(3) ? Math.min(n - 1, Math.max(0, s + rand(64) - 32)) : rand(n);
      if (t !== s && used(t)) mine.add(t);
    }
    targets.push(...[...mine].sort((a, b) => a - b));
  }
  outStart[n] = targets.length;
  const rows: number[] = array ? [0] : [];
  const kinds: number[] = array ? [AnchorKind.Stack] : [];
  // With no other edges, the array is the only anchor: its edges are what is left to walk after the queue is empty.
  for (let i = 0; i < (array && edgesPerRow === 0 ? 0 : 3 + rand(12)); i++) {
    const r = rand(n);
    if (!used(r)) continue;
    rows.push(r);
    kinds.push(rand(3));
  }
  const anchors: AnchorList = {
    row: Uint32Array.from(rows),
    kind: Uint8Array.from(kinds),
    where: new Float64Array(rows.length),
    thread: new Uint32Array(rows.length),
    count: rows.length,
  };
  const graph: ReferenceGraph = { rows: n, outStart, outTarget: Uint32Array.from(targets) };
  return { table: { rows: n, state } as unknown as AllocationTable, graph, anchors, state };
}

describe('computeLeakFlags', () => {
  it('gives the flags of the plain walks on random graphs, small and across many chunks of rows', () => {
    const cases = [
      ...Array.from({ length: 30 }, (_, i) => randomCase(50 + i * 7, 1000 + i, [0.3, 1, 3][i % 3])),
      randomCase(200_000, 7, 1),
      randomCase(150_000, 8, 0.2),
      randomCase(140_000, 9, 6),
      randomCase(300_000, 10, 0.5, true),
      randomCase(250_000, 11, 0, true),
    ];
    let leaked = 0;
    let referencedLeaked = 0;
    for (const c of cases) {
      const got = computeLeakFlags(c.table, c.graph, c.anchors);
      const want = reference(c.state, c.graph, c.anchors);
      for (let r = 0; r < c.state.length; r++) if (got[r] !== want[r]) expect(`row ${r}: ${got[r]}`).toBe(`row ${r}: ${want[r]}`);
      for (const f of want) {
        if (f & AllocFlag.Leaked) leaked++;
        if (f & AllocFlag.Leaked && !(f & AllocFlag.Unreferenced)) referencedLeaked++;
      }
    }
    // The cases hold every shape the flags distinguish.
    expect(leaked).toBeGreaterThan(1000);
    expect(referencedLeaked).toBeGreaterThan(100);
  });

  it('anchors of each kind mark their points and what they reach; a free row stays unflagged', () => {
    // 0 → 1 → 2 (static), 3 → 4 (stack), 5 (register), 6 → 7 leaked, 8 free, 9 leaked and unreferenced, 10 → 4.
    const state = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, AllocState.Free, 0, 0]);
    const outStart = Uint32Array.from([0, 1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5]);
    const outTarget = Uint32Array.from([1, 2, 4, 7, 4]);
    const anchors: AnchorList = {
      row: Uint32Array.from([0, 3, 5]),
      kind: Uint8Array.from([AnchorKind.Static, AnchorKind.Stack, AnchorKind.Register]),
      where: new Float64Array(3),
      thread: new Uint32Array(3),
      count: 3,
    };
    const f = computeLeakFlags({ rows: 11, state } as unknown as AllocationTable, { rows: 11, outStart, outTarget }, anchors);
    const A = AllocFlag;
    expect([...f]).toEqual([
      A.StaticAnchorPoint | A.AnchorPoint | A.StaticAnchored | A.Anchored,
      A.StaticAnchored | A.Anchored,
      A.StaticAnchored | A.Anchored,
      A.StackAnchorPoint | A.AnchorPoint | A.StackAnchored | A.Anchored | A.ThreadOnlyAnchored,
      A.StackAnchored | A.Anchored | A.ThreadOnlyAnchored,
      A.RegisterAnchorPoint | A.AnchorPoint | A.RegisterAnchored | A.Anchored | A.ThreadOnlyAnchored,
      A.Leaked | A.Unreferenced,
      A.Leaked,
      0,
      A.Leaked | A.Unreferenced,
      A.Leaked | A.Unreferenced,
    ]);
  });
});
