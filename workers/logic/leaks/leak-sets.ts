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
 *
 * A walk queues only the rows it reaches that have edges (a row without any is marked and left): most used
 * allocations point to none, and the queue grows as needed instead of being made one entry per row. The flags
 * are then written in one pass over the rows, which also clears `Unreferenced` on the targets of leaked rows.
 */
import { AllocFlag, AllocState, type AllocationTable } from '../../../src/model/allocations.ts';
import { allocShared } from '../../../src/model/columns.ts';
import type { ReferenceGraph } from '../../../src/model/references.ts';
import { AnchorKind, type AnchorList } from './anchors.ts';

const REACHED = [AllocFlag.StaticAnchored, AllocFlag.StackAnchored, AllocFlag.RegisterAnchored] as const;
const POINT = [AllocFlag.StaticAnchorPoint, AllocFlag.StackAnchorPoint, AllocFlag.RegisterAnchorPoint] as const;
/** A bit no set uses: a row after the current one is pointed to by a leaked row (cleared before the flags are returned). */
const REFERENCED = 1 << 15;
const ANY_REACHED = AllocFlag.StaticAnchored | AllocFlag.StackAnchored | AllocFlag.RegisterAnchored;
const THREAD = AllocFlag.StackAnchored | AllocFlag.RegisterAnchored;

/** Rows (or edges) handled by one call of a pass: V8 optimises a function called many times better than one long loop (on-stack replacement). */
const CHUNK = 65536;

export function computeLeakFlags(table: AllocationTable, graph: ReferenceGraph, anchors: AnchorList): Uint16Array {
  const n = table.rows;
  const flags = new Uint16Array(allocShared(Math.max(1, n) * 2), 0, n);
  const { outStart, outTarget } = graph;
  const w = new Walk(flags, outStart, outTarget, n);
  for (const kind of [AnchorKind.Static, AnchorKind.Stack, AnchorKind.Register]) {
    const reached = REACHED[kind];
    w.start();
    for (let i = 0; i < anchors.count; i++) {
      if (anchors.kind[i] !== kind) continue;
      const r = anchors.row[i];
      flags[r] |= POINT[kind] | AllocFlag.AnchorPoint;
      if (!(flags[r] & reached)) {
        flags[r] |= reached;
        w.push(r);
      }
    }
    while (w.step(reached, CHUNK));
  }
  const state = table.state;
  for (let r = 0; r < n; r += CHUNK) markSets(flags, state, outStart, outTarget, r, Math.min(n, r + CHUNK));
  return flags;
}

/** A breadth-first walk: the rows queued, from `head` to `tail`; the row being read has its edges `e .. end` left. */
class Walk {
  private queue: Uint32Array;
  private head = 0;
  private tail = 0;
  private e = 0;
  private end = 0;

  constructor(
    private readonly flags: Uint16Array,
    private readonly outStart: Uint32Array,
    private readonly outTarget: Uint32Array,
    private readonly n: number,
  ) {
    this.queue = new Uint32Array(Math.min(Math.max(1, n), CHUNK));
  }

  start(): void {
    this.head = 0;
    this.tail = 0;
    this.e = 0;
    this.end = 0;
  }

  push(r: number): void {
    if (this.tail === this.queue.length) this.grow();
    this.queue[this.tail++] = r;
  }

  /**
   * Follows up to `budget` edges (a row of millions of targets over several calls): every row they point to gets
   * `reached`; false once every queued row is done.
   */
  step(reached: number, budget: number): boolean {
    const { flags, outStart, outTarget } = this;
    let { queue, head, tail, e, end } = this;
    for (;;) {
      if (e === end) {
        if (head === tail || budget <= 0) break;
        const s = queue[head++];
        e = outStart[s];
        end = outStart[s + 1];
        continue;
      }
      const stop = end - e < budget ? end : e + budget;
      budget -= stop - e;
      for (; e < stop; e++) {
        const t = outTarget[e];
        const f = flags[t];
        if (f & reached) continue;
        flags[t] = f | reached;
        // A row without edges reaches nothing further: marked, not queued.
        if (outStart[t] === outStart[t + 1]) continue;
        if (tail === queue.length) {
          this.tail = tail;
          queue = this.grow();
        }
        queue[tail++] = t;
      }
      if (budget <= 0) break;
    }
    this.head = head;
    this.tail = tail;
    this.e = e;
    this.end = end;
    return e < end || head < tail;
  }

  private grow(): Uint32Array {
    const g = new Uint32Array(Math.min(this.n, this.queue.length * 2));
    g.set(this.queue.subarray(0, this.tail));
    return (this.queue = g);
  }
}

/**
 * Anchored / thread-only anchored / leaked / unreferenced from the walks' bits, rows `[from, to)` (called in row
 * order). A leaked row's targets are referenced: one before it (or itself) has `Unreferenced` cleared at once, one
 * after it is marked `REFERENCED` and gets no `Unreferenced` when its turn comes (a target of a leaked row is leaked
 * or anchored; an anchored one never had the bit).
 */
function markSets(flags: Uint16Array, state: Uint8Array, outStart: Uint32Array, outTarget: Uint32Array, from: number, to: number): void {
  for (let r = from; r < to; r++) {
    const st = state[r];
    const f = flags[r];
    if (st === AllocState.Free || st === AllocState.ThreadCachedFree) {
      if (f & REFERENCED) flags[r] = f & ~REFERENCED; // only from a graph with edges to free rows (ours has none)
      continue;
    }
    if (f & ANY_REACHED) {
      flags[r] = (f & ~REFERENCED) | AllocFlag.Anchored | (f & THREAD && !(f & AllocFlag.StaticAnchored) ? AllocFlag.ThreadOnlyAnchored : 0);
      continue;
    }
    flags[r] = (f & ~REFERENCED) | AllocFlag.Leaked | (f & REFERENCED ? 0 : AllocFlag.Unreferenced);
    for (let e = outStart[r], end = outStart[r + 1]; e < end; e++) {
      const t = outTarget[e];
      if (t <= r) flags[t] &= ~AllocFlag.Unreferenced;
      else flags[t] |= REFERENCED;
    }
  }
}
