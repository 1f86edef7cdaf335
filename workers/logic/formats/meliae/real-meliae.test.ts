/**
 * Dumps written by the real meliae package (scanner in C, dump_all_objects) of a
 * CPython 2.7.18 process, read by our reader and compared with what meliae's own
 * loader answered for the same file (real-meliae/*.answers.json, written by
 * fixtures-gen/python/make_real_meliae.py; which meliae, and how it was built, is in
 * ./README.md). Compared exactly: summarize() rows (kind, count, size, max) in
 * meliae's order and its printed text, compute_total_size(), .c and .p of chosen
 * objects, with instance dicts collapsed (load()) and not (load(collapse=False)).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { bigOf } from '../../../../src/model/address.ts';
import { withSource } from '../../../../test-support/node-files.ts';
import { computeTotalSize, meliaeLoad, type MeliaeLoaded } from '../../graph/meliae-loader.ts';
import { meliaeSummary } from '../../graph/meliae-summary.ts';
import { readMeliae, type MeliaeResult } from './meliae.ts';
import { realMeliae, uniq, type RecordedAnswers } from './real-meliae.test-helper.ts';

interface Variant {
  /** Folder under real-meliae/ ('' for the 0.3 files). */
  dir: string;
  label: string;
  /** The loader options that meliae build's rules correspond to. */
  opts: { maxParents?: number; singleReferrer?: boolean };
  /**
   * References to addresses not in the dump. 0.5's dump_all_objects() does not dump
   * the gc.get_objects() list it walks, and its own frame refers to that list.
   */
  missingRefs: number;
}
/** meliae 0.3 (2010): every parent kept, a dict absorbed only when its one parent is the object. */
const V03: Variant = { dir: '', label: 'meliae 0.3', opts: { maxParents: 0, singleReferrer: true }, missingRefs: 0 };
/** meliae 0.5.0.dev0 (jelmer/meliae, see ./README.md): our defaults — the 0.4+ collapse rule, 100 parents. */
const V05: Variant = { dir: 'py27-0.5.0dev', label: 'meliae 0.5.0.dev0', opts: {}, missingRefs: 1 };

function check(name: string, mode: 'collapsed' | 'raw', v: Variant = V03): void {
  describe(`real ${v.label} dump "${name}", ${mode === 'collapsed' ? 'load()' : 'load(collapse=False)'}`, () => {
    let r: MeliaeResult;
    let want: RecordedAnswers;
    let m: MeliaeLoaded;
    const rowOf = new Map<bigint, number>();
    beforeAll(async () => {
      const files = realMeliae(v.dir, name);
      const rec = files.recorded();
      expect(rec.meliae).toBe(v === V03 ? '0.3.0.final.0' : '0.5.0.dev0');
      want = rec[mode];
      r = await withSource(files.dump, (s) => readMeliae(s));
      for (let i = 0; i < r.table.rows; i++) rowOf.set(bigOf(r.table.addrHi[i], r.table.addrLo[i]), i);
      m = meliaeLoad(r.table, r.objects, { collapse: mode === 'collapsed', ...v.opts });
    });

    it(v.missingRefs ? 'reads the dump, warning of the one reference dump_all_objects leaves out' : 'reads the dump with no warning and every reference resolved', () => {
      expect(r.objects.missingRefs).toBe(v.missingRefs);
      if (v.missingRefs === 0) expect(r.warnings).toEqual([]);
      else {
        expect(r.warnings).toHaveLength(1);
        expect(r.warnings[0].file).toBe(`${name}.json.gz`);
        expect(r.warnings[0].message).toMatch(/^1 reference\(s\) from 1 object\(s\) point to addresses that are not in the dump/);
      }
    });

    it("gives summarize()'s totals, rows and printed table", () => {
      const s = meliaeSummary(r.table, r.objects, { collapse: mode === 'collapsed', singleReferrer: v.opts.singleReferrer });
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
        if (o.absent) {
          // Collapsed into its instance: meliae's om[address] raises KeyError.
          expect(m.removed[row!], k).toBe(1);
          continue;
        }
        expect(m.removed[row!], k).toBe(0);
        const got = {
          type: m.kinds[m.kind[row!]],
          size: m.size[row!],
          total: computeTotalSize(m, row!),
          children: Array.from(m.childTarget.subarray(m.childStart[row!], m.childStart[row! + 1]), addr),
          // meliae 0.3 lists a parent once per reference, 0.5 keeps a set() of them; compare the sets.
          parents: uniq(Array.from(m.parentTarget.subarray(m.parentStart[row!], m.parentStart[row! + 1]), addr)),
        };
        expect(got, k).toEqual({ type: o.type, size: o.size, total: o.total, children: o.children, parents: uniq(o.parents) });
      }
    });
  });
}

check('plain', 'collapsed');
check('plain', 'raw');
check('shared', 'collapsed');
check('shared', 'raw');
check('plain', 'collapsed', V05);
check('plain', 'raw', V05);
check('shared', 'collapsed', V05);
check('shared', 'raw', V05);
