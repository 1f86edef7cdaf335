import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiffHierarchy, DiffRow } from '../../../src/model/diff.ts';
import type { TracemallocSnapshot } from '../../../src/model/traces.ts';
import { withSource } from '../../../test-support/node-files.ts';
import { describeShared, sharedPath } from '../../../test-support/shared.ts';
import { UNKNOWN_TYPE } from '../aggregate/groups.ts';
import { HierarchyBuilder } from '../aggregate/hierarchy.ts';
import { sizeClassLabel, sizeClassOf } from '../aggregate/size-classes.ts';
import { stackTree, typeSizeTree } from '../aggregate/trees.ts';
import { readChapList } from '../formats/chap-list/chap-list.ts';
import { readTracemalloc } from '../formats/tracemalloc/tracemalloc.ts';
import { keyJson, type KeyType } from '../python/statistics.ts';
import { diffHierarchies } from './diff-hierarchies.ts';
import { attributeHeapgen, HEAPGEN, pySize, readHeapTotal, sizeInterval, type HeapgenPhase, type TotalRow } from './heap-total.test-helper.ts';
import { compareDiffRows, diffRows, KEY_SEPARATOR, pythonDiffRows } from './rows.ts';
import { attributionHierarchy, libraryKey } from './site-keys.ts';

function small(): DiffHierarchy {
  const mk = (rows: [string[], number, number][]) => {
    const b = new HierarchyBuilder('all', ['all', 'library', 'function']);
    for (const [p, bytes, count] of rows) {
      let n = 0;
      for (const s of p) n = b.child(n, b.nameId(s), 0);
      b.add(n, bytes, count, bytes);
    }
    return b.build();
  };
  return diffHierarchies(
    mk([
      [['L1', 'f'], 100, 1],
      [['L1', 'g'], 40, 2],
      [['L2', 'h'], 10, 1],
      [['(no footer)'], 30, 3],
    ]),
    mk([
      [['L1', 'f'], 60, 1],
      [['L1', 'g'], 40, 2],
      [['L2', 'k'], 500, 5],
      [['(no footer)'], 30, 3],
    ]),
  );
}

describe('diffRows', () => {
  const d = small();
  const sum = (rows: DiffRow[], k: 'aBytes' | 'bBytes' | 'aCount' | 'bCount') => rows.reduce((s, r) => s + r[k], 0);

  it('level 2: nodes at depth 2 plus shallower self values, partitioning the root, sorted by |Δ bytes|', () => {
    const rows = diffRows(d, 2);
    expect(rows.map((r) => [r.key, r.dBytes, r.status, r.self])).toEqual([
      [`L2${KEY_SEPARATOR}k`, 500, 'new', false],
      [`L1${KEY_SEPARATOR}f`, -40, 'shrunk', false],
      [`L2${KEY_SEPARATOR}h`, -10, 'gone', false],
      [`L1${KEY_SEPARATOR}g`, 0, 'same', false], // tie on Δ: the larger side (40 > 30) first
      ['(no footer)', 0, 'same', true],
    ]);
    expect(sum(rows, 'aBytes')).toBe(d.a.totalBytes[0]);
    expect(sum(rows, 'bBytes')).toBe(d.b.totalBytes[0]);
    expect(sum(rows, 'bCount')).toBe(d.b.totalCount[0]);
    expect(rows[0].path).toEqual(['L2', 'k']);
    expect(rows[0].node).toBeGreaterThan(0);
  });

  it('level 1 and leaves', () => {
    expect(diffRows(d, 1).map((r) => [r.key, r.aBytes, r.bBytes, r.dCount])).toEqual([
      ['L2', 10, 500, 4],
      ['L1', 140, 100, 0],
      ['(no footer)', 30, 30, 0],
    ]);
    const leaves = diffRows(d, 'leaves');
    expect(leaves.length).toBe(5);
    expect(leaves.every((r) => r.self)).toBe(true);
    expect(sum(leaves, 'aBytes')).toBe(d.a.totalBytes[0]);
  });

  it('filters by status', () => {
    expect(diffRows(d, 2, { status: ['new', 'gone'] }).map((r) => r.key)).toEqual([`L2${KEY_SEPARATOR}k`, `L2${KEY_SEPARATOR}h`]);
    expect(diffRows(d, 2, { status: ['grown'] })).toEqual([]);
    expect(diffRows(d, 2, { status: [] }).length).toBe(5);
  });

  it('levels past the deepest node give the leaves’ self rows; level 0 is the root', () => {
    expect(diffRows(d, 9).map((r) => r.key).sort()).toEqual(diffRows(d, 'leaves').map((r) => r.key).sort());
    expect(diffRows(d, 0).map((r) => r.path)).toEqual([[]]);
    expect(diffRows(d, -3).map((r) => r.path)).toEqual([[]]);
  });

  it('sort order is total: ties on |Δ| go to |Δ count|, then size, then key', () => {
    const base = { node: 0, path: [], aRequested: 0, bRequested: 0, status: 'same' as const, self: false, aCount: 0, bCount: 0 };
    const r = (key: string, dBytes: number, dCount: number, bBytes: number): DiffRow => ({ ...base, key, aBytes: 0, bBytes, dBytes, dCount });
    const rows = [r('b', 5, 1, 5), r('a', -5, 1, 5), r('c', 5, 2, 5), r('d', 5, 1, 9)].sort(compareDiffRows);
    expect(rows.map((x) => x.key)).toEqual(['c', 'd', 'a', 'b']);
  });
});

/** Row of a function: figures printed as heap_total prints them. */
function printed(r: DiffRow, side: 'a' | 'b'): TotalRow {
  const chunk = side === 'a' ? r.aBytes : r.bBytes;
  const count = side === 'a' ? r.aCount : r.bCount;
  const user = side === 'a' ? r.aRequested : r.bRequested;
  return { user: pySize(user), mem: pySize(chunk - 16 * count), chunk: pySize(chunk), count };
}

function expectDeltaWithin(delta: number, a: string | undefined, b: string | undefined, what: string): void {
  const [alo, ahi] = a ? sizeInterval(a) : [0, 0];
  const [blo, bhi] = b ? sizeInterval(b) : [0, 0];
  expect(delta, what).toBeGreaterThanOrEqual(blo - ahi);
  expect(delta, what).toBeLessThanOrEqual(bhi - alo);
}

describeShared('heapgen phase 1 → phase 2 by function, against both heap_total files', HEAPGEN, () => {
  let p1: HeapgenPhase;
  let p2: HeapgenPhase;
  let d: DiffHierarchy;
  beforeAll(async () => {
    p1 = await attributeHeapgen(1);
    p2 = await attributeHeapgen(2);
    d = diffHierarchies(attributionHierarchy(p1.attribution, p1.table), attributionHierarchy(p2.attribution, p2.table));
  }, 120_000);
  afterAll(async () => {
    await p1?.close();
    await p2?.close();
  });

  it('app::leak_cache grows and widgets::make_shapes shrinks, with the heap_total numbers', () => {
    const rows = diffRows(d, 2);
    const leak = rows.find((r) => r.key === `heapgen${KEY_SEPARATOR}app::leak_cache(long, long)`)!;
    const shapes = rows.find((r) => r.key === `libwidgets.so${KEY_SEPARATOR}widgets::make_shapes(unsigned long)`)!;
    expect(leak.status).toBe('grown');
    expect(shapes.status).toBe('shrunk');
    expect([leak.aCount, leak.bCount, leak.dCount]).toEqual([201, 801, 600]);
    expect([shapes.aCount, shapes.bCount, shapes.dCount]).toEqual([6001, 3015, -2986]);
    expect(printed(leak, 'a')).toEqual({ user: '31.99KB', mem: '33.45KB', chunk: '36.59KB', count: 201 });
    expect(printed(leak, 'b')).toEqual({ user: '127.79KB', mem: '133.57KB', chunk: '146.09KB', count: 801 });
    expect(printed(shapes, 'a')).toEqual({ user: '218.75KB', mem: '250.01KB', chunk: '343.77KB', count: 6001 });
    expect(printed(shapes, 'b')).toEqual({ user: '133.3KB', mem: '148.99KB', chunk: '196.1KB', count: 3015 });
    expect(leak.dBytes).toBe(leak.bBytes - leak.aBytes);
    expect(leak.dBytes).toBeGreaterThan(100_000);
    expect(shapes.dBytes).toBeLessThan(-140_000);
    expect(diffRows(d, 2, { status: ['grown'] }).some((r) => r === leak || r.key === leak.key)).toBe(true);
    expect(diffRows(d, 2, { status: ['grown'] }).some((r) => r.key === shapes.key)).toBe(false);
  });

  it("every function row of both files: each side's count, user, mem and chunk, and the deltas", () => {
    const ref1 = readHeapTotal(1);
    const ref2 = readHeapTotal(2);
    const rows = new Map(diffRows(d, 2).map((r) => [r.key, r]));
    let checked = 0;
    for (const lib of new Set([...ref1.functions.keys(), ...ref2.functions.keys()])) {
      const f1 = ref1.functions.get(lib) ?? new Map<string, TotalRow>();
      const f2 = ref2.functions.get(lib) ?? new Map<string, TotalRow>();
      for (const fn of new Set([...f1.keys(), ...f2.keys()])) {
        const r = rows.get(libraryKey(lib) + KEY_SEPARATOR + fn);
        expect(r, fn).toBeDefined();
        const a = f1.get(fn);
        const b = f2.get(fn);
        expect(r!.dCount, fn).toBe((b?.count ?? 0) - (a?.count ?? 0));
        if (a) expect(printed(r!, 'a'), fn).toEqual(a);
        else expect(r!.aCount).toBe(0);
        if (b) expect(printed(r!, 'b'), fn).toEqual(b);
        else expect(r!.bCount).toBe(0);
        expectDeltaWithin(r!.dBytes, a?.chunk, b?.chunk, `${fn} chunk`);
        expectDeltaWithin(r!.bRequested - r!.aRequested, a?.user, b?.user, `${fn} user`);
        expect(r!.status).toBe(!a ? 'new' : !b ? 'gone' : r!.dBytes > 0 ? 'grown' : r!.dBytes < 0 ? 'shrunk' : r!.dCount > 0 ? 'grown' : r!.dCount < 0 ? 'shrunk' : 'same');
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(15);
  });

  it('library rows: counts of every library row of both files', () => {
    const ref1 = readHeapTotal(1);
    const ref2 = readHeapTotal(2);
    const rows = new Map(diffRows(d, 1).map((r) => [r.key, r]));
    for (const lib of ['/srv/heapgen/heapgen', '/srv/heapgen/libwidgets.so', '/lib/x86_64-linux-gnu/libstdc++.so.6', 'Unknown lib']) {
      const r = rows.get(libraryKey(lib))!;
      expect([r.aCount, r.bCount], lib).toEqual([ref1.libraries.get(lib)!.count, ref2.libraries.get(lib)!.count]);
    }
    expect(diffRows(d, 1).reduce((s, r) => s + r.dCount, 0)).toBe(ref2.total.count - ref1.total.count);
  });
});

/** Per-class and per-size-class (count, bytes) of the Used allocations of a chap list, parsed here with a regex. */
function listNumbers(path: string): { byClass: Map<string, [number, number]>; bySize: Map<string, [number, number]>; count: number; bytes: number } {
  const byClass = new Map<string, [number, number]>();
  const bySize = new Map<string, [number, number]>();
  const lines = readFileSync(path, 'utf8').split('\n');
  let count = 0;
  let bytes = 0;
  const add = (m: Map<string, [number, number]>, k: string, n: number, b: number) => {
    const v = m.get(k) ?? [0, 0];
    v[0] += n;
    v[1] += b;
    m.set(k, v);
  };
  for (let i = 0; i < lines.length; i++) {
    const m = /^Used allocation at [0-9a-f]+ of size ([0-9a-f]+)$/.exec(lines[i]);
    if (!m) continue;
    const size = parseInt(m[1], 16);
    const sig = /^\.\.\. with signature [0-9a-f]+\((.*)\)$/.exec(lines[i + 1] ?? '');
    add(byClass, sig ? sig[1] : UNKNOWN_TYPE, 1, size);
    // Exact sizes up to 1 KiB are their own class, labelled "N B (0xN)".
    add(bySize, size <= 1024 ? `${size} B (0x${size.toString(16)})` : sizeClassLabel(sizeClassOf(size)), 1, size);
    count++;
    bytes += size;
  }
  const tally = /^(\d+) allocations use 0x[0-9a-f]+ \(([\d,]+)\) bytes\.$/m.exec(lines.slice(-3).join('\n'));
  expect(tally && [Number(tally[1]), Number(tally[2].replace(/,/g, ''))]).toEqual([count, bytes]);
  return { byClass, bySize, count, bytes };
}

describeShared('chap list vs chap list (heapgen phase 1 → 2): by class and by size class', HEAPGEN, () => {
  let d: DiffHierarchy;
  let inv: DiffHierarchy;
  let n1: ReturnType<typeof listNumbers>;
  let n2: ReturnType<typeof listNumbers>;
  beforeAll(async () => {
    const t1 = (await withSource(sharedPath(...HEAPGEN, 'core.phase1.list_used'), (s) => readChapList(s))).table;
    const t2 = (await withSource(sharedPath(...HEAPGEN, 'core.phase2.list_used'), (s) => readChapList(s))).table;
    d = diffHierarchies(typeSizeTree([t1]), typeSizeTree([t2]));
    inv = diffHierarchies(typeSizeTree([t1], { inverted: true }), typeSizeTree([t2], { inverted: true }));
    n1 = listNumbers(sharedPath(...HEAPGEN, 'core.phase1.list_used'));
    n2 = listNumbers(sharedPath(...HEAPGEN, 'core.phase2.list_used'));
  }, 60_000);

  const check = (rows: DiffRow[], a: Map<string, [number, number]>, b: Map<string, [number, number]>) => {
    const keys = new Set([...a.keys(), ...b.keys()]);
    expect(rows.length).toBe(keys.size);
    for (const r of rows) {
      const [ac, ab] = a.get(r.key) ?? [0, 0];
      const [bc, bb] = b.get(r.key) ?? [0, 0];
      expect([r.aCount, r.aBytes, r.bCount, r.bBytes, r.dCount, r.dBytes], r.key).toEqual([ac, ab, bc, bb, bc - ac, bb - ab]);
    }
  };

  it('by class: every class of both lists', () => {
    const rows = diffRows(d, 1);
    check(rows, n1.byClass, n2.byClass);
    expect(rows.find((r) => r.key === 'widgets::Circle')).toMatchObject({ aCount: 4000, status: 'shrunk' });
    expect(rows.reduce((s, r) => s + r.dBytes, 0)).toBe(n2.bytes - n1.bytes);
  });

  it('by size class: every size class of both lists', () => {
    const rows = diffRows(inv, 1);
    check(rows, n1.bySize, n2.bySize);
    expect(rows.reduce((s, r) => s + r.dCount, 0)).toBe(n2.count - n1.count);
    expect(rows.some((r) => r.status === 'new') || rows.some((r) => r.status === 'gone')).toBe(true);
  });

  it('class → size class leaves sum to the list totals on each side', () => {
    const leaves = diffRows(d, 'leaves');
    expect(leaves.reduce((s, r) => s + r.aBytes, 0)).toBe(n1.bytes);
    expect(leaves.reduce((s, r) => s + r.bCount, 0)).toBe(n2.count);
    expect(leaves.every((r) => r.path.length === 2)).toBe(true);
  });
});

describeShared("tracemalloc: pythonDiffRows is CPython's compare_to; the stack-tree diff agrees", ['fixtures', 'tracemalloc'], () => {
  let before: TracemallocSnapshot;
  let after: TracemallocSnapshot;
  let golden: Record<string, { key: unknown; size: number; size_diff: number; count: number; count_diff: number }[]>;
  beforeAll(async () => {
    golden = JSON.parse(gunzipSync(readFileSync(sharedPath('fixtures/tracemalloc/golden.json.gz'))).toString());
    before = (await withSource(sharedPath('fixtures/tracemalloc/before.tracemalloc'), (s) => readTracemalloc(s))).snapshot;
    after = (await withSource(sharedPath('fixtures/tracemalloc/after.tracemalloc'), (s) => readTracemalloc(s))).snapshot;
  }, 60_000);

  for (const key of ['filename', 'lineno', 'traceback'] as KeyType[]) {
    it(`every compare_${key} row, in CPython's order`, () => {
      const rows = pythonDiffRows(before, after, key);
      const expected = golden[`compare_${key}`];
      expect(rows.length).toBe(expected.length);
      rows.forEach((r, i) => {
        const e = expected[i];
        const k = keyJson(key, r.path.length === 1 && r.path[0] === '<no traceback>' ? [] : r.path.map((p) => { const j = p.lastIndexOf(':'); return [p.slice(0, j), Number(p.slice(j + 1))] as [string, number]; }));
        const got = { key: key === 'filename' ? r.path[0] : key === 'lineno' ? r.path[0] : k, size: r.bBytes, size_diff: r.dBytes, count: r.bCount, count_diff: r.dCount };
        if (JSON.stringify(got) !== JSON.stringify(e)) expect({ row: i, got }).toEqual({ row: i, got: e });
        expect(r.aBytes).toBe(e.size - e.size_diff);
      });
      const top = rows[0];
      if (key === 'lineno') expect([top.key, top.dBytes, top.status]).toEqual(['/srv/shop/service.py:24', 4273136, 'grown']);
      expect(pythonDiffRows(before, after, key, false, { status: ['gone'] }).every((r) => r.bCount === 0 && r.aCount > 0)).toBe(true);
    });
  }

  it('diffHierarchies of the two stack trees: self values per path = compare_to(traceback)', () => {
    const w = (s: TracemallocSnapshot) => ({ rows: s.traces.rows, stack: s.traces.stack, size: s.traces.size });
    const d = diffHierarchies(stackTree(w(before), before.stacks, before.frames, before.strings), stackTree(w(after), after.stacks, after.frames, after.strings));
    const leaves = new Map(diffRows(d, 'leaves').map((r) => [r.key, r]));
    let n = 0;
    for (const e of golden.compare_traceback) {
      const frames = e.key as [string, number][];
      if (frames.length === 0) continue;
      const r = leaves.get(frames.map(([f, l]) => `${f}:${l}`).join(KEY_SEPARATOR));
      expect(r, JSON.stringify(frames)).toBeDefined();
      expect([r!.bBytes, r!.dBytes, r!.bCount, r!.dCount]).toEqual([e.size, e.size_diff, e.count, e.count_diff]);
      n++;
    }
    expect(n).toBe(leaves.size);
    expect(n).toBeGreaterThan(1000);
  }, 60_000);
});
