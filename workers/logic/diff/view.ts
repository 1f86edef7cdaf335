/**
 * What the compare views need in one worker call: the diff rows, the diff
 * hierarchy, its layout (widths by the larger side) and growth colours, and
 * each side's own tree for the side-by-side mode.
 */
import type { AllocationTable } from '../../../src/model/allocations.ts';
import type { DiffHierarchy, DiffRow } from '../../../src/model/diff.ts';
import type { TracemallocSnapshot } from '../../../src/model/traces.ts';
import type { Hierarchy, Metric } from '../../../src/model/hierarchy.ts';
import { stackTree } from '../aggregate/trees.ts';
import type { AttributionData } from '../../../src/model/attribution.ts';
import type { KeyType } from '../python/statistics.ts';
import { compareSides, type CompareBy } from './compare.ts';
import { growthColumn, layoutHierarchy } from './delta.ts';
import { diffHierarchies } from './diff-hierarchies.ts';
import { pythonDiffRows } from './rows.ts';
import { diffSide } from '../transforms/diff-side.ts';

/** One side as the app holds it (attribution without the module map). */
export interface SideData {
  name: string;
  table: AllocationTable;
  attribution?: AttributionData | null;
}

export interface CompareViewData {
  by: string;
  rows: DiffRow[];
  diff: DiffHierarchy;
  layout: Hierarchy;
  growth: Float64Array;
  a: Hierarchy;
  b: Hierarchy;
  /** A and B with the union's node ids and child order (side by side: the same block in the same order). */
  sides: { a: Hierarchy; b: Hierarchy };
}

export function compareView(a: SideData, b: SideData, by: CompareBy, metric: Metric, normalised: boolean): CompareViewData {
  const c = compareSides(a, b, by);
  return {
    by: c.by,
    rows: c.rows,
    diff: c.diff,
    layout: layoutHierarchy(c.diff, normalised),
    growth: growthColumn(c.diff, metric, normalised),
    a: c.a,
    b: c.b,
    sides: { a: diffSide(c.diff, 'a'), b: diffSide(c.diff, 'b') },
  };
}

function traceTree(s: TracemallocSnapshot): Hierarchy {
  return stackTree({ rows: s.traces.rows, stack: s.traces.stack, size: s.traces.size }, s.stacks, s.frames, s.strings);
}

/** tracemalloc: rows are CPython's compare_to(key); the trees are the traceback trees of both snapshots. */
export function pythonCompareView(a: TracemallocSnapshot, b: TracemallocSnapshot, key: KeyType, metric: Metric, normalised: boolean): CompareViewData {
  const ta = traceTree(a);
  const tb = traceTree(b);
  const diff = diffHierarchies(ta, tb);
  return {
    by: key,
    rows: pythonDiffRows(a, b, key),
    diff,
    layout: layoutHierarchy(diff, normalised),
    growth: growthColumn(diff, metric, normalised),
    a: ta,
    b: tb,
    sides: { a: diffSide(diff, 'a'), b: diffSide(diff, 'b') },
  };
}
