/**
 * The hierarchy the tree views draw, built in the aggregation worker from the
 * analysis's tables whenever they change or the view is inverted.
 */
import { create } from 'zustand';
import type { AllocationTable } from '../model/allocations.ts';
import { aggregatorApi } from '../pipeline/workers.ts';
import type { Hierarchy } from '../../workers/aggregate/hierarchy.ts';
import { useView } from './view.ts';

interface TreeState {
  tree: Hierarchy | null;
  building: boolean;
}

export const useTree = create<TreeState>(() => ({ tree: null, building: false }));

let lastTables: AllocationTable[] = [];
let generation = 0;

export async function rebuildTree(tables: AllocationTable[] = lastTables): Promise<void> {
  lastTables = tables;
  const gen = ++generation;
  if (tables.length === 0) {
    useTree.setState({ tree: null, building: false });
    return;
  }
  useTree.setState({ building: true });
  const tree = await aggregatorApi().typeSizeTree(tables, useView.getState().inverted);
  if (gen === generation) useTree.setState({ tree, building: false });
}

useView.subscribe((s, prev) => {
  if (s.inverted !== prev.inverted) void rebuildTree();
});
