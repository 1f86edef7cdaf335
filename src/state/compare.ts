/**
 * The comparison of two snapshots A (before) and B (after): which snapshots
 * (their keys live in the view state, `ca` / `cb`), keyed by what, shown how.
 * Compare is only ever between two snapshots of one kind: process snapshots
 * (cores, chap lists) or tracemalloc snapshots; a shared analysis named by the
 * URL's `cmp=` adds its snapshots as candidates for B.
 */
import { create } from 'zustand';
import { useMemo } from 'react';
import type { DiffStatusKey } from '../model/diff.ts';
import type { TracemallocSnapshot } from '../model/traces.ts';
import type { CompareBy } from '../../workers/logic/diff/compare.ts';
import type { SideData } from '../../workers/logic/diff/view.ts';
import { useCompareSource } from './compare-source.ts';
import { useSnapshots, type SnapshotState } from './snapshots.ts';
import { useView } from './view.ts';
import { leakFlagsOf, leakSetsOf } from './leaks.ts';
import type { SetName } from '../../workers/logic/leaks/chap-sets.ts';

export type CompareMode = 'table' | 'flame' | 'treemap' | 'side';

interface CompareState {
  by: CompareBy | null;
  mode: CompareMode;
  normalised: boolean;
  colorblind: boolean;
  statuses: DiffStatusKey[];
  /** Compare only the allocations of this chap set of each side (leaked, unreferenced, …), or all. */
  leakSet: SetName | null;
  set(p: Partial<Omit<CompareState, 'set'>>): void;
}

export const useCompare = create<CompareState>((set) => ({
  by: null,
  mode: 'table',
  normalised: false,
  colorblind: false,
  statuses: [],
  leakSet: null,
  set: (p) => set(p),
}));

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

/** Compare options of the current analysis plus the shared analysis B's (React hook). */
export function useCompareOptions(): SideOption[] {
  const list = useSnapshots((s) => s.list);
  const shared = useCompareSource((s) => s.snapshots);
  return useMemo(() => sideOptions([...list, ...shared]), [list, shared]);
}

/** The sides Compare shows now (React hook). */
export function useCompareSides(): { options: SideOption[]; a?: SideOption; b?: SideOption } {
  const options = useCompareOptions();
  const ca = useView((s) => s.ca);
  const cb = useView((s) => s.cb);
  return { options, ...pickSides(options, ca, cb) };
}
