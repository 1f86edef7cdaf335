/**
 * Builds `Hierarchy`s (src/model/hierarchy.ts): `HierarchyBuilder` grows the node
 * columns while a tree is made from an input's tables, `invertHierarchy` turns a
 * tree bottom-up.
 */
import type { Hierarchy } from '../../../src/model/hierarchy.ts';
import { Interner } from '../../../src/model/strings.ts';

/** Grows node columns while a hierarchy is built; `build()` computes totals and the sorted CSR. */
export class HierarchyBuilder {
  private parent: number[] = [-1];
  private depth: number[] = [0];
  private name: number[] = [0];
  private group: number[] = [0];
  private selfBytes: number[] = [0];
  private selfCount: number[] = [0];
  private selfRequested: number[] = [0];
  private readonly names = new Interner();
  private readonly groups = new Interner();
  private readonly edges = new Map<number, number>();
  private readonly wideEdges = new Map<string, number>();
  hasRequested = false;

  constructor(
    rootName: string,
    private readonly levels: string[],
  ) {
    this.nameId(rootName);
    this.groupId('');
  }

  nameId(s: string): number {
    return this.names.id(s);
  }

  groupId(s: string): number {
    return this.groups.id(s);
  }

  /** The child of `parent` named `name` (ids from `nameId`/`groupId`), created when new. */
  child(parent: number, name: number, group: number): number {
    let node: number | undefined;
    const narrow = parent < 0x200000;
    const key = parent * 4294967296 + name;
    node = narrow ? this.edges.get(key) : this.wideEdges.get(`${parent}:${name}`);
    if (node === undefined) {
      node = this.parent.length;
      this.parent.push(parent);
      this.depth.push(this.depth[parent] + 1);
      this.name.push(name);
      this.group.push(group);
      this.selfBytes.push(0);
      this.selfCount.push(0);
      this.selfRequested.push(0);
      if (narrow) this.edges.set(key, node);
      else this.wideEdges.set(`${parent}:${name}`, node);
    }
    return node;
  }

  add(node: number, bytes: number, count: number, requested: number): void {
    this.selfBytes[node] += bytes;
    this.selfCount[node] += count;
    this.selfRequested[node] += requested;
  }

  build(): Hierarchy {
    const n = this.parent.length;
    const parent = Int32Array.from(this.parent);
    const selfBytes = Float64Array.from(this.selfBytes);
    const selfCount = Float64Array.from(this.selfCount);
    const selfRequested = Float64Array.from(this.selfRequested);
    const totalBytes = selfBytes.slice();
    const totalCount = selfCount.slice();
    const totalRequested = selfRequested.slice();
    for (let i = n - 1; i > 0; i--) {
      const p = parent[i];
      totalBytes[p] += totalBytes[i];
      totalCount[p] += totalCount[i];
      totalRequested[p] += totalRequested[i];
    }
    const childCount = new Uint32Array(n + 1);
    for (let i = 1; i < n; i++) childCount[parent[i] + 1]++;
    const childStart = new Uint32Array(n + 1);
    for (let i = 0; i < n; i++) childStart[i + 1] = childStart[i] + childCount[i + 1];
    const fill = childStart.slice(0, n);
    const children = new Uint32Array(Math.max(0, n - 1));
    for (let i = 1; i < n; i++) children[fill[parent[i]]++] = i;
    for (let i = 0; i < n; i++) {
      const a = childStart[i];
      const b = childStart[i + 1];
      if (b - a > 1) {
        const sorted = Array.from(children.subarray(a, b)).sort((x, y) => totalBytes[y] - totalBytes[x] || totalCount[y] - totalCount[x] || x - y);
        children.set(sorted, a);
      }
    }
    const depth = Uint16Array.from(this.depth);
    let maxDepth = 0;
    for (let i = 0; i < n; i++) if (depth[i] > maxDepth) maxDepth = depth[i];
    return {
      size: n,
      parent,
      depth,
      name: Uint32Array.from(this.name),
      names: this.names.values,
      group: Uint32Array.from(this.group),
      groups: this.groups.values,
      selfBytes,
      totalBytes,
      selfCount,
      totalCount,
      selfRequested,
      totalRequested,
      childStart,
      children,
      levels: this.levels,
      hasRequested: this.hasRequested,
      maxDepth,
    };
  }
}

/**
 * The bottom-up (inverted) tree of `h`: each node's self figures are placed
 * under the reversed path leaf → … → root's child. Totals at the root are kept.
 */
export function invertHierarchy(h: Hierarchy): Hierarchy {
  const b = new HierarchyBuilder(h.names[h.name[0]], [h.levels[0] ?? 'all', ...h.levels.slice(1).reverse()]);
  b.hasRequested = h.hasRequested;
  const nameIds = h.names.map((s) => b.nameId(s));
  const groupIds = h.groups.map((s) => b.groupId(s));
  for (let i = 1; i < h.size; i++) {
    if (h.selfCount[i] === 0 && h.selfBytes[i] === 0 && h.selfRequested[i] === 0) continue;
    let node = 0;
    for (let k = i; k > 0; k = h.parent[k]) node = b.child(node, nameIds[h.name[k]], groupIds[h.group[k]]);
    b.add(node, h.selfBytes[i], h.selfCount[i], h.selfRequested[i]);
  }
  b.add(0, h.selfBytes[0], h.selfCount[0], h.selfRequested[0]);
  return b.build();
}
