/**
 * The Leaks view's state (which chap set, grouped how, shown how, which node is selected), kept in the view
 * store (so in the URL). Where a snapshot's sets come from — its open core, else its table's flags — is the
 * rule of `workers/logic/snapshot/leak-sets.ts`, re-exported here for the views and Compare's leak mode.
 */
import { useShallow } from 'zustand/react/shallow';
import type { LeakGroupBy } from '../model/leaks.ts';
import type { SetName } from '../../workers/logic/leaks/chap-sets.ts';
import type { LeakMode } from './url.ts';
import { useView, type LeaksUrlState } from './view.ts';

export type { LeakMode };
export { leakFlagsOf, leakSetsOf, leakSourceOf, withLeakSets, type LeakSource } from '../../workers/logic/snapshot/leak-sets.ts';

/** The Leaks view's state, kept in the view store so that it lives in the URL (`lset`, `lby`, `lmode`, `lnode`, `lzoom`). */
export interface LeaksState {
  set: SetName;
  /** null: by site when the snapshot has footers, else by class. */
  by: LeakGroupBy | null;
  mode: LeakMode;
  /** Selected node (names, root's child down): its allocations are listed. */
  node: string[];
  zoom: string[];
  patch(p: Partial<Omit<LeaksState, 'patch'>>): void;
}

function patchLeaks(p: Partial<Omit<LeaksState, 'patch'>>): void {
  const q: Partial<LeaksUrlState> = {};
  if (p.set !== undefined) q.lset = p.set;
  if (p.by !== undefined) q.lby = p.by ?? '';
  if (p.mode !== undefined) q.lmode = p.mode;
  if (p.node !== undefined) q.lnode = p.node;
  if (p.zoom !== undefined) q.lzoom = p.zoom;
  useView.getState().patchLeaks(q);
}

function leaksOf(v: LeaksUrlState): Omit<LeaksState, 'patch'> {
  return { set: v.lset, by: v.lby || null, mode: v.lmode, node: v.lnode, zoom: v.lzoom };
}

/** The Leaks view's state now (outside React). */
export function leaksState(): LeaksState {
  return { ...leaksOf(useView.getState()), patch: patchLeaks };
}

/** React hook: the Leaks view's state. */
export function useLeaks(): LeaksState {
  const v = useView(useShallow((s) => leaksOf(s)));
  return { ...v, patch: patchLeaks };
}
