/**
 * `assemble` over every combination the shared files allow: which inputs form
 * each snapshot, and each snapshot's used / free figures equal chap's for its
 * own core, every allocation once.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AllocationTableBuilder, AllocFlag, AllocState, isInUse, type AllocationTable } from '../../../src/model/allocations.ts';
import { formatSetList, setTotals, tallyLine } from '../leaks/chap-sets.ts';
import { chapListSet } from './inputs.ts';
import type { Assembly, Snapshot } from '../../../src/model/snapshot.ts';
import { closeFiles, loadFiles, type LoadedFile } from '../../../cli/inputs.ts';
import { describeShared, ROOT, sharedPath } from '../../../test-support/shared.ts';
import { assemble, distinctNames } from './assemble.ts';

function totals(t: AllocationTable | null) {
  const used = { count: 0, bytes: 0 };
  const free = { count: 0, bytes: 0 };
  if (!t) return { used, free };
  for (let i = 0; i < t.rows; i++) {
    const into = isInUse(t.state[i]) ? used : free;
    into.count++;
    into.bytes += t.size[i];
  }
  return { used, free };
}

/** No allocation (address) twice in a snapshot's table. */
function distinct(t: AllocationTable): boolean {
  const seen = new Set<string>();
  for (let i = 0; i < t.rows; i++) {
    const k = `${t.addrHi[i]}:${t.addrLo[i]}`;
    if (seen.has(k)) return false;
    seen.add(k);
  }
  return true;
}

const heapgen = (f: string) => sharedPath('fixtures', 'heapgen', f);
const P1 = { used: { count: 26343, bytes: 3413480 }, free: { count: 26, bytes: 61512 } };
const P2 = { used: { count: 25057, bytes: 3464056 }, free: { count: 3003, bytes: 394720 } };

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

function byName(a: Assembly, name: string): Snapshot {
  const s = a.snapshots.find((x) => x.name === name);
  if (!s) throw new Error(`no snapshot ${name} in ${a.snapshots.map((x) => x.name).join(', ')}`);
  return s;
}

describeShared('assemble: heapgen cores and their chap lists', ['fixtures', 'heapgen'], () => {
  let files: LoadedFile[] = [];
  const f = (name: string) => files.find((x) => x.name === name)!.input;
  beforeAll(async () => {
    files = await loadFiles(
      ['core.phase1.gz', 'core.phase2.gz', 'core.phase1.list_used', 'core.phase1.list_free', 'core.phase2.list_used', 'core.phase2.list_free', 'heapgen', 'libwidgets.so'].map(heapgen),
    );
  });

  it('a core alone is one snapshot: its walk, used and free exactly as chap counts them', () => {
    const a = assemble([f('core.phase1.gz')]);
    expect(a.snapshots).toHaveLength(1);
    const s = a.snapshots[0];
    expect(s).toMatchObject({ name: 'core.phase1', kind: 'process', core: f('core.phase1.gz').id });
    expect(totals(s.table)).toEqual(P1);
    expect(a.notes).toEqual([]);
  });

  it('core + its list used: one snapshot, the free chunks from the walk; + its list free: the same figures', () => {
    for (const inputs of [
      [f('core.phase1.gz'), f('core.phase1.list_used')],
      [f('core.phase1.list_used'), f('core.phase1.gz')],
      [f('core.phase1.gz'), f('core.phase1.list_used'), f('core.phase1.list_free')],
      [f('core.phase1.list_free'), f('core.phase1.gz')],
    ]) {
      const a = assemble(inputs);
      expect(a.snapshots).toHaveLength(1);
      const s = a.snapshots[0];
      expect(s.core).toBe(f('core.phase1.gz').id);
      expect(totals(s.table)).toEqual(P1);
      expect(distinct(s.table!)).toBe(true);
      expect(s.parts.find((p) => p.name === 'core.phase1.list_used')?.as ?? 'used').toBe('used');
      expect(s.parts.find((p) => p.name === 'core.phase1.list_free')?.as ?? 'free').toBe('free');
      expect(a.notes).toEqual([]);
    }
  });

  it('both cores, their four lists and the binaries, in every order: two snapshots, each with its own lists and chap figures', () => {
    const six = ['core.phase1.gz', 'core.phase2.gz', 'core.phase1.list_used', 'core.phase1.list_free', 'core.phase2.list_used', 'core.phase2.list_free'].map(f);
    let orders = 0;
    for (const order of permutations(six)) {
      const a = assemble([...order, f('heapgen'), f('libwidgets.so')]);
      expect(a.snapshots.map((s) => s.name).sort()).toEqual(['core.phase1', 'core.phase2']);
      const s1 = byName(a, 'core.phase1');
      const s2 = byName(a, 'core.phase2');
      expect(totals(s1.table)).toEqual(P1);
      expect(totals(s2.table)).toEqual(P2);
      expect(s1.parts.map((p) => `${p.name}:${p.as}`).sort()).toEqual(['core.phase1.gz:core', 'core.phase1.list_free:free', 'core.phase1.list_used:used', 'heapgen:binary', 'libwidgets.so:binary']);
      expect(s2.parts.map((p) => `${p.name}:${p.as}`).sort()).toEqual(['core.phase2.gz:core', 'core.phase2.list_free:free', 'core.phase2.list_used:used', 'heapgen:binary', 'libwidgets.so:binary']);
      // Snapshots in the order their cores were given: the newest (default) is the later core.
      expect(a.snapshots[1].core).toBe(order.findIndex((x) => x.role === 'core') === order.indexOf(f('core.phase1.gz')) ? f('core.phase2.gz').id : f('core.phase1.gz').id);
      expect(a.notes).toEqual([]);
      orders++;
    }
    expect(orders).toBe(720);
  });

  it('lists without a core: a used list and the free list made with it form one snapshot; the four lists two', () => {
    const one = assemble([f('core.phase1.list_used'), f('core.phase1.list_free')]);
    expect(one.snapshots).toHaveLength(1);
    expect(totals(one.snapshots[0].table)).toEqual(P1);
    expect(distinct(one.snapshots[0].table!)).toBe(true);
    expect(one.snapshots[0].core).toBeNull();
    for (const order of permutations(['core.phase1.list_used', 'core.phase1.list_free', 'core.phase2.list_used', 'core.phase2.list_free'].map(f))) {
      const a = assemble(order);
      expect(a.snapshots).toHaveLength(2);
      const s1 = byName(a, 'core.phase1.list_used');
      const s2 = byName(a, 'core.phase2.list_used');
      expect(totals(s1.table)).toEqual(P1);
      expect(totals(s2.table)).toEqual(P2);
      expect(a.notes).toEqual([]);
    }
  });

  it("a list that fits no core is said, and is a snapshot of its own; the core's figures are its own", () => {
    const a = assemble([f('core.phase1.gz'), f('core.phase2.list_used')]);
    expect(a.snapshots).toHaveLength(2);
    expect(totals(byName(a, 'core.phase1').table)).toEqual(P1);
    expect(totals(byName(a, 'core.phase2.list_used').table).used).toEqual(P2.used);
    expect(a.notes).toEqual([expect.objectContaining({ input: f('core.phase2.list_used').id, kind: 'fits-no-core' })]);
  });

  it('binaries without a core are said', () => {
    const a = assemble([f('heapgen')]);
    expect(a.snapshots).toEqual([]);
    expect(a.notes[0]).toMatchObject({ kind: 'unused' });
  });

  it.runIf(true)('closes', async () => {
    await closeFiles(files);
  });
});

describeShared("assemble: chap's OneLeaked core with its list used, list free and list leaked", ['peer', 'chap-suite', 'ELF64', 'OneLeaked'], () => {
  const p = (x: string) => sharedPath('peer', 'chap-suite', 'ELF64', 'OneLeaked', x);
  it('one snapshot, 2 used / 48 B and 1 free, each allocation once; the leaked list is a subset of the used', async () => {
    const files = await loadFiles(['core.20675', 'core.20675.ref.list_used', 'core.20675.ref.list_free', 'core.20675.ref.list_leaked'].map(p));
    try {
      const a = assemble(files.map((x) => x.input));
      expect(a.snapshots).toHaveLength(1);
      const s = a.snapshots[0];
      expect(totals(s.table)).toEqual({ used: { count: 2, bytes: 48 }, free: { count: 1, bytes: 135088 } });
      expect(s.table!.rows).toBe(3);
      expect(distinct(s.table!)).toBe(true);
      const leaked = s.parts.find((x) => x.name === 'core.20675.ref.list_leaked')!;
      expect(leaked.as).toBe('subset');
      expect(leaked.set).toBe('leaked');
      expect(s.knownSets).toEqual(['leaked']);
      expect([...leaked.rows!].map((r) => s.table!.addrLo[r].toString(16))).toEqual(['601010']);
      expect(a.notes).toEqual([]);
    } finally {
      await closeFiles(files);
    }
  });
});

/** chap's answer files of one core: `<base>.ref.<name>`, read plain or gzip. */
function refText(dir: string, base: string, name: string): string | null {
  for (const f of [`${base}.ref.${name}`, `${base}.ref.${name}.gz`]) if (existsSync(join(dir, f))) return f.endsWith('.gz') ? gunzipSync(readFileSync(join(dir, f))).toString('utf8') : readFileSync(join(dir, f), 'utf8');
  return null;
}

function refFile(dir: string, base: string, name: string): string | null {
  for (const f of [`${base}.ref.${name}`, `${base}.ref.${name}.gz`]) if (existsSync(join(dir, f))) return join(dir, f);
  return null;
}

/** Every core in ../shared with chap's lists of its used allocations and of its leaked and unreferenced ones. */
function setListCases(): { name: string; dir: string; base: string }[] {
  const out: { name: string; dir: string; base: string }[] = [];
  const suite = sharedPath('peer', 'chap-suite', 'ELF64');
  if (existsSync(suite)) {
    for (const d of readdirSync(suite).sort()) {
      const base = readdirSync(join(suite, d)).find((f) => f.endsWith('.ref.list_leaked'))?.replace(/\.ref\.list_leaked$/, '');
      if (base) out.push({ name: `chap-suite/${d}`, dir: join(suite, d), base });
    }
  }
  for (const d of ['leakgen', 'leakgen/tcmalloc']) {
    const dir = sharedPath('fixtures', ...d.split('/'));
    if (existsSync(join(dir, 'core.ref.list_leaked'))) out.push({ name: d, dir, base: 'core' });
  }
  return out;
}

describeShared("assemble: chap's lists of its sets without the core (named by chap's redirect file names)", ['peer', 'chap-suite', 'ELF64'], () => {
  const cases = setListCases();
  it('finds the 9 chap-suite cores and leakgen (glibc and tcmalloc), each with list used, leaked and unreferenced', () => {
    expect(cases.map((c) => c.name)).toHaveLength(11);
    for (const c of cases) for (const n of ['list_used', 'list_leaked', 'list_unreferenced', 'count_leaked', 'count_unreferenced', 'count_anchored']) expect(refFile(c.dir, c.base, n), `${c.name} ${n}`).not.toBeNull();
  });
  for (const c of cases) {
    it(`${c.name}: list used + list leaked + list unreferenced are one snapshot with chap's leaked, unreferenced and anchored counts`, async () => {
      const paths = ['list_used', 'list_leaked', 'list_unreferenced', 'list_free'].map((n) => refFile(c.dir, c.base, n)).filter((p): p is string => p !== null);
      const files = await loadFiles(paths);
      try {
        const a = assemble(files.map((x) => x.input));
        expect(a.snapshots).toHaveLength(1);
        const s = a.snapshots[0];
        expect(s.knownSets).toEqual(['leaked', 'unreferenced', 'anchored']);
        expect(s.parts.filter((p) => p.set).map((p) => [p.as, p.set])).toEqual([
          ['subset', 'leaked'],
          ['subset', 'unreferenced'],
        ]);
        // anchored is every used allocation that is not leaked (chap's definition): chap's count_anchored.
        for (const set of ['leaked', 'unreferenced', 'anchored'] as const) expect(tallyLine(setTotals(set, s.table!, s.table!.flags)), `${c.name} ${set}`).toBe(refText(c.dir, c.base, `count_${set}`)!.trim());
        // chap's list without its `... with signature` lines (the signatures are the rows' types, not the set).
        const want = refText(c.dir, c.base, 'list_leaked')!.split('\n').filter((l) => !l.startsWith('... with signature')).join('\n');
        expect(formatSetList('leaked', s.table!, s.table!.flags)).toBe(want);
      } finally {
        await closeFiles(files);
      }
    });
  }
  it("leakgen's list leaked alone is a snapshot of its 967 leaked allocations, its set known; list unreferenced alone knows only that set", async () => {
    const lg = cases.find((c) => c.name === 'leakgen')!;
    for (const set of ['leaked', 'unreferenced'] as const) {
      const files = await loadFiles([refFile(lg.dir, lg.base, `list_${set}`)!]);
      try {
        const a = assemble(files.map((x) => x.input));
        expect(a.snapshots).toHaveLength(1);
        const s = a.snapshots[0];
        expect(s.knownSets).toEqual([set]);
        expect(s.parts).toMatchObject([{ as: 'subset', set }]);
        expect(tallyLine(setTotals(set, s.table!, s.table!.flags))).toBe(refText(lg.dir, lg.base, `count_${set}`)!.trim());
      } finally {
        await closeFiles(files);
      }
    }
  });
  it('a list used with a list anchored knows the leaked set as its complement; an empty list leaked joins its list used', async () => {
    const dq = cases.find((c) => c.name === 'chap-suite/DequePatternTest')!;
    const files = await loadFiles(['list_anchored', 'list_used'].map((n) => refFile(dq.dir, dq.base, n)!));
    try {
      const s = assemble(files.map((x) => x.input)).snapshots;
      expect(s).toHaveLength(1);
      expect(s[0].knownSets).toEqual(['leaked', 'anchored']);
      for (const set of ['leaked', 'anchored'] as const) expect(tallyLine(setTotals(set, s[0].table!, s[0].table!.flags))).toBe(refText(dq.dir, dq.base, `count_${set}`)!.trim());
    } finally {
      await closeFiles(files);
    }
    const empty = cases.find((c) => refText(c.dir, c.base, 'count_leaked')!.startsWith('0 allocations'));
    expect(empty, 'a core of chap-suite with nothing leaked').toBeDefined();
    const f2 = await loadFiles(['list_used', 'list_leaked'].map((n) => refFile(empty!.dir, empty!.base, n)!));
    try {
      const s = assemble(f2.map((x) => x.input)).snapshots;
      expect(s).toHaveLength(1);
      expect(s[0].knownSets).toEqual(['leaked', 'anchored']);
      expect(setTotals('leaked', s[0].table!, s[0].table!.flags)).toEqual({ count: 0, bytes: 0 });
      expect(tallyLine(setTotals('anchored', s[0].table!, s[0].table!.flags))).toBe(refText(empty!.dir, empty!.base, 'count_anchored')!.trim());
    } finally {
      await closeFiles(f2);
    }
  });
});

describe('assemble: which chap set a list holds', () => {
  const list = (rows: number, state: AllocState = AllocState.Used) => {
    const b = new AllocationTableBuilder();
    for (let i = 0; i < rows; i++) b.add(0, 0x1000 + i * 0x20, 24, state);
    return b.freeze();
  };
  it("is named by chap's redirect file name only: a complete list of used allocations, no switches, a set chap has", () => {
    const t = list(2);
    expect(chapListSet('core.123.list_leaked', t, true)).toBe('leaked');
    expect(chapListSet('core.123.ref.list_unreferenced.gz', t, true)).toBe('unreferenced');
    expect(chapListSet('core.123.list_staticanchorpoints', t, true)).toBe('staticanchorpoints');
    expect(chapListSet('core.123.list_leaked', t, false)).toBeUndefined(); // cut short: not the whole set
    expect(chapListSet('core.123.list_leaked::minincoming:x=1', t, true)).toBeUndefined(); // a switch narrows it
    expect(chapListSet('core.123.list_used', t, true)).toBeUndefined();
    expect(chapListSet('leaked.txt', t, true)).toBeUndefined();
    expect(chapListSet('core.123.list_leaked', list(2, AllocState.Free), true)).toBeUndefined(); // free rows: not a set of used allocations
  });
  it('a renamed list leaked is a subset of unknown set: no set is known', () => {
    const used = list(3);
    const leaked = list(1);
    const a = assemble([
      { id: 1, name: 'used.txt', role: 'chap-list', table: used, complete: true },
      { id: 2, name: 'leaks.txt', role: 'chap-list', table: leaked, complete: true },
    ]);
    expect(a.snapshots).toHaveLength(1);
    expect(a.snapshots[0].knownSets).toEqual([]);
    expect(a.snapshots[0].parts.map((p) => [p.as, p.set])).toEqual([
      ['used', undefined],
      ['subset', undefined],
    ]);
  });
});

describe('assemble: chap list line prefixes that name a set', () => {
  it('`Leaked allocation at` rows are used allocations flagged leaked', async () => {
    const { ChapListParser } = await import('../formats/chap-list/chap-list.ts');
    const parser = new ChapListParser('x.list');
    parser.push(new TextEncoder().encode('Leaked allocation at 1000 of size 18\n\nUsed allocation at 2000 of size 18\n\n2 allocations use 0x30 (48) bytes.\n'));
    const r = parser.end();
    expect([...r.table.state]).toEqual([0, 0]);
    expect([...r.table.flags!]).toEqual([AllocFlag.Leaked, 0]);
    const a = assemble([{ id: 1, name: 'x.list', role: 'chap-list', table: r.table, complete: true }]);
    expect(a.snapshots[0].table!.flags![0]).toBe(AllocFlag.Leaked);
  });
});

const HAVE_PY = (() => {
  try {
    execFileSync('python3', ['-c', 'import tracemalloc']);
    return true;
  } catch {
    return false;
  }
})();

describeShared('assemble: two tracemalloc snapshots', ['fixtures', 'tracemalloc'], () => {
  it('are two snapshots of kind tracemalloc, in the order given', async () => {
    const files = await loadFiles(['before.tracemalloc', 'after.tracemalloc'].map((x) => sharedPath('fixtures', 'tracemalloc', x)));
    const a = assemble(files.map((x) => x.input));
    expect(a.snapshots.map((s) => [s.name, s.kind])).toEqual([
      ['before.tracemalloc', 'tracemalloc'],
      ['after.tracemalloc', 'tracemalloc'],
    ]);
    expect(a.snapshots[1].tracemalloc!.traces.rows).toBeGreaterThan(0);
  });
});

(HAVE_PY ? describe : describe.skip)(`assemble: a meliae dump${HAVE_PY ? '' : ' [skipped: python3 is not installed]'}`, () => {
  it('is one snapshot of kind meliae with its objects', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heapscope-assemble-'));
    const dump = join(dir, 'dump.json');
    execFileSync('python3', [join(ROOT, 'fixtures-gen/python/make_meliae.py'), dump, join(dir, 'expect.json')]);
    const files = await loadFiles([dump]);
    const a = assemble(files.map((x) => x.input));
    expect(a.snapshots).toHaveLength(1);
    expect(a.snapshots[0].kind).toBe('meliae');
    expect(a.snapshots[0].objects!.rows).toBe(a.snapshots[0].table!.rows);
  });
});


describe('nameSubsets', () => {
  it('names a subset list by the known set whose rows it lists exactly, and only then', async () => {
    const { nameSubsets } = await import('./subsets.ts');
    const { AllocationTableBuilder } = await import('../../../src/model/allocations.ts');
    const b = new AllocationTableBuilder({ flags: true });
    for (let i = 0; i < 4; i++) b.add(0, 0x1000 + i * 0x20, 24, 0);
    const table = b.freeze();
    table.flags![1] = AllocFlag.Leaked | AllocFlag.Unreferenced;
    table.flags![2] = AllocFlag.Leaked;
    const snap = {
      key: 's1', name: 'c', kind: 'process' as const, core: 1, table, knownSets: ['leaked', 'unreferenced'],
      parts: [
        { input: 2, name: 'l1', as: 'subset' as const, rows: Uint32Array.of(2, 1) },
        { input: 3, name: 'l2', as: 'subset' as const, rows: Uint32Array.of(1) },
        { input: 4, name: 'l3', as: 'subset' as const, rows: Uint32Array.of(0) },
      ],
    };
    expect(nameSubsets(snap).parts.map((p) => p.set)).toEqual(['leaked', 'unreferenced', undefined]);
    expect(nameSubsets({ ...snap, knownSets: [] }).parts.map((p) => p.set)).toEqual([undefined, undefined, undefined]);
  });
});

describe('assemble: snapshots of files with the same name', () => {
  const core = (id: number, name: string) => {
    const b = new AllocationTableBuilder();
    b.add(0, 0x1000 + id * 0x100, 24, AllocState.Used);
    return { id, name, role: 'core', table: b.freeze() };
  };
  it('two cores both dropped as core.gz are "core" and "core (2)", in input order', () => {
    const a = assemble([core(1, 'core.gz'), core(2, 'core.gz'), core(3, 'other.core')]);
    expect(a.snapshots.map((s) => s.name)).toEqual(['core', 'core (2)', 'other.core']);
  });
  it('a suffix another snapshot already has is skipped', () => {
    const snaps = ['core', 'core (2)', 'core', 'core'].map((name, i) => ({ key: `s${i}`, name }) as Snapshot);
    distinctNames(snaps);
    expect(snaps.map((s) => s.name)).toEqual(['core', 'core (2)', 'core (3)', 'core (4)']);
  });
});
