/**
 * chap's allocation sets from the graph and the anchor points
 * (`Allocations::Graph::MarkLeakedChunks` and the set iterators):
 *
 * - static / stack / register anchored: reachable, through used allocations,
 *   from an anchor point of that kind (one breadth-first walk per kind);
 * - anchored: used and reached by any walk; leaked: used and reached by none;
 * - anchor point: an anchor point of any kind (distance 1);
 * - thread-only anchored: stack or register anchored and not static anchored;
 * - unreferenced: leaked and pointed to by no used allocation.
 *
 * The result is `AllocFlag` bits per row (the table's `flags` column).
 */
import { AllocFlag, AllocState, type AllocationTable } from '../../../src/model/allocations.ts';
import { allocShared } from '../../../src/model/columns.ts';
import type { ReferenceGraph } from '../../../src/model/references.ts';
import { AnchorKind, type AnchorList } from './anchors.ts';

const REACHED = [AllocFlag.StaticAnchored, AllocFlag.StackAnchored, AllocFlag.RegisterAnchored] as const;
const POINT = [AllocFlag.StaticAnchorPoint, AllocFlag.StackAnchorPoint, AllocFlag.RegisterAnchorPoint] as const;

export function computeLeakFlags(table: AllocationTable, graph: ReferenceGraph, anchors: AnchorList): Uint16Array {
  const n = table.rows;
  const flags = new Uint16Array(allocShared(Math.max(1, n) * 2), 0, n);
  const queue = new Uint32Array(Math.max(1, n));
  const { outStart, outTarget } = graph;
  for (const kind of [AnchorKind.Static, AnchorKind.Stack, AnchorKind.Register]) {
    const reached = REACHED[kind];
    let head = 0;
    let tail = 0;
    for (let i = 0; i < anchors.count; i++) {
      if (anchors.kind[i] !== kind) continue;
      const r = anchors.row[i];
      flags[r] |= POINT[kind] | AllocFlag.AnchorPoint;
      if (!(flags[r] & reached)) {
        flags[r] |= reached;
        queue[tail++] = r;
      }
    }
    while (head < tail) {
      const s = queue[head++];
      for (let e = outStart[s], end = outStart[s + 1]; e < end; e++) {
        const t = outTarget[e];
        if (!(flags[t] & reached)) {
          flags[t] |= reached;
          queue[tail++] = t;
        }
      }
    }
  }
  const anyReached = AllocFlag.StaticAnchored | AllocFlag.StackAnchored | AllocFlag.RegisterAnchored;
  const state = table.state;
  for (let r = 0; r < n; r++) {
    if (state[r] === AllocState.Free || state[r] === AllocState.ThreadCachedFree) continue;
    const f = flags[r];
    if (f & anyReached) {
      flags[r] = f | AllocFlag.Anchored;
      if (f & (AllocFlag.StackAnchored | AllocFlag.RegisterAnchored) && !(f & AllocFlag.StaticAnchored)) flags[r] |= AllocFlag.ThreadOnlyAnchored;
    } else flags[r] = f | AllocFlag.Leaked | AllocFlag.Unreferenced;
  }
  // A leaked allocation pointed to by a used one (necessarily leaked) is referenced.
  for (let s = 0; s < n; s++) {
    if (!(flags[s] & AllocFlag.Leaked)) continue;
    for (let e = outStart[s], end = outStart[s + 1]; e < end; e++) flags[outTarget[e]] &= ~AllocFlag.Unreferenced;
  }
  return flags;
}
