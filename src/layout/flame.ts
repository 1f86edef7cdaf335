/**
 * Icicle layout of a `Hierarchy`: pure functions the canvas view and the tests call.
 * Only nodes at least `minPx` wide are laid out; the narrower children of a node
 * are merged into one "merged" rectangle, so the work is bounded by the pixels,
 * not by the size of the tree.
 */
import { totalOf, type Hierarchy, type Metric } from '../model/hierarchy.ts';
import { findSorted } from '../model/sorted.ts';

export interface FlameRect {
  node: number;
  depth: number;
  x: number;
  w: number;
  /** A run of children too narrow to draw one by one (node = their parent). */
  merged: boolean;
}

export type ChildOrder = 'size' | 'name';

const nameOrderCache = new WeakMap<Hierarchy, Uint32Array>();

/** Children CSR sorted by name (computed once per hierarchy). */
function childrenByName(h: Hierarchy): Uint32Array {
  let out = nameOrderCache.get(h);
  if (!out) {
    out = h.children.slice();
    for (let i = 0; i < h.size; i++) {
      const a = h.childStart[i];
      const b = h.childStart[i + 1];
      if (b - a > 1) out.set(Array.from(out.subarray(a, b)).sort((x, y) => h.names[h.name[x]].localeCompare(h.names[h.name[y]])), a);
    }
    nameOrderCache.set(h, out);
  }
  return out;
}

/**
 * Lays out the subtree of `root` across `width` pixels. The ancestors of `root`
 * are laid out full width above it, so the zoomed path stays visible.
 */
export function layoutFlame(h: Hierarchy, metric: Metric, root: number, width: number, order: ChildOrder = 'size', minPx = 1): FlameRect[] {
  const total = totalOf(h, metric);
  const rects: FlameRect[] = [];
  for (let a = h.parent[root]; a >= 0; a = h.parent[a]) rects.push({ node: a, depth: h.depth[a], x: 0, w: width, merged: false });
  rects.reverse();
  if (total[root] <= 0) {
    rects.push({ node: root, depth: h.depth[root], x: 0, w: width, merged: false });
    return rects;
  }
  const scale = width / total[root];
  const kids = order === 'name' ? childrenByName(h) : h.children;
  // Explicit stack of (node, x): no recursion, any depth.
  const stackNode: number[] = [root];
  const stackX: number[] = [0];
  while (stackNode.length) {
    const n = stackNode.pop()!;
    const x = stackX.pop()!;
    const w = total[n] * scale;
    rects.push({ node: n, depth: h.depth[n], x, w, merged: false });
    let cursor = x;
    let mergedX = -1;
    let mergedW = 0;
    for (let c = h.childStart[n]; c < h.childStart[n + 1]; c++) {
      const k = kids[c];
      const cw = total[k] * scale;
      if (cw >= minPx) {
        stackNode.push(k);
        stackX.push(cursor);
      } else if (cw > 0) {
        if (mergedX < 0) mergedX = cursor;
        mergedW += cw;
      }
      cursor += cw;
    }
    if (mergedW >= 0.5) rects.push({ node: n, depth: h.depth[n] + 1, x: mergedX < 0 ? cursor : mergedX, w: mergedW, merged: true });
  }
  return rects;
}

/** Rows of rects by depth, each sorted by x: for hit testing. */
export function indexRects(rects: FlameRect[]): FlameRect[][] {
  const rows: FlameRect[][] = [];
  for (const r of rects) (rows[r.depth] ??= []).push(r);
  for (const row of rows) row?.sort((a, b) => a.x - b.x);
  return rows;
}

/** The rect under (x, depth), or null. */
export function hitTest(rows: FlameRect[][], x: number, depth: number): FlameRect | null {
  const row = rows[depth];
  if (!row) return null;
  const i = findSorted(row.length, (k) => (x < row[k].x ? 1 : x >= row[k].x + row[k].w ? -1 : 0));
  return i < 0 ? null : row[i];
}
