import { describe, expect, it } from 'vitest';
import { StackTableBuilder, FrameTableBuilder } from '../../../src/model/stacks.ts';
import { StringTableBuilder } from '../../../src/model/strings.ts';
import { describeShared, sharedPath } from '../../../test-support/shared.ts';
import { withSource } from '../../../test-support/node-files.ts';
import { readChapList } from '../formats/chap-list/chap-list.ts';
import { namePath, nodeByNames, searchHierarchy } from '../../../src/model/hierarchy.ts';
import { stackTree, typeSizeTree } from './trees.ts';

describeShared('type → size class tree of heapgen phase 1', ['fixtures', 'heapgen'], () => {
  it('root totals equal chap\'s tally; children sorted by bytes; self + children = total everywhere', async () => {
    const t = (await withSource(sharedPath('fixtures/heapgen/core.phase1.list_used'), (s) => readChapList(s))).table;
    const h = typeSizeTree([t]);
    expect(h.totalBytes[0]).toBe(3413480);
    expect(h.totalCount[0]).toBe(26343);
    for (let i = 0; i < h.size; i++) {
      let sum = h.selfBytes[i];
      let prev = Infinity;
      for (let c = h.childStart[i]; c < h.childStart[i + 1]; c++) {
        const k = h.children[c];
        sum += h.totalBytes[k];
        expect(h.totalBytes[k]).toBeLessThanOrEqual(prev);
        prev = h.totalBytes[k];
        expect(h.parent[k]).toBe(i);
      }
      expect(sum).toBe(h.totalBytes[i]);
    }
    const rect = nodeByNames(h, ['widgets::Rect']);
    expect(h.totalCount[rect]).toBe(2000);
    expect(namePath(h, rect)).toEqual(['widgets::Rect']);
    const rect48 = nodeByNames(h, ['widgets::Rect', '72 B (0x48)']);
    expect(h.totalCount[rect48]).toBe(2000);
    const inv = typeSizeTree([t], { inverted: true });
    expect(inv.totalBytes[0]).toBe(3413480);
    expect(inv.totalCount[nodeByNames(inv, ['72 B (0x48)', 'widgets::Rect'])]).toBe(2000);
    const found = searchHierarchy(h, 'widgets::', 'count');
    expect(found.matched).toBe(6000);
  });
});

describe('stack tree', () => {
  it('builds root → oldest → newest, and the inverted tree with the same totals', () => {
    const strings = new StringTableBuilder();
    const frames = new FrameTableBuilder();
    const stacks = new StackTableBuilder();
    const a = frames.intern(strings.intern('a.py'), 1);
    const bf = frames.intern(strings.intern('b.py'), 2);
    const c = frames.intern(strings.intern('c.py'), 3);
    const sA = stacks.child(0, a);
    const sAB = stacks.child(sA, bf);
    const sAC = stacks.child(sA, c);
    const w = { rows: 3, stack: Uint32Array.from([sAB, sAC, sAB]), size: Float64Array.from([10, 5, 1]) };
    const h = stackTree(w, stacks.freeze(), frames.freeze(), strings.freeze());
    expect(h.totalBytes[0]).toBe(16);
    expect(h.totalBytes[nodeByNames(h, ['a.py:1'])]).toBe(16);
    expect(h.totalCount[nodeByNames(h, ['a.py:1', 'b.py:2'])]).toBe(2);
    const inv = stackTree(w, stacks.freeze(), frames.freeze(), strings.freeze(), { inverted: true });
    expect(inv.totalBytes[nodeByNames(inv, ['c.py:3', 'a.py:1'])]).toBe(5);
    expect(inv.totalBytes[0]).toBe(16);
  });
});

describe('invertHierarchy', () => {
  it('puts self figures under reversed paths and keeps the totals', async () => {
    const { HierarchyBuilder, invertHierarchy } = await import('./hierarchy.ts');
    const b = new HierarchyBuilder('all', ['all', 'lib', 'func']);
    const l1 = b.child(0, b.nameId('libA'), 0);
    const l2 = b.child(0, b.nameId('libB'), 0);
    b.add(b.child(l1, b.nameId('f'), 0), 10, 1, 8);
    b.add(b.child(l2, b.nameId('f'), 0), 5, 2, 4);
    b.add(l2, 3, 1, 3);
    const inv = invertHierarchy(b.build());
    expect(inv.levels).toEqual(['all', 'func', 'lib']);
    expect(inv.totalBytes[0]).toBe(18);
    expect(inv.totalBytes[nodeByNames(inv, ['f'])]).toBe(15);
    expect(inv.totalCount[nodeByNames(inv, ['f', 'libB'])]).toBe(2);
    expect(inv.selfBytes[nodeByNames(inv, ['libB'])]).toBe(3);
  });
});

describe('typeObjectTree', () => {
  it('keeps the largest objects of each type as leaves and folds the rest', async () => {
    const { typeObjectTree } = await import('./trees.ts');
    const { AllocationTableBuilder, AllocState } = await import('../../../src/model/allocations.ts');
    const t = new AllocationTableBuilder();
    const str = t.strings.intern('str');
    const dict = t.strings.intern('dict');
    for (let i = 0; i < 5; i++) t.add(0, 0x1000 + i * 16, 10 + i, AllocState.Used, str);
    t.add(0, 0x2000, 100, AllocState.Used, dict);
    const h = typeObjectTree(t.freeze(), (r) => `obj${r}`, 2);
    expect(h.totalBytes[0]).toBe(10 + 11 + 12 + 13 + 14 + 100);
    expect(h.totalBytes[nodeByNames(h, ['str'])]).toBe(60);
    expect(h.totalBytes[nodeByNames(h, ['str', 'obj4'])]).toBe(14);
    expect(h.totalCount[nodeByNames(h, ['str', '(3 smaller objects)'])]).toBe(3);
    expect(h.totalBytes[nodeByNames(h, ['dict', 'obj5'])]).toBe(100);
  });
});
