/**
 * One side (A or B) of a `DiffHierarchy` as a plain `Hierarchy` with the
 * union's node ids and child order (largest of A and B first), so the
 * side-by-side graphs put the same block in the same order on both sides.
 * Nodes the side lacks keep their place with zero figures (the layouts skip
 * zero widths).
 */
import type { DiffHierarchy } from '../../../src/model/diff.ts';
import type { Hierarchy } from '../../../src/model/hierarchy.ts';

export function diffSide(d: DiffHierarchy, side: 'a' | 'b'): Hierarchy {
  const a = side === 'a';
  return {
    size: d.size,
    parent: d.parent,
    depth: d.depth,
    name: d.name,
    names: d.names,
    group: d.group,
    groups: d.groups,
    selfBytes: a ? d.aSelfBytes : d.bSelfBytes,
    totalBytes: a ? d.aTotalBytes : d.bTotalBytes,
    selfCount: a ? d.aSelfCount : d.bSelfCount,
    totalCount: a ? d.aTotalCount : d.bTotalCount,
    selfRequested: a ? d.aSelfRequested : d.bSelfRequested,
    totalRequested: a ? d.aTotalRequested : d.bTotalRequested,
    childStart: d.childStart,
    children: d.children,
    levels: d.levels,
    hasRequested: d.hasRequested,
    maxDepth: d.maxDepth,
  };
}
