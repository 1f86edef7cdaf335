/**
 * Exactness: for every core in ../shared with chap's answers, each set's count
 * (chap's tally line) and list equal chap's. chap's answers are the
 * `core.X.ref.count_SET` / `.ref.list_SET` files (and, in chap's own suite, the
 * suite's `core.X.count_SET` / `.list_SET` expected files, which the same chap
 * build reproduces). `... with signature` lines belong to the signatures part
 * and are dropped from chap's lists before comparing.
 *
 * leakgen/tcmalloc's allocations come from the gperftools walk, its claims
 * (the spans' pages) from the allocator registry.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { chapSuiteCores, describeShared, sharedPath } from '../../../test-support/shared.ts';
import { withSource } from '../../../test-support/node-files.ts';
import { readCore } from '../formats/core/read-core.ts';
import { formatSetList, isSetName, setTotals, tallyLine } from './chap-sets.ts';
import { analyzeCoreRead } from './from-core.ts';

interface Case {
  name: string;
  core: string;
  /** chap's answer files: [set, kind, path]. */
  answers: { set: string; kind: 'count' | 'list'; path: string; line?: number }[];
}

function answersFor(dir: string, base: string): Case['answers'] {
  const out: Case['answers'] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!f.startsWith(base + '.')) continue;
    const m = /^\.(?:ref\.)?(count|list)_([a-z]+)(\.gz)?$/.exec(f.slice(base.length));
    if (!m || !isSetName(m[2])) continue;
    if (m[2] === 'used' || m[2] === 'free') continue; // the heap walk's own conformance test covers these
    out.push({ set: m[2], kind: m[1] as 'count' | 'list', path: join(dir, f) });
  }
  return out;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const c of chapSuiteCores()) out.push({ name: `chap-suite/${c.dir}/${c.file}`, core: c.core, answers: answersFor(c.folder, c.stem) });
  const lg = sharedPath('fixtures/leakgen');
  if (existsSync(join(lg, 'core.gz'))) out.push({ name: 'leakgen/core.gz', core: join(lg, 'core.gz'), answers: answersFor(lg, 'core') });
  const tc = join(lg, 'tcmalloc');
  if (existsSync(join(tc, 'core.gz'))) out.push({ name: 'leakgen/tcmalloc/core.gz', core: join(tc, 'core.gz'), answers: answersFor(tc, 'core') });
  // heapgen: counts.txt holds chap's count used, count free, count leaked (in that order).
  for (const phase of ['phase1', 'phase2']) {
    const base = sharedPath(`fixtures/heapgen/core.${phase}`);
    if (existsSync(`${base}.gz`)) out.push({ name: `heapgen/core.${phase}.gz`, core: `${base}.gz`, answers: [{ set: 'leaked', kind: 'count', path: `${base}.counts.txt`, line: 2 }] });
  }
  const py = sharedPath('fixtures/python-core');
  if (existsSync(py)) {
    for (const d of readdirSync(py).sort()) {
      if (existsSync(join(py, d, 'core.gz'))) out.push({ name: `python-core/${d}/core.gz`, core: join(py, d, 'core.gz'), answers: answersFor(join(py, d), 'core') });
    }
  }
  return out;
}

const read = (p: string): string => (p.endsWith('.gz') ? gunzipSync(readFileSync(p)).toString('utf8') : readFileSync(p, 'utf8'));
const withoutSignatures = (t: string): string =>
  t
    .split('\n')
    .filter((l) => !l.startsWith('... with signature'))
    .join('\n');

describeShared("leak sets equal chap's on every core with chap's answers", ['peer', 'chap-suite'], () => {
  const all = cases();
  it('finds the 9 chap-suite cores, leakgen (glibc and tcmalloc), the 2 heapgen cores and the 3 CPython cores, each with answers', () => {
    expect(all.length).toBe(16);
    for (const c of all) expect(c.answers.length, c.name).toBeGreaterThan(0);
  });
  for (const c of all) {
    it(c.name, async () => {
      await withSource(c.core, async (src) => {
        // The heap walk keeps the heap's words (as for a compressed core): the graph takes the rows it saw from them.
        const r = await readCore(src, undefined, { heapWords: 'always' });
        try {
          const seen = r.heapWords;
          expect(seen, 'the walk kept the heap words').toBeDefined();
          const a = await analyzeCoreRead(r);
          // The same graph as from reading every row again.
          const again = await analyzeCoreRead({ ...r, heapWords: undefined });
          expect(a.stats.edges).toBe(again.stats.edges);
          expect(a.graph.outStart).toEqual(again.graph.outStart);
          expect(a.graph.outTarget).toEqual(again.graph.outTarget);
          expect(a.stats.bytesRead, 'rows were taken from the heap words').toBeLessThan(again.stats.bytesRead);
          for (const ans of c.answers) {
            const want = ans.line === undefined ? read(ans.path) : read(ans.path).split('\n')[ans.line];
            if (ans.kind === 'count') expect(tallyLine(setTotals(ans.set as never, r.table, a.flags)), ans.path).toBe(want.trim());
            else expect(formatSetList(ans.set as never, r.table, a.flags), ans.path).toBe(withoutSignatures(want));
          }
        } finally {
          await r.core.close();
        }
      });
    }, 60_000);
  }
});
