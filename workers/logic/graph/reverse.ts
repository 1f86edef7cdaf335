/**
 * Referrers: the reverse of a CSR reference graph, and the per-object lookups
 * the views use (who refers to this object, what it refers to).
 */
import { allocShared } from '../../../src/model/columns.ts';
import type { RefGraph } from '../../../src/model/objects.ts';

/** The reverse graph in CSR form: `refTarget[refStart[i] .. refStart[i+1])` are the rows that refer to row i. */
export type ReverseGraph = RefGraph;

/**
 * Builds the reverse CSR (referrers of every row) in two passes, O(rows + edges).
 * A row that refers to the same object twice appears twice, as in the forward graph;
 * referrers of a row come in ascending row order.
 */
export function reverseGraph(g: RefGraph): ReverseGraph {
  const n = g.rows;
  const edges = g.refStart[n];
  const start = new Uint32Array(allocShared((n + 1) * 4));
  const target = new Uint32Array(allocShared(Math.max(1, edges) * 4), 0, edges);
  const { refStart, refTarget } = g;
  for (let e = 0; e < edges; e++) start[refTarget[e] + 1]++;
  for (let i = 0; i < n; i++) start[i + 1] += start[i];
  const fill = start.slice(0, n);
  for (let r = 0; r < n; r++) {
    for (let e = refStart[r], end = refStart[r + 1]; e < end; e++) target[fill[refTarget[e]]++] = r;
  }
  return { rows: n, refStart: start, refTarget: target };
}

/** Number of references to each row (duplicates counted), i.e. meliae's `num_parents`. */
export function inDegrees(g: RefGraph): Uint32Array {
  const deg = new Uint32Array(g.rows);
  const edges = g.refStart[g.rows];
  for (let e = 0; e < edges; e++) deg[g.refTarget[e]]++;
  return deg;
}

/** Distinct rows that `row` refers to, in the dump's order of first mention. */
export function referents(g: RefGraph, row: number): number[] {
  const seen = new Set<number>();
  for (let e = g.refStart[row], end = g.refStart[row + 1]; e < end; e++) seen.add(g.refTarget[e]);
  return [...seen];
}

/** Distinct rows that refer to `row`, ascending (give the graph from `reverseGraph`). */
export function referrers(rev: ReverseGraph, row: number): number[] {
  const out: number[] = [];
  let last = -1;
  for (let e = rev.refStart[row], end = rev.refStart[row + 1]; e < end; e++) {
    const r = rev.refTarget[e];
    if (r !== last) out.push(r);
    last = r;
  }
  return out;
}
