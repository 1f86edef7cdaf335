/**
 * Squarified treemap layout (d3-hierarchy) of a subtree, pruned to what can be
 * seen: at most `maxDepth` levels below the root, and children whose area would
 * be under `minArea` pixels merged into one "other" cell.
 */
import { hierarchy, treemap, treemapSquarify } from 'd3';
import { totalOf, type Hierarchy, type Metric } from '../model/hierarchy.ts';

export interface TreemapCell {
  /** Hierarchy node, or the parent node for a merged cell. */
  node: number;
  merged: boolean;
  depth: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  leaf: boolean;
}

interface Datum {
  node: number;
  merged: boolean;
  value: number;
  children?: Datum[];
}

export function layoutTreemap(h: Hierarchy, metric: Metric, root: number, width: number, height: number, maxDepth = 3, minArea = 64): TreemapCell[] {
  const total = totalOf(h, metric);
  if (total[root] <= 0 || width <= 0 || height <= 0) return [];
  const pxPerUnit = (width * height) / total[root];
  const build = (n: number, depth: number): Datum => {
    const a = h.childStart[n];
    const b = h.childStart[n + 1];
    if (depth >= maxDepth || a === b) return { node: n, merged: false, value: total[n] };
    const children: Datum[] = [];
    let other = 0;
    let inKids = 0;
    for (let c = a; c < b; c++) {
      const k = h.children[c];
      inKids += total[k];
      if (total[k] * pxPerUnit >= minArea) children.push(build(k, depth + 1));
      else other += total[k];
    }
    const self = total[n] - inKids;
    if (self > 0) other += self;
    if (other > 0) children.push({ node: n, merged: true, value: other });
    return { node: n, merged: false, value: 0, children };
  };
  const rootDatum = build(root, 0);
  const d3root = hierarchy<Datum>(rootDatum, (d) => d.children).sum((d) => (d.children ? 0 : d.value));
  treemap<Datum>().tile(treemapSquarify).size([width, height]).paddingInner(1).paddingTop((d) => (d.depth === 0 ? 0 : 16)).round(false)(d3root);
  const out: TreemapCell[] = [];
  d3root.each((d) => {
    const p = d as unknown as { x0: number; y0: number; x1: number; y1: number };
    out.push({ node: d.data.node, merged: d.data.merged, depth: d.depth, x0: p.x0, y0: p.y0, x1: p.x1, y1: p.y1, leaf: !d.children });
  });
  return out;
}

/** The deepest cell containing (x, y). */
export function cellAt(cells: TreemapCell[], x: number, y: number): TreemapCell | null {
  let best: TreemapCell | null = null;
  for (const c of cells) {
    if (x >= c.x0 && x < c.x1 && y >= c.y0 && y < c.y1 && (!best || c.depth > best.depth)) best = c;
  }
  return best;
}
