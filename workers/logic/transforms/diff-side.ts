/**
 * One side (A or B) of a `DiffHierarchy` as a plain `Hierarchy` with the
 * union's node ids and child order (largest of A and B first), so the
 * side-by-side graphs put the same block in the same order on both sides.
 * Nodes the side lacks keep their place with zero figures (the layouts skip
 * zero widths).
 */
import type { DiffHierarchy } from '../../../src/model/diff.ts';
import { hierarchyOf, type Hierarchy } from '../../../src/model/hierarchy.ts';

export function diffSide(d: DiffHierarchy, side: 'a' | 'b'): Hierarchy {
  return hierarchyOf(d, d[side], d.hasRequested);
}
