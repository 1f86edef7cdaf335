/**
 * `heapscope meliae` on dumps written by the real meliae package, against what that
 * meliae's own loader answered (workers/logic/formats/meliae/real-meliae/, README there):
 * `--object ADDR --json` gives compute_total_size, .c and .p; `--json` gives summarize()'s
 * totals and rows. For the meliae 0.3 files (built from the 2010 sources), `--single-referrer`;
 * for the meliae 0.5.0.dev0 files (py27-0.5.0dev/), the defaults — the 0.4+ collapse rule.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { realMeliae, uniq, type RecordedAnswers } from '../../workers/logic/formats/meliae/real-meliae.test-helper.ts';
import { run } from './meliae.ts';

describe('heapscope meliae on real meliae dumps', () => {
  let out = '';
  beforeEach(() => {
    out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => vi.restoreAllMocks());

  for (const [sub, label] of [['', 'meliae 0.3'], ['py27-0.5.0dev', 'meliae 0.5.0.dev0']] as const) {
  for (const name of ['plain', 'shared']) {
    for (const mode of ['collapsed', 'raw'] as const) {
      const flags = mode === 'raw' ? ['--no-collapse'] : sub === '' ? ['--single-referrer'] : [];
      const files = realMeliae(sub, name);
      const want = (): RecordedAnswers => files.recorded()[mode];
      const dump = files.dump;
      const title = `${label} ${name}, ${flags[0] ?? 'default'}`;

      it(`${title}: --object gives compute_total_size, .c and .p as meliae's loader`, async () => {
        const objects = want().objects;
        for (const [k, o] of Object.entries(objects)) {
          out = '';
          expect(await run([dump, '--object', String(o.address), '--json', ...flags]), k).toBe(0);
          const j = JSON.parse(out) as { type: string; size: number; totalSize: number; children: { address: string }[]; parents: { address: string }[]; foldedInto?: { address: string }[] };
          if (o.absent) {
            // meliae's om[address] raises KeyError: the dict was folded into its instance(s).
            expect(j.foldedInto?.length, k).toBeGreaterThan(0);
            const owner = k === 'pairDict' ? objects.pairA : k === 'aliasedDict' ? objects.aliasedPoint : undefined;
            if (owner) expect(j.foldedInto!.map((d) => Number(d.address)), k).toContain(owner.address);
            continue;
          }
          expect(j.foldedInto, k).toBeUndefined();
          expect(
            { type: j.type, size: j.size, total: j.totalSize, children: j.children.map((c) => Number(c.address)), parents: uniq(j.parents.map((p) => Number(p.address))) },
            k,
          ).toEqual({ type: o.type, size: o.size, total: o.total, children: o.children, parents: uniq(o.parents) });
        }
      });

      it(`${title}: --json gives summarize()'s totals and rows`, async () => {
        const w = want();
        expect(await run([dump, '--json', ...flags])).toBe(0);
        const j = JSON.parse(out) as { summary: { totalCount: number; totalSize: number; rows: { kind: string; count: number; size: number; max: number }[] } };
        expect(j.summary.totalCount).toBe(w.totalCount);
        expect(j.summary.totalSize).toBe(w.totalSize);
        // Exact (size, count) ties come in the loading Python's dict order: compare them as sets.
        const key = (x: { kind: string; count: number; size: number; max: number }): string => `${x.size}/${x.count}/${x.kind}/${x.max}`;
        expect(j.summary.rows.map((x) => `${x.size}/${x.count}`)).toEqual(w.rows.map((x) => `${x.size}/${x.count}`));
        expect(j.summary.rows.map(key).sort()).toEqual(w.rows.map(key).sort());
      });
    }
  }
  }
});
