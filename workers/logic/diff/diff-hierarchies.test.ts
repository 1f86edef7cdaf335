import { describe, expect, it } from 'vitest';
import { DiffStatus, type DiffHierarchy } from '../../../src/model/diff.ts';
import { HierarchyBuilder } from '../aggregate/hierarchy.ts';
import { type Hierarchy } from '../../../src/model/hierarchy.ts';
import { deltaColumn, deltaOf, diffNodesOfSide, diffWidths, growthColumn, layoutHierarchy, matchingNode, normalisedDelta } from './delta.ts';
import { diffHierarchies, statusOf } from './diff-hierarchies.ts';
import { namePath, nodeByNames } from '../../../src/model/hierarchy.ts';

/** Builds a hierarchy from [path, bytes, count, requested] rows. */
function tree(rows: [string[], number, number, number?][], group = (p: string[]) => p[0] ?? ''): Hierarchy {
  const b = new HierarchyBuilder('all', ['all', 'one', 'two', 'three']);
  for (const [path, bytes, count, req] of rows) {
    let n = 0;
    for (let i = 0; i < path.length; i++) n = b.child(n, b.nameId(path[i]), b.groupId(group(path)));
    b.add(n, bytes, count, req ?? bytes);
  }
  b.hasRequested = true;
  return b.build();
}

function node(d: DiffHierarchy, ...names: string[]): number {
  const n = nodeByNames(d, names, true);
  expect(n, names.join('/')).toBeGreaterThanOrEqual(0);
  return n;
}

const A = tree([
  [['libx.so', 'f', '+0x10'], 100, 2],
  [['libx.so', 'f', '+0x20'], 50, 1],
  [['libx.so', 'g', '+0x4'], 30, 3],
  [['liby.so', 'h', '+0x8'], 400, 4],
  [['(no footer)'], 64, 2, 0],
]);
const B = tree([
  [['libx.so', 'f', '+0x10'], 300, 6],
  [['libx.so', 'g', '+0x4'], 30, 3],
  [['libx.so', 'k', '+0x1'], 70, 7],
  [['liby.so', 'h', '+0x8'], 100, 1],
  [['(no footer)'], 64, 1, 0],
]);

describe('statusOf', () => {
  it('new / gone by presence, then grown / shrunk by bytes, then by count', () => {
    expect(statusOf(0, 0, 5, 1)).toBe(DiffStatus.New);
    expect(statusOf(5, 1, 0, 0)).toBe(DiffStatus.Gone);
    expect(statusOf(5, 1, 6, 1)).toBe(DiffStatus.Grown);
    expect(statusOf(6, 1, 5, 9)).toBe(DiffStatus.Shrunk);
    expect(statusOf(6, 1, 6, 2)).toBe(DiffStatus.Grown);
    expect(statusOf(6, 2, 6, 1)).toBe(DiffStatus.Shrunk);
    expect(statusOf(6, 2, 6, 2)).toBe(DiffStatus.Same);
    expect(statusOf(0, 0, 0, 0)).toBe(DiffStatus.Same);
  });
});

describe('diffHierarchies', () => {
  const d = diffHierarchies(A, B);

  it('is the union of both sides, matched by name path, with parent-first ids', () => {
    // root, libx, f, +0x10, +0x20, g, +0x4, liby, h, +0x8, (no footer), k, +0x1
    expect(d.size).toBe(13);
    for (let i = 1; i < d.size; i++) expect(d.parent[i]).toBeLessThan(i);
    expect(d.parent[0]).toBe(-1);
    expect(d.depth[node(d, 'libx.so', 'k', '+0x1')]).toBe(3);
    expect(d.maxDepth).toBe(3);
    expect(namePath(d, node(d, 'libx.so', 'f', '+0x20'))).toEqual(['libx.so', 'f', '+0x20']);
    expect(nodeByNames(d, ['libx.so', 'nope'], true)).toBe(-1);
    expect(d.hasRequested).toBe(true);
  });

  it('carries A and B self and total values, zero where a side lacks the node', () => {
    const f = node(d, 'libx.so', 'f');
    expect([d.a.totalBytes[f], d.b.totalBytes[f], d.a.totalCount[f], d.b.totalCount[f]]).toEqual([150, 300, 3, 6]);
    expect([d.a.selfBytes[f], d.b.selfBytes[f]]).toEqual([0, 0]);
    const k = node(d, 'libx.so', 'k', '+0x1');
    expect([d.a.totalBytes[k], d.b.totalBytes[k], d.a.selfBytes[k], d.b.selfBytes[k]]).toEqual([0, 70, 0, 70]);
    expect(d.aNode[k]).toBe(-1);
    expect(d.bNode[k]).toBeGreaterThan(0);
    expect([d.a.totalBytes[0], d.b.totalBytes[0]]).toEqual([644, 564]);
    expect([d.a.totalRequested[0], d.b.totalRequested[0]]).toEqual([580, 500]);
    const nf = node(d, '(no footer)');
    expect([d.a.selfCount[nf], d.b.selfCount[nf], d.a.selfRequested[nf]]).toEqual([2, 1, 0]);
  });

  it('gives each node a status from its totals', () => {
    expect(d.status[node(d, 'libx.so', 'f')]).toBe(DiffStatus.Grown);
    expect(d.status[node(d, 'libx.so', 'f', '+0x20')]).toBe(DiffStatus.Gone);
    expect(d.status[node(d, 'libx.so', 'k')]).toBe(DiffStatus.New);
    expect(d.status[node(d, 'liby.so')]).toBe(DiffStatus.Shrunk);
    expect(d.status[node(d, 'libx.so', 'g')]).toBe(DiffStatus.Same);
    expect(d.status[node(d, '(no footer)')]).toBe(DiffStatus.Shrunk); // same bytes, fewer allocations
  });

  it('sorts children by the larger side’s bytes', () => {
    const kids = (n: number) => Array.from(d.children.subarray(d.childStart[n], d.childStart[n + 1]), (c) => d.names[d.name[c]]);
    expect(kids(0)).toEqual(['libx.so', 'liby.so', '(no footer)']); // max 400 each: libx 400 (B) vs liby 400 (A); count breaks the tie
    expect(kids(node(d, 'libx.so'))).toEqual(['f', 'k', 'g']);
    expect(d.childStart[d.size]).toBe(d.size - 1);
  });

  it('maps nodes between the sides for side-by-side mode', () => {
    const f = node(d, 'libx.so', 'f');
    const aF = d.aNode[f];
    const bF = d.bNode[f];
    expect(matchingNode(d, 'a', aF)).toBe(bF);
    expect(matchingNode(d, 'b', bF)).toBe(aF);
    expect(matchingNode(d, 'b', d.bNode[node(d, 'libx.so', 'k')])).toBe(-1);
    const inv = diffNodesOfSide(d, 'a', A.size);
    for (let i = 0; i < A.size; i++) expect(d.aNode[inv[i]]).toBe(i);
  });

  it('deltas: absolute, self, normalised', () => {
    const f = node(d, 'libx.so', 'f');
    expect(deltaOf(d, 'bytes', f)).toBe(150);
    expect(deltaOf(d, 'count', f)).toBe(3);
    expect(deltaOf(d, 'requested', 0)).toBe(-80);
    expect(normalisedDelta(d, 'bytes', f)).toBeCloseTo(300 / 564 - 150 / 644, 12);
    expect(normalisedDelta(d, 'bytes', 0)).toBe(0);
    const self = deltaColumn(d, 'bytes', { self: true });
    expect(self[f]).toBe(0);
    expect(self[node(d, 'libx.so', 'f', '+0x10')]).toBe(200);
    const norm = deltaColumn(d, 'count', { normalised: true });
    expect(norm[node(d, 'liby.so')]).toBeCloseTo(1 / 18 - 4 / 12, 12);
  });

  it('growth is in [-1, 1]: +1 new, -1 gone, 0 same', () => {
    const g = growthColumn(d, 'bytes');
    expect(g[node(d, 'libx.so', 'k')]).toBe(1);
    expect(g[node(d, 'libx.so', 'f', '+0x20')]).toBe(-1);
    expect(g[node(d, 'libx.so', 'g')]).toBe(0);
    expect(g[node(d, 'liby.so')]).toBe(-0.75);
    const gn = growthColumn(d, 'bytes', true);
    for (const v of gn) expect(Math.abs(v)).toBeLessThanOrEqual(1);
  });

  it('widths: larger side, nested so children fit their parent', () => {
    const w = diffWidths(d, 'bytes');
    for (let i = 0; i < d.size; i++) {
      expect(w.total[i]).toBeGreaterThanOrEqual(Math.max(d.a.totalBytes[i], d.b.totalBytes[i]));
      let kids = 0;
      for (let c = d.childStart[i]; c < d.childStart[i + 1]; c++) kids += w.total[d.children[c]];
      expect(w.total[i]).toBe(w.self[i] + kids);
    }
    // libx: f (+0x10: 300, +0x20: 50) + g 30 + k 70
    expect(w.total[node(d, 'libx.so')]).toBe(450);
    const wn = diffWidths(d, 'bytes', true);
    expect(wn.total[0]).toBeGreaterThanOrEqual(1);
    const lay = layoutHierarchy(d);
    expect(lay.totalBytes[0]).toBe(w.total[0]);
    expect(lay.size).toBe(d.size);
    expect(lay.totalCount[node(d, 'libx.so', 'k')]).toBe(7);
  });

  it('A against itself: every node the same, deltas zero', () => {
    const s = diffHierarchies(A, A);
    expect(s.size).toBe(A.size);
    expect(Array.from(s.status).every((x) => x === DiffStatus.Same)).toBe(true);
    expect(deltaColumn(s, 'bytes').every((x) => x === 0)).toBe(true);
  });

  it('an empty side makes everything new (or gone)', () => {
    const empty = tree([]);
    const n = diffHierarchies(empty, B);
    expect(n.size).toBe(B.size);
    for (let i = 1; i < n.size; i++) expect(n.status[i]).toBe(DiffStatus.New);
    expect(growthColumn(n, 'bytes', true)[1]).toBe(1);
    const g = diffHierarchies(A, empty);
    for (let i = 1; i < g.size; i++) expect(g.status[i]).toBe(DiffStatus.Gone);
    const both = diffHierarchies(empty, empty);
    expect(both.size).toBe(1);
    expect(both.status[0]).toBe(DiffStatus.Same);
    expect(diffWidths(both, 'bytes', true).total[0]).toBe(0);
  });

  it('hostile names (empty, separators, __proto__, same name at several depths) match only by full path', () => {
    const x = tree([
      [['__proto__', '__proto__'], 8, 1],
      [['', 'a › b'], 16, 1],
      [['constructor'], 24, 1],
    ]);
    const y = tree([
      [['__proto__'], 8, 1],
      [['', 'a › b'], 32, 2],
      [['a › b'], 5, 1],
    ]);
    const d2 = diffHierarchies(x, y);
    const p = node(d2, '__proto__');
    expect([d2.a.selfBytes[p], d2.b.selfBytes[p], d2.a.totalBytes[p]]).toEqual([0, 8, 8]);
    expect(d2.status[node(d2, '__proto__', '__proto__')]).toBe(DiffStatus.Gone);
    expect(d2.b.totalBytes[node(d2, '', 'a › b')]).toBe(32);
    expect(d2.status[node(d2, 'a › b')]).toBe(DiffStatus.New);
    expect(d2.status[node(d2, 'constructor')]).toBe(DiffStatus.Gone);
  });

  it('takes B’s group (display name) where both have the node, A’s for gone nodes', () => {
    const x = tree([[['libz.so', 'f'], 8, 1], [['libq.so', 'f'], 8, 1]], (p) => (p[0] === 'libz.so' ? '/old/libz.so' : '/lib/libq.so'));
    const y = tree([[['libz.so', 'f'], 8, 1]], () => '/new/libz.so');
    const d2 = diffHierarchies(x, y);
    expect(d2.groups[d2.group[node(d2, 'libz.so')]]).toBe('/new/libz.so');
    expect(d2.groups[d2.group[node(d2, 'libq.so')]]).toBe('/lib/libq.so');
  });
});
