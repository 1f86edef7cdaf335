/**
 * The comparison of two snapshots A (before) and B (after): the union of two
 * `Hierarchy`s (src/model/hierarchy.ts) matched by name path from the root, struct
 * of arrays: the same `TreeShape` as a hierarchy, with two sets of `Figures` (`a`,
 * `b`). Built by `diffHierarchies` (workers/logic/diff/diff-hierarchies.ts).
 *
 * | column          | type         | meaning                                                                    |
 * |-----------------|--------------|----------------------------------------------------------------------------|
 * | parent          | Int32Array   | parent node; -1 for the root (node 0). `parent[i] < i` (parent-first ids)  |
 * | depth           | Uint16Array  | 0 for the root                                                             |
 * | name            | Uint32Array  | index into `names`: the node's stable key (library base name, function,    |
 * |                 |              | `+0xOFFSET`, `file:line`, class, size class)                               |
 * | group           | Uint32Array  | index into `groups`: display / colour group (B's when the node is in B)    |
 * | aNode           | Int32Array   | the node's id in A, -1 when A has no such path                             |
 * | bNode           | Int32Array   | the node's id in B, -1 when B has no such path                             |
 * | a.selfBytes     | Float64Array | A's usable bytes of allocations whose path ends here (0 when not in A)      |
 * | b.selfBytes     | Float64Array | same for B                                                                 |
 * | a.totalBytes    | Float64Array | A's self + descendants                                                     |
 * | b.totalBytes    | Float64Array |                                                                            |
 * | a.selfCount     | Float64Array | allocations ending here in A                                               |
 * | b.selfCount     | Float64Array |                                                                            |
 * | a.totalCount    | Float64Array |                                                                            |
 * | b.totalCount    | Float64Array |                                                                            |
 * | a.selfRequested | Float64Array | requested bytes (footer / trace) ending here in A                          |
 * | b.selfRequested | Float64Array |                                                                            |
 * | a.totalRequested| Float64Array |                                                                            |
 * | b.totalRequested| Float64Array |                                                                            |
 * | status          | Uint8Array   | `DiffStatus` of the node's totals                                          |
 * | childStart      | Uint32Array  | size + 1 offsets into `children` (CSR)                                     |
 * | children        | Uint32Array  | child ids, biggest max(aTotalBytes, bTotalBytes) first                     |
 *
 * Deltas are always B − A. The flame graph / treemap of a diff draws width by
 * the larger side and colours by growth: see workers/logic/diff/delta.ts
 * (`diffWidths`, `growthColumn`, `normalisedDelta`).
 */

import type { Figures, TreeShape } from './hierarchy.ts';

/** What happened to a node between A and B (by total bytes, then total count). */
export const DiffStatus = {
  /** Equal bytes and count on both sides. */
  Same: 0,
  /** B has more bytes (or, bytes equal, more allocations). */
  Grown: 1,
  /** B has fewer bytes (or, bytes equal, fewer allocations). */
  Shrunk: 2,
  /** Absent (or empty) in A, present in B. */
  New: 3,
  /** Present in A, absent (or empty) in B. */
  Gone: 4,
} as const;
export type DiffStatus = (typeof DiffStatus)[keyof typeof DiffStatus];

/** Stable names of `DiffStatus` values, used as filter names, JSON values and labels. */
export const DIFF_STATUS_KEYS = ['same', 'grown', 'shrunk', 'new', 'gone'] as const;
export type DiffStatusKey = (typeof DIFF_STATUS_KEYS)[number];

export interface DiffHierarchy extends TreeShape {
  aNode: Int32Array;
  bNode: Int32Array;
  /** A's figures on the union's nodes (0 where A lacks the node). */
  a: Figures;
  /** B's figures on the union's nodes. */
  b: Figures;
  status: Uint8Array;
  /** True when both sides have real requested figures. */
  hasRequested: boolean;
}

/** One row of the diff table (`diffRows`): a node's values on both sides, deltas B − A. */
export interface DiffRow {
  /** Node id in the DiffHierarchy (-1 for rows that come from no hierarchy, e.g. Python compare_to). */
  node: number;
  /** Names from the root's child down to the node (the stable key). */
  path: string[];
  /** Display text of the key: the path joined with ' › '. */
  key: string;
  aBytes: number;
  bBytes: number;
  dBytes: number;
  aCount: number;
  bCount: number;
  dCount: number;
  aRequested: number;
  bRequested: number;
  status: DiffStatusKey;
  /** True when the figures are the node's self values (a path that ends above the requested level). */
  self: boolean;
}
