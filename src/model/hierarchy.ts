/**
 * Hierarchies (call trees, type trees) as typed arrays: what the flame graph,
 * treemap and tree table draw. Built in the aggregation worker from any input's
 * tables (`HierarchyBuilder`, workers/logic/aggregate/hierarchy.ts); the views
 * never see per-format code. The functions here only read a hierarchy: the views
 * call them on the main thread.
 *
 * `TreeShape` is the tree (shared with `DiffHierarchy`, src/model/diff.ts), `Figures`
 * one snapshot's numbers per node; a `Hierarchy` is both.
 *
 * | column         | type         | part      | meaning                                                         |
 * |----------------|--------------|-----------|-----------------------------------------------------------------|
 * | parent         | Int32Array   | TreeShape | parent node; -1 for the root (node 0)                           |
 * | depth          | Uint16Array  | TreeShape | 0 for the root                                                  |
 * | name           | Uint32Array  | TreeShape | index into `names`                                              |
 * | group          | Uint32Array  | TreeShape | index into `groups`: what colours the node (module, file, type) |
 * | childStart     | Uint32Array  | TreeShape | size + 1 offsets into `children` (CSR)                          |
 * | children       | Uint32Array  | TreeShape | child node ids, biggest `totalBytes` first                      |
 * | selfBytes      | Float64Array | Figures   | usable bytes of allocations whose path ends at this node        |
 * | totalBytes     | Float64Array | Figures   | self + all descendants                                          |
 * | selfCount      | Float64Array | Figures   | allocations ending here                                         |
 * | totalCount     | Float64Array | Figures   |                                                                 |
 * | selfRequested  | Float64Array | Figures   | requested bytes (footer / trace), when the input has them       |
 * | totalRequested | Float64Array | Figures   |                                                                 |
 *
 * Node ids are assigned parent-first, so `parent[i] < i` for every node but the root.
 */

/** The tree itself, shared by every hierarchy (`Hierarchy`) and every comparison of two (`DiffHierarchy`). */
export interface TreeShape {
  size: number;
  parent: Int32Array;
  depth: Uint16Array;
  name: Uint32Array;
  names: string[];
  group: Uint32Array;
  groups: string[];
  childStart: Uint32Array;
  children: Uint32Array;
  /** What each depth means, e.g. ['all', 'signature', 'size class'] or ['all', 'frame']. */
  levels: string[];
  maxDepth: number;
}

/** One snapshot's figures per node (a diff has two sets: `a` and `b`). */
export interface Figures {
  selfBytes: Float64Array;
  totalBytes: Float64Array;
  selfCount: Float64Array;
  totalCount: Float64Array;
  selfRequested: Float64Array;
  totalRequested: Float64Array;
}

export interface Hierarchy extends TreeShape, Figures {
  /** True when `requested` figures are real (not just copies of usable bytes). */
  hasRequested: boolean;
}

export type Metric = 'bytes' | 'count' | 'requested';

/** A hierarchy of `t`'s tree with `figures` (a diff's side, or its drawing widths); the arrays are shared, not copied. */
export function hierarchyOf(t: TreeShape, figures: Figures, hasRequested: boolean): Hierarchy {
  const { size, parent, depth, name, names, group, groups, childStart, children, levels, maxDepth } = t;
  const { selfBytes, totalBytes, selfCount, totalCount, selfRequested, totalRequested } = figures;
  return { size, parent, depth, name, names, group, groups, childStart, children, levels, maxDepth, hasRequested, selfBytes, totalBytes, selfCount, totalCount, selfRequested, totalRequested };
}

export function totalOf(h: Figures, metric: Metric): Float64Array {
  return metric === 'count' ? h.totalCount : metric === 'requested' ? h.totalRequested : h.totalBytes;
}

export function selfOf(h: Figures, metric: Metric): Float64Array {
  return metric === 'count' ? h.selfCount : metric === 'requested' ? h.selfRequested : h.selfBytes;
}

/** Node ids from the root to `node`, root first. */
export function pathTo(h: TreeShape, node: number): number[] {
  const out: number[] = [];
  for (let n = node; n >= 0; n = h.parent[n]) out.push(n);
  return out.reverse();
}

/** Names from the root's child down to `node` (the stable key used in URLs and across rebuilds). */
export function namePath(h: TreeShape, node: number): string[] {
  return pathTo(h, node)
    .slice(1)
    .map((n) => h.names[h.name[n]]);
}

/**
 * The node reached by following `names` from the root: the deepest match when a name is missing, or -1 then
 * when `exact` (a diff looks up a side's node this way).
 */
export function nodeByNames(h: TreeShape, names: readonly string[], exact = false): number {
  let node = 0;
  for (const nm of names) {
    let next = -1;
    for (let c = h.childStart[node]; c < h.childStart[node + 1]; c++) {
      const k = h.children[c];
      if (h.names[h.name[k]] === nm) {
        next = k;
        break;
      }
    }
    if (next < 0) return exact ? -1 : node;
    node = next;
  }
  return node;
}

/**
 * Nodes whose name contains `query` (case-insensitive), and the share of the
 * root's metric they cover, each allocation counted once (a match under a match
 * is not counted again).
 */
export function searchHierarchy(h: Hierarchy, query: string, metric: Metric): { matches: Uint8Array; matched: number; total: number } {
  const matches = new Uint8Array(h.size);
  const q = query.trim().toLowerCase();
  const total = totalOf(h, metric);
  if (!q) return { matches, matched: 0, total: total[0] };
  const nameHit = h.names.map((s) => s.toLowerCase().includes(q));
  const covered = new Uint8Array(h.size);
  let matched = 0;
  for (let i = 1; i < h.size; i++) {
    if (nameHit[h.name[i]]) matches[i] = 1;
    const p = h.parent[i];
    if (covered[p]) covered[i] = 1;
    else if (matches[i]) {
      covered[i] = 1;
      matched += total[i];
    }
  }
  return { matches, matched, total: total[0] };
}
