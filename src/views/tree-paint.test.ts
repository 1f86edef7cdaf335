import { describe, expect, it } from 'vitest';
import { HierarchyBuilder } from '../../workers/logic/aggregate/hierarchy.ts';
import { cellFill, fitLabel } from './tree-paint.ts';
import { groupColor, TREE_COLORS } from './palette.ts';

function tree() {
  const b = new HierarchyBuilder('all', ['all', 'function', 'return address']);
  const lib = b.groupId('libfoo.so');
  const f = b.child(0, b.nameId('foo'), lib);
  b.add(b.child(f, b.nameId('bar'), lib), 10, 1, 0);
  return { h: b.build(), foo: f };
}

describe('cellFill', () => {
  const { h, foo } = tree();
  const fixed = TREE_COLORS.light;

  it("is the group's colour at the cell's depth, varied by its name; the root and merged slivers have fixed colours", () => {
    const paint = { theme: 'light' as const, matches: null };
    expect(cellFill(h, foo, 1, false, paint)).toBe(groupColor('libfoo.so', 'light', 1, h.name[foo]));
    expect(cellFill(h, 0, 0, false, paint)).toBe(fixed.root);
    expect(cellFill(h, foo, 1, true, paint)).toBe(fixed.merged);
    expect(cellFill(h, foo, 1, false, { ...paint, theme: 'dark' })).toBe(groupColor('libfoo.so', 'dark', 1, h.name[foo]));
  });

  it('takes colorOf (the diff colours) over the group, and dims what a search does not match, but never a merged sliver', () => {
    const matches = new Uint8Array(h.size);
    matches[foo] = 1;
    const paint = { theme: 'light' as const, matches, colorOf: (n: number) => (n === foo ? '#ff0000' : '#00ff00') };
    expect(cellFill(h, foo, 1, false, paint)).toBe('#ff0000');
    const bar = h.children[h.childStart[foo]];
    expect(cellFill(h, bar, 2, false, paint)).toBe(fixed.dimmed);
    expect(cellFill(h, 0, 0, false, paint)).toBe(fixed.dimmed);
    expect(cellFill(h, bar, 2, true, paint)).toBe(fixed.merged);
  });
});

describe('fitLabel', () => {
  it('keeps a label that fits and cuts a longer one with an ellipsis, keeping at least one character', () => {
    expect(fitLabel('service.py:26', 13)).toBe('service.py:26');
    expect(fitLabel('service.py:26', 8)).toBe('service…');
    expect(fitLabel('service.py:26', 1)).toBe('s…');
    expect(fitLabel('service.py:26', 0)).toBe('s…');
  });
});
