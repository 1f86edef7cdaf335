/**
 * Per stack node sizes of a tracemalloc snapshot, for flame graphs and call
 * trees of tracebacks (oldest frame at the root):
 *
 * | column     | type         | meaning                                                       |
 * |------------|--------------|---------------------------------------------------------------|
 * | selfSize   | Float64Array | bytes of traces whose traceback is exactly this node's path   |
 * | selfCount  | Float64Array | number of such traces                                         |
 * | totalSize  | Float64Array | self + every longer path through this node (node 0: all)      |
 * | totalCount | Float64Array | likewise, in traces                                           |
 *
 * Indexed by stack id (`src/model/stacks.ts`); a node's self figures are the
 * `statistics('traceback')` row of its path. Pass a filtered snapshot
 * (`filterTraces`) to draw what the filters keep.
 */
import type { TracemallocSnapshot } from '../../../src/model/traces.ts';

export interface StackTotals {
  selfSize: Float64Array;
  selfCount: Float64Array;
  totalSize: Float64Array;
  totalCount: Float64Array;
}

/** Self and inclusive size / count of every stack node of `snap`. */
export function stackTotals(snap: TracemallocSnapshot): StackTotals {
  const n = snap.stacks.rows;
  const selfSize = new Float64Array(n);
  const selfCount = new Float64Array(n);
  const { stack, size } = snap.traces;
  for (let i = 0; i < snap.traces.rows; i++) {
    selfSize[stack[i]] += size[i];
    selfCount[stack[i]]++;
  }
  const totalSize = selfSize.slice();
  const totalCount = selfCount.slice();
  // parent < child: a pass from the last id down adds each node into its parent.
  const parent = snap.stacks.parent;
  for (let s = n - 1; s > 0; s--) {
    totalSize[parent[s]] += totalSize[s];
    totalCount[parent[s]] += totalCount[s];
  }
  return { selfSize, selfCount, totalSize, totalCount };
}
