/**
 * One folder per input format, each with a small sample a newcomer can test the reader on without ../shared: every
 * folder here has a `*.sample.test.ts` (meliae: `real-meliae.test.ts`, on the dumps the real meliae wrote) that
 * neither reads ../shared nor skips, and the files it reads lie in the repository and are small.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const HERE = import.meta.dirname;
const FOLDERS = readdirSync(HERE).filter((d) => statSync(join(HERE, d)).isDirectory());
const SAMPLE_TESTS: Record<string, string[]> = { meliae: ['real-meliae.test.ts'] };

/** The sample tests of a folder: its `*.sample.test.ts` files, or the ones named above. */
const sampleTests = (d: string) => SAMPLE_TESTS[d] ?? readdirSync(join(HERE, d)).filter((f) => f.endsWith('.sample.test.ts'));

describe('every input format has a sample and a test of it that needs no ../shared', () => {
  it('finds the format folders', () => {
    expect(FOLDERS.sort()).toEqual(['chap-list', 'core', 'elf', 'malloc-tracer', 'meliae', 'mprof', 'tracemalloc']);
  });

  for (const d of FOLDERS) {
    it(`${d}/: ${sampleTests(d).join(', ') || 'no sample test'} reads only files of the repository, never skips`, () => {
      const tests = sampleTests(d);
      expect(tests.length).toBeGreaterThan(0);
      for (const t of tests) {
        const text = readFileSync(join(HERE, d, t), 'utf8');
        expect(text, t).not.toMatch(/test-support\/shared|describeShared|sharedPath|hasShared|\.skip\b|ctx\.skip|HEAPSCOPE_SHARED/);
      }
    });
  }

  it('the samples are small: at most 256 KiB each', () => {
    const sizes: Record<string, number> = {};
    for (const d of FOLDERS) {
      for (const f of readdirSync(join(HERE, d), { recursive: true }) as string[]) {
        if (/\.(ts|md)$/.test(f) || statSync(join(HERE, d, f)).isDirectory()) continue;
        sizes[`${d}/${f}`] = statSync(resolve(HERE, d, f)).size;
      }
    }
    expect(Object.keys(sizes).length).toBeGreaterThan(10);
    expect(Object.entries(sizes).filter(([, n]) => n > 256 << 10)).toEqual([]);
  });
});
