/**
 * The comparison of two snapshots A (before) and B (after): which snapshots
 * (their keys live in the view state, `ca` / `cb`), keyed by what, shown how.
 * Compare is only ever between two snapshots of one kind: process snapshots
 * (cores, chap lists) or tracemalloc snapshots; a shared analysis named by the
 * URL's `cmp=` adds its snapshots as candidates for B. Which snapshots can be A
 * and B is the rule of `workers/logic/snapshot/compare-sides.ts`.
 */
import { create } from 'zustand';
import { useMemo } from 'react';
import type { DiffStatusKey } from '../model/diff.ts';
import type { CompareBy } from '../../workers/logic/diff/compare.ts';
import { pickSides, sideOptions, type SideOption } from '../../workers/logic/snapshot/compare-sides.ts';
import { useCompareSource } from './compare-source.ts';
import { useSnapshots } from './snapshots.ts';
import { useView } from './view.ts';
import type { SetName } from '../../workers/logic/leaks/chap-sets.ts';

export { canCompare, pickSides, sideOptions, type SideOption } from '../../workers/logic/snapshot/compare-sides.ts';

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
