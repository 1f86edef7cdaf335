/** `heapscope count SET CORE` and `list --SET CORE` as a user runs them: chap's text exactly, and their --json. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeShared, ROOT, sharedPath } from '../../test-support/shared.ts';

function heapscope(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/heapscope.mjs'), ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describeShared('heapscope count / list on the leak sets', ['fixtures', 'leakgen'], () => {
  const core = sharedPath('fixtures/leakgen/core.gz');
  const ref = (name: string): string => readFileSync(sharedPath(`fixtures/leakgen/core.ref.${name}`), 'utf8');
  for (const set of ['used', 'free', 'leaked', 'unreferenced', 'anchored', 'anchorpoints', 'stackanchored', 'registeranchored', 'staticanchored', 'threadonlyanchored']) {
    it(`count ${set} prints chap's tally line`, () => {
      const r = heapscope('count', set, core);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe(ref(`count_${set}`).trim() + '\n');
    });
  }
  it('count --json gives the same figures', () => {
    const r = heapscope('count', 'unreferenced', core, '--json');
    expect(JSON.parse(r.stdout)).toMatchObject({ set: 'unreferenced', count: 847, bytes: 7486280 });
  });
  it("list --unreferenced prints chap's list (without signature lines)", () => {
    const r = heapscope('list', '--unreferenced', core);
    const want = ref('list_unreferenced')
      .split('\n')
      .filter((l) => !l.startsWith('... with signature'))
      .join('\n');
    expect(r.stdout).toBe(want);
  });
  it('list --leaked --json lists every leaked allocation', () => {
    const j = JSON.parse(heapscope('list', '--leaked', core, '--json').stdout) as { count: number; allocations: { address: string; size: number }[] };
    expect(j.count).toBe(967);
    expect(j.allocations[0]).toEqual({ address: '0x55a86fc02eb0', size: 0x48 });
  });
  it("summary --json gives the core's leak sets with chap's figures", () => {
    const j = JSON.parse(heapscope('summary', core, '--json').stdout) as { snapshots: Record<string, { count: number; bytes: number }>[] };
    const s = j.snapshots[0];
    for (const set of ['leaked', 'unreferenced', 'anchored', 'stackanchored', 'registeranchored', 'staticanchored', 'threadonlyanchored', 'anchorpoints']) {
      const m = /^(\d+) allocations use 0x[0-9a-f]+ \(([\d,]+)\) bytes\.$/.exec(ref(`count_${set}`).trim())!;
      expect(s[set], set).toEqual({ count: Number(m[1]), bytes: Number(m[2].replace(/,/g, '')) });
    }
  });
  it('an unknown set is refused with the usage', () => {
    const r = heapscope('count', 'lost', core);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/SET: used, free, leaked/);
  });
});

describeShared('heapscope compare --set leaked', ['fixtures', 'heapgen'], () => {
  it("compares only the leaked allocations of each core: its totals are chap's count leaked of each phase", () => {
    const h = (f: string) => sharedPath(`fixtures/heapgen/${f}`);
    const r = heapscope('compare', h('core.phase1.gz'), h('core.phase2.gz'), '--set', 'leaked', '--bin', h('heapgen'), h('libwidgets.so'), '--json');
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { set: string; a: { count: number; bytes: number }; b: { count: number; bytes: number }; rows: { key: string; d_count: number }[] };
    expect(j.set).toBe('leaked');
    expect(j.a).toMatchObject({ count: 869, bytes: 445192 });
    expect(j.b).toMatchObject({ count: 879, bytes: 444984 });
    expect(j.rows.find((x) => x.key.includes('make_shapes'))?.d_count).toBe(12);
  });
  it('refuses a set for a chap list (it has no memory to compute it from)', () => {
    const r = heapscope('compare', sharedPath('fixtures/heapgen/core.phase1.list_used'), sharedPath('fixtures/heapgen/core.phase2.list_used'), '--set', 'leaked');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/needs the core/);
  });
});
