import { describe, expect, it } from 'vitest';
import { HierarchyBuilder } from '../../workers/logic/aggregate/hierarchy.ts';
import { hitTest, indexRects, layoutFlame } from './flame.ts';

function wideTree(children: number) {
  const b = new HierarchyBuilder('all', ['all', 'x']);
  const big = b.child(0, b.nameId('big'), 0);
  b.add(big, 1_000_000, 1, 0);
  for (let i = 0; i < children; i++) b.add(b.child(0, b.nameId(`n${i}`), 0), 1, 1, 0);
  return b.build();
}

describe('flame layout', () => {
  it('merges children narrower than a pixel instead of laying them out', () => {
    const h = wideTree(100_000);
    const rects = layoutFlame(h, 'bytes', 0, 1000);
    expect(rects.length).toBeLessThan(10);
    const merged = rects.filter((r) => r.merged);
    expect(merged).toHaveLength(1);
    expect(merged[0].w).toBeCloseTo((100_000 / 1_100_000) * 1000, 6);
    const big = rects.find((r) => h.names[h.name[r.node]] === 'big')!;
    expect(big.x).toBe(0);
    expect(big.w).toBeCloseTo((1_000_000 / 1_100_000) * 1000, 6);
  });

  it('keeps the ancestors of a zoomed node full width and hit-tests by depth and x', () => {
    const b = new HierarchyBuilder('all', ['all', 'a', 'b']);
    const a = b.child(0, b.nameId('a'), 0);
    const ab = b.child(a, b.nameId('b'), 0);
    const ac = b.child(a, b.nameId('c'), 0);
    b.add(ab, 30, 1, 0);
    b.add(ac, 10, 1, 0);
    const h = b.build();
    const rects = layoutFlame(h, 'bytes', a, 400);
    expect(rects.map((r) => [h.names[h.name[r.node]], r.depth, r.x, r.w])).toEqual([
      ['all', 0, 0, 400],
      ['a', 1, 0, 400],
      ['c', 2, 300, 100],
      ['b', 2, 0, 300],
    ]);
    const rows = indexRects(rects);
    expect(h.names[h.name[hitTest(rows, 350, 2)!.node]]).toBe('c');
    expect(hitTest(rows, 350, 3)).toBeNull();
    const byName = layoutFlame(h, 'bytes', a, 400, 'name');
    expect(byName.find((r) => r.node === ab)!.x).toBe(0);
    expect(byName.find((r) => r.node === ac)!.x).toBe(300);
  });

  it('lays out a very deep chain without recursion', () => {
    const b = new HierarchyBuilder('all', ['all']);
    let n = 0;
    for (let i = 0; i < 50_000; i++) n = b.child(n, b.nameId(`f${i}`), 0);
    b.add(n, 8, 1, 0);
    const h = b.build();
    expect(layoutFlame(h, 'bytes', 0, 800)).toHaveLength(50_001);
  });
});
