/**
 * Python types of a core's objects against the process's own census
 * (`gc.get_objects()` counted by `type(o).__name__`, written just before the core
 * was taken): the shared 2.7 / 3.8 / 3.12 cores, and cores made here under every
 * pyenv CPython (fixtures-gen/python-cores.ts). The workload's classes (Session
 * with a __dict__, Point with __slots__, 2.7's old-style instances) and lists are
 * counted exactly; every other type the census names is found at least as often
 * (the census cannot see the few objects the script's last lines leave behind in
 * uncollected cycles: its file object, its json encoder).
 * The type table counts live objects only: no chunk of glibc's tcache, none of
 * CPython's free lists. Two types differ from the census by what it cannot see,
 * and the counts are exact with that: tuples in 3.12.1's permanent generation
 * (`gc.freeze()`), and 2.7's json encoder closure's cells, made when the census
 * was written (see README.md, "Objects and the census").
 * `onGcList` (what "tracked" means) is checked on its own over a few words of
 * memory, among them the freed tcache chunk of the 3.11.7 core that looked like
 * a tracked list before the link back was required.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describe } from 'vitest';
import { NodeFileSource } from '../../../../cli/node-source.ts';
import { PYENV_VERSIONS, PYTHON_CORE_SCRIPT } from '../../../../fixtures-gen/python-cores.ts';
import { itPerPyenvCore } from '../../../../test-support/python-cores.ts';
import { describeShared, sharedPath } from '../../../../test-support/shared.ts';
import { AllocState } from '../../../../src/model/allocations.ts';
import { openCore } from '../../formats/elf/core-file.ts';
import { findAllocations } from '../find-allocators.ts';
import { analysePython, obmallocOf, type PythonAnalysis } from './analyse.ts';
import { onGcList } from './types.ts';

/** Tracked objects per `type(o).__name__`. */
function census(py: PythonAnalysis): Map<string, number> {
  const o = py.objects;
  const out = new Map<string, number>();
  for (let i = 0; i < py.table.rows; i++) {
    const k = o.rowType[i];
    if (k < 0 || o.rowTracked[i] !== 1) continue;
    const n = o.types[k].shortName;
    out.set(n, (out.get(n) ?? 0) + 1);
  }
  return out;
}

/** The analysis with files, and the typed rows that are chunks in glibc's tcache (freed, listed used as chap lists them). */
async function typesAndTcache(path: string): Promise<{ py: PythonAnalysis; inTcache: string[] }> {
  const src = await NodeFileSource.open(path);
  try {
    const core = await openCore(src);
    const heap = await findAllocations(core);
    const cached = await findAllocations(core, undefined, { tcache: 'thread-cached-free' });
    const py = (await analysePython(core, heap.table, obmallocOf(heap.contributions)!, openIfHere))!;
    await core.close();
    const inTcache: string[] = [];
    for (let i = 0; i < heap.table.rows; i++) {
      const k = py.objects.rowType[i];
      if (k >= 0 && cached.table.state[i] === AllocState.ThreadCachedFree) inTcache.push(py.objects.types[k].name);
    }
    return { py, inTcache };
  } finally {
    await src.close();
  }
}

const FIXTURES_PY = join(PYTHON_CORE_SCRIPT, '..');

const openIfHere = async (p: string): Promise<NodeFileSource | null> => (existsSync(p) ? NodeFileSource.open(p) : null);

async function typesOf(path: string, withFiles: boolean): Promise<PythonAnalysis> {
  const src = await NodeFileSource.open(path);
  try {
    const core = await openCore(src);
    const heap = await findAllocations(core);
    const py = (await analysePython(core, heap.table, obmallocOf(heap.contributions)!, withFiles ? openIfHere : undefined))!;
    await core.close();
    return py;
  } finally {
    await src.close();
  }
}

describe('onGcList: a GC header is tracked when the next header links back to it', () => {
  // A generation's head (in the interpreter state) and two objects' headers on its circular list.
  const H = 0x7ffaa755ce48;
  const A = 0x7ffaa6d38540;
  const B = 0x7ffaa6d69340;
  // The 3.11.7 core's freed 0x40 chunk in the main thread's tcache: its user data starts with the safe-linked
  // next entry ((0x5594cdd63c80 >> 12) ^ 0x5594cde07470) and the tcache key; &PyList_Type lies where ob_type would.
  const T = 0x5594cdd63c80;
  const mem = new Map<number, number>([
    [H, A], [H + 8, B],
    [A, B], [A + 8, H + 1], // 3.8+: _PyGC_PREV_MASK_FINALIZED set on A
    [B, H], [B + 8, A + 2], // and _PyGC_PREV_MASK_COLLECTING on B
    [T, 0x559194aca913], [T + 8, 0xe60bc5a801524000], [T + 24, 0x7ffaa7457340],
  ]);
  const word = (a: number): number => mem.get(a) ?? -1;
  const at = (gc: number, flags: boolean, read: (a: number) => number | Promise<number> = word) => onGcList(read, gc, word(gc), 8, flags);

  it('headers on the list, the head included; 3.8+ prev flags masked', async () => {
    expect([at(A, true), at(B, true), at(H, true)]).toEqual([true, true, true]);
    // Asynchronous reads (pages not loaded yet) give the same answers.
    expect(await at(A, true, async (a) => word(a))).toBe(true);
  });

  it('before 3.8 the prev link is a plain pointer: low bits set do not link back', () => {
    // A's next (B) and H's next (A) carry flag bits in their prev links; B's next (H) links back exactly.
    expect([at(A, false), at(B, false), at(H, false)]).toEqual([false, true, false]);
  });

  it('not tracked: no next, an unaligned or unreadable next, a next that links back elsewhere', async () => {
    expect(onGcList(word, A, 0, 8, true)).toBe(false);
    expect(at(T, true)).toBe(false);
    expect(onGcList(word, T, 0x5594cde07470, 8, true)).toBe(false);
    // A stale copy of A's next pointer: B links back to A, not to the copy.
    expect(onGcList(word, T, B, 8, true)).toBe(false);
    expect(await onGcList(async (a) => word(a), T, B, 8, true)).toBe(false);
  });
});

describeShared('Python types in the shared CPython cores = their census', ['fixtures', 'python-core'], () => {
  for (const v of ['py2.7.18', 'py3.8.18', 'py3.12.1']) {
    it(`${v}: Session, Point and list counts from the core alone`, async () => {
      const want = JSON.parse(readFileSync(sharedPath(`fixtures/python-core/${v}/census.json`), 'utf8')) as Record<string, number>;
      const py = await typesOf(sharedPath(`fixtures/python-core/${v}/core.gz`), false);
      const got = census(py);
      for (const t of ['Session', 'Point', 'list']) expect([t, got.get(t)]).toEqual([t, want[t]]);
      // Heap types (classes) are named from the core; so are the builtins' types (list, dict, int …).
      const named = py.objects.types.filter((t) => !t.name.startsWith('<type '));
      expect(named.map((t) => t.name)).toEqual(expect.arrayContaining(['type', 'object', 'dict', 'list', 'tuple', 'Session', 'Point']));
      // The type table shows the same Session, Point and list counts.
      const row = (n: string) => py.typeTable.rows.filter((r) => r.name === n).reduce((a, r) => a + r.count, 0);
      expect(['Session', 'Point', 'list'].map(row)).toEqual(['Session', 'Point', 'list'].map((t) => want[t]));
    });

    it(`${v}: cells and tuples = the census + what its own json.dump left + the permanent generation`, async (ctx) => {
      // The workload wrote its census with json.dump(indent=0): the pure-Python encoder, whose closure stays in
      // a cycle after the count; census_leftovers.py measures that closure on the same CPython.
      const python = join(PYENV_VERSIONS, v.slice(2), 'bin', v.startsWith('py2') ? 'python2' : 'python3');
      if (!existsSync(python)) {
        console.warn(`SKIPPED ${v} leftovers: ${python} is not installed`);
        ctx.skip();
        return;
      }
      const r = spawnSync(python, [join(FIXTURES_PY, 'census_leftovers.py')], { encoding: 'utf8' });
      const left = JSON.parse(r.stdout) as { added: Record<string, number>; frozen: number };
      const want = JSON.parse(readFileSync(sharedPath(`fixtures/python-core/${v}/census.json`), 'utf8')) as Record<string, number>;
      const got = census(await typesOf(sharedPath(`fixtures/python-core/${v}/core.gz`), true));
      expect(got.get('cell')).toBe(want.cell + (left.added.cell ?? 0));
      // Every type the census names has at least its count of tracked objects in the core.
      expect(Object.entries(want).filter(([n, k]) => (got.get(n) ?? 0) < k)).toEqual([]);
      // 2.7's tuples are not compared: its time.sleep(1) holds an argument tuple, and its census readied a type.
      if (v.startsWith('py3')) expect(got.get('tuple')).toBe(want.tuple + (left.added.tuple ?? 0) + left.frozen);
    });
  }
});

describe('Python types in cores of every pyenv CPython = their census', () => {
  itPerPyenvCore(async (made, v) => {
    const { py, inTcache } = await typesAndTcache(made.core);
    expect(py.warnings).toEqual([]);
    const got = census(py);
    const c = made.census;
    expect(got.get('Session')).toBe(c.counts.sessions);
    expect(got.get('Point')).toBe(c.counts.points);
    expect(got.get('list')).toBe(c.types.list);
    if (c.counts.legacy) expect(got.get('instance')).toBe(c.types.instance);
    // The type table (what the view and `summary --by python-type` show) counts live objects only: the
    // same user-class and list counts, tracked or not.
    const row = (n: string) => py.typeTable.rows.filter((r) => r.name === n).reduce((a, r) => a + r.count, 0);
    expect([row('Session'), row('Point'), row('list')]).toEqual([c.counts.sessions, c.counts.points, c.types.list]);
    if (c.counts.legacy) expect(row('instance')).toBe(c.types.instance);
    // Freed memory holds no object: no typed row is a chunk in glibc's tcache, and CPython's free lists
    // (3.x keeps 16 deallocated MemoryErrors for when memory runs out) are not counted.
    expect(inTcache).toEqual([]);
    if (v.startsWith('3.')) expect(row('MemoryError')).toBe(0);
    // Tuples on the collector's lists = the census plus the permanent generation (3.12.1: 375 tuples
    // frozen at startup), which gc.get_objects() does not walk.
    expect(got.get('tuple')).toBe(c.types.tuple + (c.frozen ?? 0));
    // Every other type: as many tracked objects as the census counts (the census is the process's last
    // work: its file opened before it, written with the C encoder, which leaves nothing behind).
    const differ = Object.entries(c.types).filter(([n, k]) => (got.get(n) ?? 0) !== k + (n === 'tuple' ? (c.frozen ?? 0) : 0));
    expect(differ.map(([n, k]) => `${n} ${k} ${got.get(n)}`).join(", ")).toBe("");
    // Static types are named from the binary on this machine (build-id checked).
    expect(py.objects.types.filter((t) => t.name.startsWith('<type ')).map((t) => t.name)).toEqual([]);
    const short = Object.entries(c.types).filter(([n, k]) => (got.get(n) ?? 0) < k);
    expect(short).toEqual([]);
  });
});
