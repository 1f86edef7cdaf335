import { describe, expect, it } from 'vitest';
import { HierarchyBuilder } from '../aggregate/hierarchy.ts';
import { nodeByNames, type Hierarchy } from '../../../src/model/hierarchy.ts';
import { diffHierarchies } from '../diff/diff-hierarchies.ts';
import { diffSide } from './diff-side.ts';
import { calleesOf, callersOf, outermost } from './sandwich.ts';
import { applyTransforms, collapseGroup, decodeTransforms, encodeTransforms, focusSubtree, hideMatching, mergeName, patternMatcher } from './transforms.ts';

/** A tree from stacks: each `file:fn` frame's group is its file; `bytes` at the stack's last frame, one allocation per stack. */
function tree(stacks: [string[], number][]): Hierarchy {
  const b = new HierarchyBuilder('all', ['all', 'frame']);
  for (const [path, bytes] of stacks) {
    let n = 0;
    for (const f of path) n = b.child(n, b.nameId(f), b.groupId(f.split(':')[0]));
    b.add(n, bytes, 1, bytes);
  }
  return b.build();
}

const total = (h: Hierarchy, path: string[]) => h.totalBytes[nodeByNames(h, path)];

/** Every node's total equals its self plus its children's totals, and the children belong to it. */
function consistent(h: Hierarchy): void {
  for (let i = 0; i < h.size; i++) {
    let sum = h.selfBytes[i];
    for (let c = h.childStart[i]; c < h.childStart[i + 1]; c++) {
      expect(h.parent[h.children[c]]).toBe(i);
      sum += h.totalBytes[h.children[c]];
    }
    expect(sum).toBe(h.totalBytes[i]);
  }
}

const STACKS: [string[], number][] = [
  [['main:run', 'lib:load', 'lib:parse', 'app:alloc'], 100],
  [['main:run', 'lib:load', 'app:alloc'], 20],
  [['main:run', 'app:work', 'lib:load', 'lib:parse'], 7],
  [['main:run', 'app:work'], 3],
  [['main:other'], 1],
];

describe('transforms', () => {
  it('focus makes a subtree the root; a missing path gives null', () => {
    const h = tree(STACKS);
    const f = focusSubtree(h, ['main:run', 'lib:load'])!;
    expect(f.names[f.name[0]]).toBe('lib:load');
    expect(f.totalBytes[0]).toBe(120);
    expect(total(f, ['lib:parse', 'app:alloc'])).toBe(100);
    expect(total(f, ['app:alloc'])).toBe(20);
    consistent(f);
    expect(focusSubtree(h, ['main:run', 'nope'])).toBeNull();
  });

  it('merge function: its bytes go to the caller, its callees move up and merge with same-name siblings', () => {
    const h = tree(STACKS);
    const m = mergeName(h, 'lib:load');
    expect(m.totalBytes[0]).toBe(131);
    // run → parse → alloc (100) and run → alloc (20)
    expect(total(m, ['main:run', 'lib:parse', 'app:alloc'])).toBe(100);
    expect(total(m, ['main:run', 'app:alloc'])).toBe(20);
    expect(total(m, ['main:run', 'app:work', 'lib:parse'])).toBe(7);
    expect(m.names.slice(1).filter((_, i) => m.name.includes(i + 1))).not.toContain('lib:load');
    consistent(m);
    // merging a frame with self bytes keeps them in the caller
    const w = mergeName(h, 'app:work');
    expect(w.selfBytes[nodeByNames(w, ['main:run'])]).toBe(3);
    expect(w.totalBytes[0]).toBe(131);
    expect(mergeName(h, 'absent')).toBe(h);
  });

  it('hide frames matching a pattern (substring or * wildcard)', () => {
    const h = tree([
      [['<frozen importlib._bootstrap>:241', '<frozen importlib._bootstrap_external>:883', 'svc.py:10'], 50],
      [['svc.py:3', '<frozen importlib._bootstrap>:1', 'svc.py:10'], 5],
    ]);
    const x = hideMatching(h, '<frozen importlib.');
    expect(total(x, ['svc.py:10'])).toBe(50);
    expect(total(x, ['svc.py:3', 'svc.py:10'])).toBe(5);
    expect(x.totalBytes[0]).toBe(55);
    consistent(x);
    expect(patternMatcher('<frozen*>:241')('<frozen importlib._bootstrap>:241')).toBe(true);
    expect(patternMatcher('<frozen*>:241')('<frozen importlib._bootstrap>:24')).toBe(false);
    expect(patternMatcher('a.b')('axb')).toBe(false);
  });

  it('collapse library: each run of its frames becomes one node', () => {
    const h = tree(STACKS);
    const c = collapseGroup(h, 'lib');
    expect(total(c, ['main:run', 'lib', 'app:alloc'])).toBe(120);
    expect(total(c, ['main:run', 'app:work', 'lib'])).toBe(7);
    expect(c.totalBytes[0]).toBe(131);
    consistent(c);
    // A library node named by the group's base name keeps its name.
    const b = new HierarchyBuilder('all', ['all', 'library', 'function']);
    const lib = b.child(0, b.nameId('libx.so'), b.groupId('/usr/lib/libx.so'));
    b.add(b.child(lib, b.nameId('f'), b.groupId('/usr/lib/libx.so')), 8, 1, 8);
    const cl = collapseGroup(b.build(), '/usr/lib/libx.so');
    expect(total(cl, ['libx.so'])).toBe(8);
    expect(cl.childStart[nodeByNames(cl, ['libx.so']) + 1] - cl.childStart[nodeByNames(cl, ['libx.so'])]).toBe(0);
  });

  it('applies a list in order; absent targets leave the tree as it is', () => {
    const h = tree(STACKS);
    const t = applyTransforms(h, [
      { kind: 'focus', path: ['main:run'] },
      { kind: 'merge', name: 'lib:load' },
      { kind: 'collapse', group: 'nope' },
    ]);
    expect(t.totalBytes[0]).toBe(130);
    expect(total(t, ['lib:parse', 'app:alloc'])).toBe(100);
  });

  it('URL form round-trips any names; damaged parts are skipped', () => {
    const list = [
      { kind: 'focus' as const, path: ['a/b', 'c~d', '+0x90'] },
      { kind: 'merge' as const, name: 'std::vector<int, std::allocator<int> >::push_back(int&&)' },
      { kind: 'collapse' as const, group: '/usr/lib/x86_64-linux-gnu/libstdc++.so.6' },
      { kind: 'hide' as const, pattern: '<frozen importlib._bootstrap>' },
    ];
    const s = encodeTransforms(list);
    expect(s).not.toMatch(/[&#? ]/);
    expect(decodeTransforms(s)).toEqual(list);
    expect(decodeTransforms('x.1~m.%E0%A4%A~m.ok~junk')).toEqual([{ kind: 'merge', name: 'ok' }]);
    expect(decodeTransforms('')).toEqual([]);
  });
});

describe('sandwich', () => {
  it('callers: the function\'s bytes up every path that leads to it, outermost occurrences once', () => {
    const h = tree([...STACKS, [['lib:load', 'lib:load', 'x:y'], 4]]);
    expect(outermost(h, 'lib:load').length).toBe(3);
    const c = callersOf(h, 'lib:load');
    expect(c.totalBytes[0]).toBe(120 + 7 + 4);
    expect(total(c, ['main:run'])).toBe(120);
    expect(total(c, ['app:work', 'main:run'])).toBe(7);
    expect(c.selfBytes[0]).toBe(4); // called from the top
    consistent(c);
  });

  it('callees: the merged subtrees of every occurrence', () => {
    const h = tree(STACKS);
    const c = calleesOf(h, 'lib:load');
    expect(c.totalBytes[0]).toBe(127);
    expect(total(c, ['lib:parse'])).toBe(107);
    expect(total(c, ['lib:parse', 'app:alloc'])).toBe(100);
    expect(total(c, ['app:alloc'])).toBe(20);
    consistent(c);
  });
});

describe('diff sides', () => {
  it('A and B in the union\'s order, each with its own figures', () => {
    const a = tree([
      [['x:1'], 10],
      [['y:1'], 50],
    ]);
    const b = tree([
      [['x:1'], 90],
      [['y:1'], 40],
      [['z:1'], 5],
    ]);
    const d = diffHierarchies(a, b);
    const sa = diffSide(d, 'a');
    const sb = diffSide(d, 'b');
    const order = (h: Hierarchy) => Array.from(h.children.subarray(h.childStart[0], h.childStart[1])).map((n) => h.names[h.name[n]]);
    expect(order(sa)).toEqual(order(sb));
    expect(order(sa)).toEqual(['x:1', 'y:1', 'z:1']);
    expect(total(sa, ['x:1'])).toBe(10);
    expect(total(sb, ['x:1'])).toBe(90);
    expect(total(sa, ['z:1'])).toBe(0);
    expect(sa.totalBytes[0]).toBe(60);
    expect(sb.totalBytes[0]).toBe(135);
  });
});
