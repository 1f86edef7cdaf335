/**
 * Anchor points, as chap finds them: a used allocation is a static anchor
 * point when a word of static memory points into it, a stack anchor point
 * when a word of a thread's stack (from the stack pointer up) does, and a
 * register anchor point when a thread's register (non-zero, pointer-aligned)
 * does. Each anchor point keeps where it is anchored from (every word or
 * register), for "why is this alive".
 */
import { AllocState, type AllocationTable } from '../../../src/model/allocations.ts';
import type { Interval } from './ranges.ts';
import { AllocationIndex, NO_ROW } from './allocation-index.ts';
import type { StackRegion, ThreadRegisters } from './stacks.ts';
import type { WordReader } from './word-reader.ts';

export const AnchorKind = { Static: 0, Stack: 1, Register: 2 } as const;
export type AnchorKind = (typeof AnchorKind)[keyof typeof AnchorKind];

/**
 * One anchor: row `row` is pointed to from `where` — an address of static
 * memory or of a stack (kind Static/Stack), or a register (kind Register;
 * `where` is the register's index in its thread's `names` / `values`, `ThreadRegisters` of stacks.ts) of thread `thread`
 * (1-based; 0 for static memory and for stacks no thread uses).
 */
export interface AnchorList {
  row: Uint32Array;
  kind: Uint8Array;
  where: Float64Array;
  thread: Uint32Array;
  count: number;
}

class AnchorListBuilder {
  row: number[] = [];
  kind: number[] = [];
  where: number[] = [];
  thread: number[] = [];
  push(row: number, kind: AnchorKind, where: number, thread: number): void {
    this.row.push(row);
    this.kind.push(kind);
    this.where.push(where);
    this.thread.push(thread);
  }
  freeze(): AnchorList {
    return {
      row: Uint32Array.from(this.row),
      kind: Uint8Array.from(this.kind),
      where: Float64Array.from(this.where),
      thread: Uint32Array.from(this.thread),
      count: this.row.length,
    };
  }
}

const used = (s: number): boolean => s !== AllocState.Free && s !== AllocState.ThreadCachedFree;

export async function findAnchors(
  table: AllocationTable,
  index: AllocationIndex,
  reader: WordReader,
  staticRanges: readonly Interval[],
  stacks: readonly StackRegion[],
  threads: readonly ThreadRegisters[],
): Promise<AnchorList> {
  const b = new AnchorListBuilder();
  const state = table.state;
  const w = reader.pointerSize;
  const visitFor = (kind: AnchorKind, thread: number) => (v: number, at: number) => {
    const t = index.rowOf(v);
    if (t !== NO_ROW && used(state[t])) b.push(t, kind, at, thread);
  };
  for (const r of staticRanges) await reader.scan(r.base, r.limit, visitFor(AnchorKind.Static, 0));
  for (const s of stacks) {
    const from = s.top - (s.top % w);
    await reader.scan(from, s.limit, visitFor(AnchorKind.Stack, s.thread));
  }
  for (const t of threads) {
    for (let i = 0; i < t.values.length; i++) {
      const v = t.values[i];
      if (v === 0 || v % w !== 0) continue;
      const row = index.rowOf(v);
      if (row !== NO_ROW && used(state[row])) b.push(row, AnchorKind.Register, i, t.thread);
    }
  }
  return b.freeze();
}
