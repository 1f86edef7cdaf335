/**
 * What the core worker says about one allocation for the inspector (chap's
 * leak analysis, `workers/logic/leaks/explain.ts`): its set flags, who points
 * to it and why it is alive. Addresses are hex strings without `0x`.
 */
import { AllocFlag } from './allocations.ts';

export interface LeakAllocation {
  address: string;
  size: number;
  /** Class from the allocation's vtable, when it has one and the core names it. */
  className: string | null;
  /** `AllocFlag` bits. */
  flags: number;
}

export interface LeakAnchorSource {
  kind: 'static' | 'stack' | 'register';
  /** Static or stack address (hex). */
  address?: string;
  register?: string;
  /** 1-based thread number in the core (chap's), 0 for a stack no thread uses. */
  thread: number;
  tid?: number;
  /** Mapped file holding a static address. */
  module?: string;
}

export interface LeakExplanation extends LeakAllocation {
  referrers: (LeakAllocation & { offsets: number[]; leaked: boolean })[];
  totalReferrers: number;
  /** Null when nothing anchors the allocation (it is leaked). `steps` run from the anchor point to this allocation. */
  chain: { sources: LeakAnchorSource[]; steps: LeakAllocation[] } | null;
}

/** chap's sets of a core's heap walk, for the Overview: totals per set and the largest leaked allocations. */
export interface LeakSummary {
  /** Per set name (`used`, `leaked`, `unreferenced`, `anchored`, …): count and bytes. */
  totals: Record<string, { count: number; bytes: number }>;
  /** The largest unreferenced leaks, then the largest leaked allocations only leaked ones point to (rows of the core's heap walk table), largest first in each. */
  largestLeaked: { row: number; address: string; size: number; unreferenced: boolean }[];
  warnings: string[];
  /** `AllocFlag` bits of every row of the core's heap walk (shared memory): what the Leaks view groups, what a saved copy keeps. */
  flags?: Uint16Array;
  /** How long the core worker took (ms) for each step, and the graph's edges. */
  computed?: { claims: number; graph: number; anchors: number; sets: number; edges: number };
}

/**
 * The Leaks view's groupings (`workers/logic/leaks/leak-view.ts` builds them) and the words for an
 * allocation's sets: shared by the logic and the views.
 */

/** How the Leaks view groups a set: class → size class, size class → class, or footer site. */
export type LeakGroupBy = 'class' | 'size' | 'site';
export const LEAK_GROUP_BY: readonly LeakGroupBy[] = ['class', 'size', 'site'];

/** Whether a grouping can be made: `site` needs a footer attribution of the table. */
export function canGroup(by: LeakGroupBy, attribution?: { detected: boolean } | null): boolean {
  return by !== 'site' || !!attribution?.detected;
}

/** The depth the table lists: classes or size classes, functions for footer sites. */
export function tableDepth(by: LeakGroupBy): number {
  return by === 'site' ? 2 : 1;
}

/** An allocation's sets in a few words: `leaked, unreferenced`, `leaked`, `anchored: static, stack (threads only)`. */
export function setsText(flags: number): string {
  if (flags & AllocFlag.Unreferenced) return 'leaked, unreferenced';
  if (flags & AllocFlag.Leaked) return 'leaked, referenced by leaked';
  if (!(flags & AllocFlag.Anchored)) return 'in no known set';
  const how: string[] = [];
  if (flags & AllocFlag.StaticAnchored) how.push('static');
  if (flags & AllocFlag.StackAnchored) how.push('stack');
  if (flags & AllocFlag.RegisterAnchored) how.push('register');
  return `anchored: ${how.join(', ')}${flags & AllocFlag.ThreadOnlyAnchored ? ' (threads only)' : ''}${flags & AllocFlag.AnchorPoint ? ', anchor point' : ''}`;
}

