/**
 * What the inspector says about one allocation: who points to it (each
 * referrer with the offsets of its words that point here) and why it is alive
 * (the shortest chain from an anchor: a static address, a stack word of thread
 * N, or register R of thread N → A → B → this allocation), or that it is leaked.
 */
import { AllocFlag, type AllocationTable } from '../../../src/model/allocations.ts';
import type { ProcessMemory } from '../formats/elf/memory.ts';
import { AnchorKind } from './anchors.ts';
import type { LeakAnalysis } from './compute.ts';
import { withIncoming } from './graph.ts';

export interface Referrer {
  row: number;
  /** Byte offsets, within the referrer, of the words that point into the allocation (at most 16). */
  offsets: number[];
  leaked: boolean;
}

/** The used allocations pointing into `row`, ascending, with the offsets of their pointers. */
export async function referrersOf(a: LeakAnalysis, table: AllocationTable, mem: ProcessMemory, row: number, limit = 200): Promise<{ referrers: Referrer[]; total: number }> {
  const g = withIncoming(a.graph);
  const from = g.inStart[row];
  const to = g.inStart[row + 1];
  const lo = a.index.startOf(row);
  const hi = a.index.endOf(row);
  const w = mem.pointerSize;
  const out: Referrer[] = [];
  for (let e = from; e < to && out.length < limit; e++) {
    const s = g.inSource[e];
    const start = a.index.startOf(s);
    const size = table.size[s] - (table.size[s] % w);
    const offsets: number[] = [];
    const bytes = size > 0 ? await mem.read(start, Math.min(size, 1 << 20)) : null;
    if (bytes) {
      const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let o = 0; o + w <= bytes.length && offsets.length < 16; o += w) {
        const v = w === 8 ? dv.getUint32(o + 4, true) * 4294967296 + dv.getUint32(o, true) : dv.getUint32(o, true);
        if (v >= lo && v < hi) offsets.push(o);
      }
    }
    out.push({ row: s, offsets, leaked: (a.flags[s] & AllocFlag.Leaked) !== 0 });
  }
  return { referrers: out, total: to - from };
}

/** Where an anchor point is anchored from. */
export interface AnchorSource {
  kind: 'static' | 'stack' | 'register';
  /** Address of the static or stack word; for a register, its name. */
  address?: number;
  register?: string;
  /** 1-based thread number (chap's), 0 when the stack has no thread (a cached pthread stack). */
  thread: number;
  /** The thread's tid. */
  tid?: number;
  /** The mapped file holding a static address, when one does. */
  module?: string;
}

export interface AnchorChain {
  /** How the first row of `rows` is anchored (every source, static first). */
  sources: AnchorSource[];
  /** Anchor point first, the asked allocation last. */
  rows: number[];
}

/** The anchors of one anchor point `row`. */
export function anchorSources(a: LeakAnalysis, row: number, files: readonly { start: number; end: number; path: string }[] = []): AnchorSource[] {
  const out: AnchorSource[] = [];
  const l = a.anchors;
  const tidOf = (t: number): number | undefined => a.threads.find((x) => x.thread === t)?.tid;
  for (let i = 0; i < l.count; i++) {
    if (l.row[i] !== row) continue;
    const thread = l.thread[i];
    if (l.kind[i] === AnchorKind.Register) {
      const t = a.threads.find((x) => x.thread === thread);
      out.push({ kind: 'register', register: t?.names[l.where[i]] ?? `#${l.where[i]}`, thread, tid: tidOf(thread) });
    } else if (l.kind[i] === AnchorKind.Stack) {
      out.push({ kind: 'stack', address: l.where[i], thread, tid: tidOf(thread) });
    } else {
      const addr = l.where[i];
      const f = files.find((x) => addr >= x.start && addr < x.end);
      out.push({ kind: 'static', address: addr, thread: 0, ...(f ? { module: f.path } : {}) });
    }
  }
  const order = { static: 0, stack: 1, register: 2 };
  return out.sort((x, y) => order[x.kind] - order[y.kind]);
}

/**
 * The shortest chain of references from an anchor point to `row` (a walk back
 * over incoming edges from used allocations), or null for a leaked allocation.
 */
export function anchorChain(a: LeakAnalysis, row: number, files: readonly { start: number; end: number; path: string }[] = []): AnchorChain | null {
  if (!(a.flags[row] & AllocFlag.Anchored)) return null;
  const g = withIncoming(a.graph);
  const parent = new Map<number, number>([[row, -1]]);
  const queue = [row];
  for (let h = 0; h < queue.length; h++) {
    const r = queue[h];
    if (a.flags[r] & AllocFlag.AnchorPoint) {
      const rows: number[] = [];
      for (let x = r; x !== -1; x = parent.get(x)!) rows.push(x);
      return { sources: anchorSources(a, r, files), rows };
    }
    for (let e = g.inStart[r], end = g.inStart[r + 1]; e < end; e++) {
      const s = g.inSource[e];
      if (parent.has(s) || !(a.flags[s] & AllocFlag.Anchored)) continue;
      parent.set(s, r);
      queue.push(s);
    }
  }
  return null;
}
