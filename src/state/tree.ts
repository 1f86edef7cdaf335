/**
 * The hierarchy the tree views draw, built in the aggregation worker from the
 * analysis whenever its inputs change, the view is inverted or Python filters change.
 * Which tree depends on the inputs: tracemalloc → traceback tree of the newest
 * snapshot; otherwise signature/class → size class.
 */
import { create } from 'zustand';
import type { AllocationTable } from '../model/allocations.ts';
import type { TracemallocSnapshot } from '../model/traces.ts';
import { aggregatorApi } from '../pipeline/workers.ts';
import type { Hierarchy } from '../../workers/logic/aggregate/hierarchy.ts';
import type { AttributionData } from '../../workers/logic/session/core-session.ts';
import type { ObjectTable } from '../model/objects.ts';
import { currentFilters, usePython } from './python.ts';
import { useView } from './view.ts';

export type TreeSource =
  | { kind: 'none' }
  | { kind: 'typeSize'; tables: AllocationTable[] }
  | { kind: 'traceback'; snapshot: TracemallocSnapshot }
  | { kind: 'attribution'; attribution: AttributionData; table: AllocationTable }
  | { kind: 'objects'; table: AllocationTable; objects: ObjectTable };

interface TreeState {
  tree: Hierarchy | null;
  building: boolean;
}

export const useTree = create<TreeState>(() => ({ tree: null, building: false }));

let lastSource: TreeSource = { kind: 'none' };
let generation = 0;

export async function rebuildTree(source: TreeSource = lastSource): Promise<void> {
  lastSource = source;
  const gen = ++generation;
  if (source.kind === 'none') {
    useTree.setState({ tree: null, building: false });
    return;
  }
  useTree.setState({ building: true });
  const inverted = useView.getState().inverted;
  const api = aggregatorApi();
  const tree =
    source.kind === 'traceback'
      ? await api.tracebackTree(source.snapshot, inverted, currentFilters(usePython.getState()))
      : source.kind === 'attribution'
        ? await api.attributionTree(source.attribution, source.table, inverted)
        : source.kind === 'objects'
          ? await api.objectTree(source.table, source.objects, inverted)
          : await api.typeSizeTree(source.tables, inverted);
  if (gen === generation) useTree.setState({ tree, building: false });
}

useView.subscribe((s, prev) => {
  if (s.inverted !== prev.inverted) void rebuildTree();
});
usePython.subscribe((s, prev) => {
  if (lastSource.kind === 'traceback' && (s.hideImports !== prev.hideImports || s.patterns !== prev.patterns || s.domain !== prev.domain)) void rebuildTree();
});
