/**
 * chap's Python patterns counted as chap counts them: on the 2.7 and 3.8 cores of
 * ../shared/fixtures/python-core, `count used %Pattern` for every pattern chap has an
 * answer for is chap's tally line exactly (core.ref.count_used_~Pattern). On 3.12
 * chap's type detection finds nothing (its files say 0); there only the arena struct
 * array (found without types) is compared.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeShared, ROOT, sharedPath } from '../../test-support/shared.ts';
import { isInUse } from '../../src/model/allocations.ts';
import { tallyLine } from '../../workers/logic/leaks/chap-sets.ts';
import { PYTHON_PATTERNS } from '../../workers/logic/heaps/python/patterns.ts';
import { openLeaks } from '../leak-inputs.ts';

function heapscope(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/heapscope.mjs'), ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ref = (v: string, p: string): string => readFileSync(sharedPath(`fixtures/python-core/${v}/core.ref.count_used_~${p.slice(1)}`), 'utf8').trim();

/** Tally lines of every pattern over the used allocations, computed once. */
async function tallies(v: string): Promise<Record<string, string>> {
  const o = await openLeaks(sharedPath(`fixtures/python-core/${v}/core.gz`), [], { leaks: false, patterns: true });
  const out: Record<string, string> = {};
  PYTHON_PATTERNS.forEach((p, k) => {
    let count = 0;
    let bytes = 0;
    for (let r = 0; r < o.table.rows; r++) {
      if (o.patterns![r] !== k + 1 || !isInUse(o.table.state[r])) continue;
      count++;
      bytes += o.table.size[r];
    }
    out[p] = tallyLine({ count, bytes });
  });
  return out;
}

describeShared("chap's Python patterns", ['fixtures', 'python-core'], () => {
  for (const v of ['py2.7.18', 'py3.8.18']) {
    it(`${v}: count used %Pattern = chap's, every pattern`, async () => {
      const t = await tallies(v);
      for (const p of PYTHON_PATTERNS) expect(`${p}: ${t[p]}`).toBe(`${p}: ${ref(v, p)}`);
    }, 60_000);
  }
  it('py3.12.1: the arena struct array as chap finds it', async () => {
    const t = await tallies('py3.12.1');
    expect(t['%PythonArenaStructArray']).toBe(ref('py3.12.1', '%PythonArenaStructArray'));
  }, 60_000);
  it('the CLI: `count %Pattern CORE` and `count used CORE %Pattern` print chap\'s line; a pattern it does not know is a usage error', () => {
    const core = sharedPath('fixtures/python-core/py3.8.18/core.gz');
    const a = heapscope('count', '%PyDictValuesArray', core);
    expect(a.status, a.stderr).toBe(0);
    expect(a.stdout).toBe(ref('py3.8.18', '%PyDictValuesArray') + '\n');
    const b = heapscope('count', 'used', core, '%PythonListItems', '--json');
    expect(JSON.parse(b.stdout)).toMatchObject({ set: 'used', pattern: '%PythonListItems', count: 15062, bytes: 723504 });
    const c = heapscope('count', '%NoSuchPattern', core);
    expect(c.status).toBe(2);
    expect(c.stderr).toContain('%SimplePythonObject');
  }, 60_000);
});
