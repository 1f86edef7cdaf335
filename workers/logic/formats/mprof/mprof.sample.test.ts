/**
 * The mprof reader on the samples in this folder, without ../shared or memory_profiler: `sample-funcs.dat` (an
 * `mprof run --python` of fixtures-gen/python/mprof_workload.py: FUNC spans at two depths) and `sample-children.dat`
 * (`mprof run --multiprocess`: a CHLD series), both written by Debian's python3-memory-profiler 0.61, and
 * `sample.answers.json` memory_profiler's own answers for them (fixtures-gen/make-samples.ts): `read_mprofile_file`
 * as JSON and `mprof peak`'s output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MprofRead } from '../../../../fixtures-gen/mprof-runs.ts';
import { expectAsMemoryProfiler } from './mprof.test-helper.ts';

const here = import.meta.dirname;
const answers = JSON.parse(readFileSync(join(here, 'sample.answers.json'), 'utf8')) as {
  read: Record<'funcs' | 'children', MprofRead>;
  peak: Record<'funcs' | 'children', string>;
};

describe('mprof reader on its samples (two runs written by memory_profiler)', () => {
  for (const k of ['funcs', 'children'] as const) {
    const name = `sample-${k}.dat`;
    it(`${name}: MEM, FUNC, CHLD and CMDLINE as read_mprofile_file reads them; mprof peak's text`, () => {
      expectAsMemoryProfiler(new Uint8Array(readFileSync(join(here, name))), name, answers.read[k], answers.peak[k]);
    });
  }

  it('the samples hold what the format has: nested spans at two depths, a child series', () => {
    expect(Object.keys(answers.read.funcs.func_timestamp)).toEqual(['__main__.build', '__main__.load']);
    expect(answers.read.funcs.func_timestamp['__main__.build'].map((s) => s[4])).toEqual([1, 1]);
    expect(Object.values(answers.read.children.children).map((s) => s.length > 3)).toEqual([true]);
  });
});
