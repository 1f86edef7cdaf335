/**
 * The bounded fuzz campaign of `npm test` (issue 13): about 200 cases per
 * reader (a tenth of that for the CPython core target, whose cases cost ~1 s each),
 * each in a child process under a time and a memory limit. Any crash,
 * hang, blow-up or loop that ignores the cancel flag fails it; the report
 * (printed) names the reproducers written under reports/fuzz/.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatReport, runCampaign } from './campaign.ts';
import { casesOf, ROOT } from './seeds.ts';

describe('fuzz campaign, bounded (200 cases per reader)', () => {
  it('every reader: 0 crashes, 0 hangs, 0 blow-ups, 0 loops deaf to cancel; every seed read as it is', async () => {
    const report = await runCampaign({ cases: 200, seed: Number(process.env.HEAPSCOPE_FUZZ_SEED ?? 1), jobs: 2, outDir: join(ROOT, 'reports', 'fuzz') });
    console.log(formatReport(report));
    expect(report.targets.map((t) => t.target)).toEqual(expect.arrayContaining(['chap-list', 'core', 'core-gzip', 'glibc', 'tracemalloc', 'meliae', 'saved', 'elf-binary', 'mprof']));
    for (const t of report.targets) expect([t.target, t.cases]).toEqual([t.target, casesOf(t.target, 200)]);
    expect(report.harness).toEqual([]);
    expect(report.targets.flatMap((t) => t.badSeeds)).toEqual([]);
    expect(report.findings.map((f) => `${f.kind} in ${f.target}: ${f.message.split('\n')[0]} (${f.file})`)).toEqual([]);
  }, 900_000);
});
