/**
 * Which snapshots Compare can take as A and B: process snapshots with a table (cores, chap lists), or tracemalloc
 * snapshots — never two of different kinds — each side with what the comparison reads (its table and attribution
 * or its traces, its open core for the build comparison, its chap sets once known); and which two it shows: the
 * user's choice, else this analysis's newest as A beside a shared analysis's B, else the two newest of one kind
 * (`compare-sides.test.ts`).
 */
import type { SnapshotState } from '../../../src/model/snapshot-state.ts';
import type { TracemallocSnapshot } from '../../../src/model/traces.ts';
import type { SideData } from '../diff/view.ts';
import type { SetName } from '../leaks/chap-sets.ts';
import { leakFlagsOf, leakSetsOf } from './leak-sets.ts';

export interface SideOption {
  /** The snapshot's key. */
  id: string;
  label: string;
  kind: 'allocations' | 'tracemalloc';
  data?: SideData;
  snapshot?: TracemallocSnapshot;
  /** The open core behind this side (for build comparison), if any. */
  coreId?: number;
  hasFooters: boolean;
  /** Bumped when the snapshot's table is replaced. */
  version: number;
  /** Its chap sets' flags once known, and which sets they are (none: it cannot be compared by set). */
  leakFlags: Uint16Array | null;
  leakSets: SetName[];
}

/** The snapshots that can be compared, in order. */
export function sideOptions(list: SnapshotState[]): SideOption[] {
  const out: SideOption[] = [];
  for (const s of list) {
    const { snap } = s;
    if (snap.kind === 'process' && snap.table) {
      out.push({
        id: snap.key,
        label: snap.name,
        kind: 'allocations',
        data: { name: snap.name, table: snap.table, attribution: s.attribution },
        coreId: s.live && snap.core !== null ? snap.core : undefined,
        hasFooters: !!s.attribution?.detected,
        version: s.version,
        leakFlags: leakFlagsOf(s),
        leakSets: leakFlagsOf(s) ? leakSetsOf(s) : [],
      });
    } else if (snap.kind === 'tracemalloc' && snap.tracemalloc) {
      out.push({ id: snap.key, label: snap.name, kind: 'tracemalloc', snapshot: snap.tracemalloc, hasFooters: false, version: s.version, leakFlags: null, leakSets: [] });
    }
  }
  return out;
}

/**
 * A and B: the user's choice, else — with a shared second analysis — A from this
 * analysis and B from the shared one, else the last two snapshots of one kind
 * (the older as A).
 */
export function pickSides(options: SideOption[], aKey: string, bKey: string): { a?: SideOption; b?: SideOption } {
  let a = options.find((o) => o.id === aKey);
  let b = options.find((o) => o.id === bKey && o !== a && o.kind === a?.kind);
  if (!b && options.some((o) => o.id.startsWith('B:'))) {
    a ??= [...options].reverse().find((o) => !o.id.startsWith('B:'));
    b = options.find((o) => o.id.startsWith('B:') && o.kind === a?.kind);
  }
  if (!a || !b) {
    for (const kind of ['allocations', 'tracemalloc'] as const) {
      const same = options.filter((o) => o.kind === kind);
      if (same.length >= 2) {
        if (!a || a.kind !== kind) a = same[same.length - 2];
        b = [...same].reverse().find((o) => o !== a);
        break;
      }
    }
  }
  return { a, b };
}

/** Whether the analysis holds two snapshots that can be compared. */
export function canCompare(options: SideOption[]): boolean {
  return options.filter((o) => o.kind === 'allocations').length >= 2 || options.filter((o) => o.kind === 'tracemalloc').length >= 2;
}
