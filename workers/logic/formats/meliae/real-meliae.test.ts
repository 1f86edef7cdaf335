/**
 * Dumps written by the real meliae package (scanner in C, dump_all_objects) of a
 * CPython 2.7.18 process, read by our reader and compared with what meliae's own
 * loader answered for the same file (real-meliae/*.answers.json, written by
 * fixtures-gen/python/make_real_meliae.py; which meliae, and how it was built, is in
 * ./README.md). Compared exactly: summarize() rows (kind, count, size, max) in
 * meliae's order and its printed text, compute_total_size(), .c and .p of chosen
 * objects, with instance dicts collapsed (load()) and not (load(collapse=False)).
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bigOf } from '../../../../src/model/address.ts';
import { ROOT } from '../../../../test-support/shared.ts';
import { withSource } from '../../../../test-support/node-files.ts';
import { computeTotalSize, meliaeLoad, type MeliaeLoaded } from '../../graph/meliae-loader.ts';
import { meliaeSummary } from '../../graph/meliae-summary.ts';
import { readMeliae, type MeliaeResult } from './meliae.ts';

const DIR = join(ROOT, 'workers/logic/formats/meliae/real-meliae');

interface Obj {
  address: number;
  type: string;
  size: number;
  total: number;
  children: number[];
  parents: number[];
}
interface Answers {
  totalCount: number;
  totalSize: number;
  rows: { kind: string; count: number; size: number; max: number }[];
  text: string;
  objects: Record<string, Obj>;
}
interface Recorded {
  meliae: string;
  python: string;
  collapsed: Answers;
  raw: Answers;
}

function check(name: string, mode: 'collapsed' | 'raw'): void {
  describe(`real meliae dump "${name}", ${mode === 'collapsed' ? 'load()' : 'load(collapse=False)'}`, () => {
    let r: MeliaeResult;
    let want: Answers;
    let m: MeliaeLoaded;
    const rowOf = new Map<bigint, number>();
    beforeAll(async () => {
      const rec = JSON.parse(readFileSync(join(DIR, `${name}.answers.json`), 'utf8')) as Recorded;
      want = rec[mode];
      r = await withSource(join(DIR, `${name}.json.gz`), (s) => readMeliae(s));
      for (let i = 0; i < r.table.rows; i++) rowOf.set(bigOf(r.table.addrHi[i], r.table.addrLo[i]), i);
      // meliae of this vintage keeps every parent (no max_parents cap).
      m = meliaeLoad(r.table, r.objects, { collapse: mode === 'collapsed', maxParents: 0, singleReferrer: true });
    });

    it('reads the dump with no warning and every reference resolved', () => {
      expect(r.warnings).toEqual([]);
      expect(r.objects.missingRefs).toBe(0);
    });

    it("gives summarize()'s totals, rows and printed table", () => {
      const s = meliaeSummary(r.table, r.objects, { collapse: mode === 'collapsed', singleReferrer: true });
      expect(s.totalCount).toBe(want.totalCount);
      expect(s.totalSize).toBe(want.totalSize);
      const rows = s.rows.map((x) => ({ kind: x.kind, count: x.count, size: x.size, max: x.max }));
      // Rows of exactly equal (size, count) come in the order of the loading Python's
      // dict of type names: Python 2's hash order for this loader, insertion order
      // (which we follow) on Python 3. Within such ties, compare the rows as sets.
      const tieKey = (x: { kind: string; count: number; size: number }): string => `${x.size}/${x.count}`;
      const byTie = (a: { kind: string; count: number; size: number }, b: { kind: string; count: number; size: number }): number =>
        b.size - a.size || b.count - a.count || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0);
      expect(rows.map(tieKey)).toEqual(want.rows.map(tieKey));
      expect([...rows].sort(byTie)).toEqual([...want.rows].sort(byTie));
      expect(s.text).toBe(want.text);
    });

    it('gives each chosen object its type, size, compute_total_size(), .c and .p', () => {
      const addr = (row: number): number => Number(bigOf(r.table.addrHi[row], r.table.addrLo[row]));
      const kinds = Object.keys(want.objects);
      expect(kinds.length).toBeGreaterThan(5);
      for (const k of kinds) {
        const o = want.objects[k];
        const row = rowOf.get(BigInt(o.address));
        expect(row, k).toBeDefined();
        const got = {
          type: m.kinds[m.kind[row!]],
          size: m.size[row!],
          total: computeTotalSize(m, row!),
          children: Array.from(m.childTarget.subarray(m.childStart[row!], m.childStart[row! + 1]), addr),
          // meliae of this vintage lists a parent once per reference, in its table order; compare the sets.
          parents: [...new Set(Array.from(m.parentTarget.subarray(m.parentStart[row!], m.parentStart[row! + 1]), addr))].sort((a, b) => a - b),
        };
        expect(got, k).toEqual({ type: o.type, size: o.size, total: o.total, children: o.children, parents: [...new Set(o.parents)].sort((a, b) => a - b) });
      }
    });
  });
}

check('plain', 'collapsed');
check('plain', 'raw');
check('shared', 'collapsed');
check('shared', 'raw');
