/**
 * Deltas, shares and layout widths over a `DiffHierarchy`: what the diff table,
 * the differential flame graph / treemap and the side-by-side mode read.
 *
 * - delta = B − A (absolute), or B/B_root − A/A_root (normalised: each side
 *   divided by its own root total, so a node that keeps its share of a heap that
 *   doubled shows 0);
 * - growth ∈ [−1, 1] = delta / max(A, B) on the same scale: +1 new, −1 gone,
 *   what a diverging colour scale maps (red growth, blue shrink);
 * - width = the larger side, nested: self width = max(A self, B self), total
 *   width = self width + the children's total widths, so children always fit in
 *   their parent and every node is at least as wide as max(A total, B total).
 */
import type { DiffHierarchy } from '../../../src/model/diff.ts';
import { hierarchyOf, selfOf, totalOf, type Hierarchy, type Metric } from '../../../src/model/hierarchy.ts';

/** A and B total columns of `metric`. */
export function sideTotals(d: DiffHierarchy, metric: Metric): { a: Float64Array; b: Float64Array } {
  return { a: totalOf(d.a, metric), b: totalOf(d.b, metric) };
}

/** A and B self columns of `metric`. */
export function sideSelf(d: DiffHierarchy, metric: Metric): { a: Float64Array; b: Float64Array } {
  return { a: selfOf(d.a, metric), b: selfOf(d.b, metric) };
}

const share = (v: number, root: number): number => (root > 0 ? v / root : 0);

/** B − A of one node's total `metric`. */
export function deltaOf(d: DiffHierarchy, metric: Metric, node: number): number {
  const { a, b } = sideTotals(d, metric);
  return b[node] - a[node];
}

/** B's share of B's root minus A's share of A's root, for one node's total `metric` (0 for an empty side). */
export function normalisedDelta(d: DiffHierarchy, metric: Metric, node: number): number {
  const { a, b } = sideTotals(d, metric);
  return share(b[node], b[0]) - share(a[node], a[0]);
}

export interface DeltaOptions {
  /** Self values instead of totals. */
  self?: boolean;
  /** Each side divided by its root total. */
  normalised?: boolean;
}

/** Per node B − A (or normalised delta) of `metric`. */
export function deltaColumn(d: DiffHierarchy, metric: Metric, opts: DeltaOptions = {}): Float64Array {
  const { a, b } = opts.self ? sideSelf(d, metric) : sideTotals(d, metric);
  const roots = sideTotals(d, metric);
  const out = new Float64Array(d.size);
  if (opts.normalised) for (let i = 0; i < d.size; i++) out[i] = share(b[i], roots.b[0]) - share(a[i], roots.a[0]);
  else for (let i = 0; i < d.size; i++) out[i] = b[i] - a[i];
  return out;
}

/**
 * Per node growth in [−1, 1] of the total `metric`: (B − A) / max(A, B), on
 * shares of each root when `normalised`. +1 = new, −1 = gone, 0 = unchanged
 * (or empty on both sides). The colour of a node in the differential views.
 */
export function growthColumn(d: DiffHierarchy, metric: Metric, normalised = false): Float64Array {
  const { a, b } = sideTotals(d, metric);
  const ra = a[0];
  const rb = b[0];
  const out = new Float64Array(d.size);
  for (let i = 0; i < d.size; i++) {
    const x = normalised ? share(a[i], ra) : a[i];
    const y = normalised ? share(b[i], rb) : b[i];
    const m = Math.max(x, y);
    out[i] = m > 0 ? (y - x) / m : 0;
  }
  return out;
}

/**
 * Layout widths of `metric` by the larger side, nested (see the module comment):
 * `self[i] = max(A self, B self)`, `total[i] = self[i] + Σ total[children]`.
 * With `normalised`, each side is first divided by its root total.
 */
export function diffWidths(d: DiffHierarchy, metric: Metric, normalised = false): { self: Float64Array; total: Float64Array } {
  const { a, b } = sideSelf(d, metric);
  const roots = sideTotals(d, metric);
  const ka = normalised ? (roots.a[0] > 0 ? 1 / roots.a[0] : 0) : 1;
  const kb = normalised ? (roots.b[0] > 0 ? 1 / roots.b[0] : 0) : 1;
  const self = new Float64Array(d.size);
  for (let i = 0; i < d.size; i++) self[i] = Math.max(a[i] * ka, b[i] * kb);
  const total = self.slice();
  for (let i = d.size - 1; i > 0; i--) total[d.parent[i]] += total[i];
  return { self, total };
}

/**
 * The diff as a plain `Hierarchy` whose bytes / count / requested columns are
 * the larger-side widths of each metric (`diffWidths`), so the existing flame
 * graph and treemap can lay it out; colour it with `growthColumn`. Node ids,
 * names, groups and children are the diff's own.
 */
export function layoutHierarchy(d: DiffHierarchy, normalised = false): Hierarchy {
  const bytes = diffWidths(d, 'bytes', normalised);
  const count = diffWidths(d, 'count', normalised);
  const requested = diffWidths(d, 'requested', normalised);
  return hierarchyOf(
    d,
    { selfBytes: bytes.self, totalBytes: bytes.total, selfCount: count.self, totalCount: count.total, selfRequested: requested.self, totalRequested: requested.total },
    d.hasRequested,
  );
}

/**
 * For side-by-side mode: node id of each `side` node in the diff (the inverse of
 * `aNode` / `bNode`), so a zoom or selection in A's view maps to the diff and,
 * through `bNode`, to the same path in B's view. `sideSize` is that hierarchy's `size`.
 */
export function diffNodesOfSide(d: DiffHierarchy, side: 'a' | 'b', sideSize: number): Int32Array {
  const col = side === 'a' ? d.aNode : d.bNode;
  const out = new Int32Array(sideSize).fill(-1);
  for (let i = 0; i < d.size; i++) if (col[i] >= 0 && col[i] < sideSize) out[col[i]] = i;
  return out;
}

/**
 * The node of the other side at the same name path as `node` of `from`
 * (-1 when the other side has no such path): synchronised zoom and selection.
 */
export function matchingNode(d: DiffHierarchy, from: 'a' | 'b', node: number): number {
  const src = from === 'a' ? d.aNode : d.bNode;
  const dst = from === 'a' ? d.bNode : d.aNode;
  for (let i = 0; i < d.size; i++) if (src[i] === node) return dst[i];
  return -1;
}
