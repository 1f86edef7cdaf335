/**
 * Python types of a core's objects against the process's own census
 * (`gc.get_objects()` counted by `type(o).__name__`, written just before the core
 * was taken): the shared 2.7 / 3.8 / 3.12 cores, and cores made here under every
 * pyenv CPython (fixtures-gen/python-cores.ts). The workload's classes (Session
 * with a __dict__, Point with __slots__, 2.7's old-style instances) and lists are
 * counted exactly; every other type the census names is found at least as often
 * (the census cannot see the few objects the script's last lines leave behind in
 * uncollected cycles: its file object, its json encoder).
 */
import { existsSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describe } from 'vitest';
import { NodeFileSource } from '../../../../cli/node-source.ts';
import { pyenvVersions, pythonCore } from '../../../../fixtures-gen/python-cores.ts';
import { describeShared, sharedPath } from '../../../../test-support/shared.ts';
import { openCore } from '../../formats/elf/core-file.ts';
import { findAllocations } from '../find-allocators.ts';
import { analysePython, obmallocOf, type PythonAnalysis } from './analyse.ts';

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
    });
  }
});

describe('Python types in cores of every pyenv CPython = their census', () => {
  const versions = pyenvVersions();
  if (versions.length === 0) {
    console.warn(`SKIPPED: no pyenv CPython under ~/.pyenv/versions`);
    it.skip('needs pyenv CPythons in ~/.pyenv/versions', () => {});
  }
  for (const v of versions) {
    it(`CPython ${v}`, async (ctx) => {
      const made = await pythonCore(v);
      if ('skip' in made) {
        console.warn(`SKIPPED CPython ${v}: ${made.skip}`);
        ctx.skip();
        return;
      }
      const py = await typesOf(made.core, true);
      expect(py.warnings).toEqual([]);
      const got = census(py);
      const c = made.census;
      expect(got.get('Session')).toBe(c.counts.sessions);
      expect(got.get('Point')).toBe(c.counts.points);
      expect(got.get('list')).toBe(c.types.list);
      if (c.counts.legacy) expect(got.get('instance')).toBe(c.types.instance);
      // Static types are named from the binary on this machine (build-id checked).
      expect(py.objects.types.filter((t) => t.name.startsWith('<type ')).map((t) => t.name)).toEqual([]);
      const short = Object.entries(c.types).filter(([n, k]) => (got.get(n) ?? 0) < k);
      expect(short).toEqual([]);
    });
  }
});
