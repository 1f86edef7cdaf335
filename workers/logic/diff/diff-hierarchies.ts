/**
 * The union of two hierarchies matched by name path: the `DiffHierarchy`
 * (columns documented in src/model/diff.ts). Names are the stable keys the
 * hierarchy builders chose (see workers/logic/diff/site-keys.ts), so matching by the
 * path of names from the root is matching by what survives ASLR and rebuilds.
 */
import { DiffStatus, type DiffHierarchy } from '../../../src/model/diff.ts';
import type { Figures, Hierarchy } from '../../../src/model/hierarchy.ts';
import { Interner } from '../../../src/model/strings.ts';

const NARROW = 0x200000;

/** Status of one node from its two sides' totals. */
export function statusOf(aBytes: number, aCount: number, bBytes: number, bCount: number): DiffStatus {
  const inA = aBytes !== 0 || aCount !== 0;
  const inB = bBytes !== 0 || bCount !== 0;
  if (!inA && inB) return DiffStatus.New;
  if (inA && !inB) return DiffStatus.Gone;
  if (bBytes > aBytes) return DiffStatus.Grown;
  if (bBytes < aBytes) return DiffStatus.Shrunk;
  if (bCount > aCount) return DiffStatus.Grown;
  if (bCount < aCount) return DiffStatus.Shrunk;
  return DiffStatus.Same;
}

/**
 * Matches the nodes of `a` and `b` by the names on their path from the root
 * (the roots always match) and returns one node per distinct path with both
 * sides' self and total bytes, count and requested, a status per node, and
 * children sorted by the larger side's total bytes.
 */
export function diffHierarchies(a: Hierarchy, b: Hierarchy): DiffHierarchy {
  const nameIds = new Interner();
  const groupIds = new Interner();
  const nameId = (s: string): number => nameIds.id(s);
  const groupId = (s: string): number => groupIds.id(s);
  groupId(''); // the root's group
  // Per-side name and group id → union id, computed once per distinct string.
  const aName = a.names.map(nameId);
  const bName = b.names.map(nameId);
  const aGroup = a.groups.map(groupId);
  const bGroup = b.groups.map(groupId);

  const parent: number[] = [-1];
  const name: number[] = [b.size > 0 ? bName[b.name[0]] : a.size > 0 ? aName[a.name[0]] : nameId('all')];
  const group: number[] = [0];
  const aNodeList: number[] = [a.size > 0 ? 0 : -1];
  const bNodeList: number[] = [b.size > 0 ? 0 : -1];
  const edges = new Map<number, number>();
  const wideEdges = new Map<string, number>();
  const child = (p: number, nm: number, gr: number): number => {
    const narrow = p < NARROW;
    const key = p * 4294967296 + nm;
    let node = narrow ? edges.get(key) : wideEdges.get(`${p}:${nm}`);
    if (node === undefined) {
      node = parent.length;
      parent.push(p);
      name.push(nm);
      group.push(gr);
      aNodeList.push(-1);
      bNodeList.push(-1);
      if (narrow) edges.set(key, node);
      else wideEdges.set(`${p}:${nm}`, node);
    }
    return node;
  };

  // Parent-first ids on each side: a pass in id order has every parent mapped already.
  const aMap = new Int32Array(a.size);
  for (let i = 1; i < a.size; i++) {
    const n = child(aMap[a.parent[i]], aName[a.name[i]], aGroup[a.group[i]]);
    aMap[i] = n;
    aNodeList[n] = i;
  }
  const bMap = new Int32Array(b.size);
  for (let i = 1; i < b.size; i++) {
    const n = child(bMap[b.parent[i]], bName[b.name[i]], bGroup[b.group[i]]);
    bMap[i] = n;
    bNodeList[n] = i;
    group[n] = bGroup[b.group[i]]; // B's display group wins where both have the node
  }

  const size = parent.length;
  const aNode = Int32Array.from(aNodeList);
  const bNode = Int32Array.from(bNodeList);
  const side = (h: Hierarchy, map: Int32Array, col: Float64Array): Float64Array => {
    const out = new Float64Array(size);
    for (let i = 0; i < h.size; i++) out[map[i]] = col[i];
    return out;
  };
  const figures = (h: Hierarchy, map: Int32Array): Figures => ({
    selfBytes: side(h, map, h.selfBytes),
    totalBytes: side(h, map, h.totalBytes),
    selfCount: side(h, map, h.selfCount),
    totalCount: side(h, map, h.totalCount),
    selfRequested: side(h, map, h.selfRequested),
    totalRequested: side(h, map, h.totalRequested),
  });
  const fa = figures(a, aMap);
  const fb = figures(b, bMap);

  const parentArr = Int32Array.from(parent);
  const depth = new Uint16Array(size);
  let maxDepth = 0;
  for (let i = 1; i < size; i++) {
    depth[i] = depth[parentArr[i]] + 1;
    if (depth[i] > maxDepth) maxDepth = depth[i];
  }
  const status = new Uint8Array(size);
  for (let i = 0; i < size; i++) status[i] = statusOf(fa.totalBytes[i], fa.totalCount[i], fb.totalBytes[i], fb.totalCount[i]);

  // CSR children, biggest larger-side bytes first (then larger-side count, then id).
  const childStart = new Uint32Array(size + 1);
  for (let i = 1; i < size; i++) childStart[parentArr[i] + 1]++;
  for (let i = 0; i < size; i++) childStart[i + 1] += childStart[i];
  const fill = childStart.slice(0, size);
  const children = new Uint32Array(Math.max(0, size - 1));
  for (let i = 1; i < size; i++) children[fill[parentArr[i]]++] = i;
  const maxBytes = (i: number) => Math.max(fa.totalBytes[i], fb.totalBytes[i]);
  const maxCount = (i: number) => Math.max(fa.totalCount[i], fb.totalCount[i]);
  for (let i = 0; i < size; i++) {
    const s = childStart[i];
    const e = childStart[i + 1];
    if (e - s > 1) {
      const sorted = Array.from(children.subarray(s, e)).sort((x, y) => maxBytes(y) - maxBytes(x) || maxCount(y) - maxCount(x) || x - y);
      children.set(sorted, s);
    }
  }

  return {
    size,
    parent: parentArr,
    depth,
    name: Uint32Array.from(name),
    names: nameIds.values,
    group: Uint32Array.from(group),
    groups: groupIds.values,
    aNode,
    bNode,
    a: fa,
    b: fb,
    status,
    childStart,
    children,
    levels: b.levels.length >= a.levels.length ? b.levels : a.levels,
    hasRequested: a.hasRequested && b.hasRequested,
    maxDepth,
  };
}
