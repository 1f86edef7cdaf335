/**
 * Bad input: a core cut short still gives the sets, with a warning naming what
 * could not be read (never a silent "everything leaked").
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test-support/shared.ts';
import { withSource } from '../../../test-support/node-files.ts';
import { readCore } from '../formats/core/read-core.ts';
import { glibcLayoutOf } from '../heaps/glibc/glibc.ts';
import { setTotals } from './chap-sets.ts';
import { analyzeLeaks } from './compute.ts';

async function analyze(path: string) {
  return withSource(path, async (src) => {
    const r = await readCore(src);
    try {
      const a = await analyzeLeaks({ core: r.core, table: r.table, glibc: glibcLayoutOf(r.heap) });
      return { table: r.table, a };
    } finally {
      await r.core.close();
    }
  });
}

describeShared('a truncated core', ['peer', 'chap-suite', 'ELF64', 'OneLeaked'], () => {
  const whole = readFileSync(sharedPath('peer/chap-suite/ELF64/OneLeaked/core.20675'));
  it('names the writable memory and the stack it could not read, and still gives the sets', async () => {
    // Keep the heap (early in the file) and drop the end, where the stack is.
    const dir = mkdtempSync(join(tmpdir(), 'leaks-'));
    const full = await analyze(sharedPath('peer/chap-suite/ELF64/OneLeaked/core.20675'));
    expect(full.a.warnings).toEqual([]);
    for (const frac of [0.9, 0.8, 0.7, 0.6, 0.5]) {
      const cut = Math.floor(whole.length * frac);
      const p = join(dir, `core.cut${frac}`);
      writeFileSync(p, whole.subarray(0, cut));
      const { table, a } = await analyze(p);
      const messages = a.warnings.map((w) => w.message).join('\n');
      expect(messages, `cut at ${cut}`).toMatch(/not in the core/);
      const used = setTotals('used', table, a.flags).count;
      const leaked = setTotals('leaked', table, a.flags).count;
      const anchored = setTotals('anchored', table, a.flags).count;
      expect(leaked + anchored).toBe(used);
    }
  });
});
