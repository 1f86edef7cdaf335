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
  it("chap's lists without the core: count and list of the sets they name equal chap's; another set is refused naming the files", () => {
    const l = (n: string) => sharedPath(`fixtures/leakgen/core.ref.${n}`);
    for (const set of ['used', 'leaked', 'anchored']) {
      const r = heapscope('count', set, l('list_used.gz'), l('list_leaked'));
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout, set).toBe(ref(`count_${set}`).trim() + '\n');
    }
    expect(heapscope('count', 'unreferenced', l('list_unreferenced')).stdout).toBe(ref('count_unreferenced').trim() + '\n');
    const want = ref('list_leaked')
      .split('\n')
      .filter((x) => !x.startsWith('... with signature'))
      .join('\n');
    expect(heapscope('list', '--leaked', l('list_leaked')).stdout).toBe(want);
    const r = heapscope('count', 'unreferenced', l('list_used.gz'), l('list_leaked'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('core.ref.list_used.gz, core.ref.list_leaked: chap lists without their core give only the sets they list (leaked, anchored); unreferenced is computed from the core');
  });
  it('an unknown set is refused with the usage', () => {
    const r = heapscope('count', 'lost', core);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/SET: used, free, leaked/);
  });
});

describeShared('heapscope compare --set, by class: leakgen under glibc malloc and under tcmalloc', ['fixtures', 'leakgen', 'tcmalloc'], () => {
  it("leaked, unreferenced and anchored allocations of each core: chap's count of each set as each side's total; the classes from the vtables", () => {
    const lg = (f: string) => sharedPath(`fixtures/leakgen/${f}`);
    const tally = (p: string) => {
      const m = /^(\d+) allocations use 0x[0-9a-f]+ \(([\d,]+)\) bytes\.$/.exec(readFileSync(p, 'utf8').trim())!;
      return { count: Number(m[1]), bytes: Number(m[2].replace(/,/g, '')) };
    };
    for (const set of ['leaked', 'unreferenced', 'anchored']) {
      const r = heapscope('compare', lg('core.gz'), lg('tcmalloc/core.gz'), '--set', set, '--by', 'class', '--bin', lg('leakgen'), lg('tcmalloc/leakgen'), '--json');
      expect(r.status, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout) as { set: string; a: { count: number; bytes: number }; b: { count: number; bytes: number }; rows: { key: string; a_count: number; b_count: number; a_bytes: number; b_bytes: number }[] };
      expect(j.set).toBe(set);
      expect(j.a, `${set} A`).toMatchObject(tally(lg(`core.ref.count_${set}`)));
      expect(j.b, `${set} B`).toMatchObject(tally(lg(`tcmalloc/core.ref.count_${set}`)));
      expect([j.rows.reduce((n, x) => n + x.a_bytes, 0), j.rows.reduce((n, x) => n + x.b_bytes, 0)]).toEqual([j.a.bytes, j.b.bytes]);
      // chap's summarize leaked of each core: Disc 40 taking 2,240 / 40 taking 2,560 bytes, Square 40 taking 960 / 39 taking 624.
      if (set === 'leaked') {
        expect(j.rows.find((x) => x.key === 'Disc')).toMatchObject({ a_count: 40, b_count: 40, a_bytes: 2240, b_bytes: 2560 });
        expect(j.rows.find((x) => x.key === 'Square')).toMatchObject({ a_count: 40, b_count: 39, a_bytes: 960, b_bytes: 624 });
      }
    }
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
  it('by site and by function for the unreferenced and anchored sets: anchored is chap\'s used minus leaked of each phase, unreferenced the count of each core', () => {
    const h = (f: string) => sharedPath(`fixtures/heapgen/${f}`);
    const tally = (t: string) => {
      const m = /^(\d+) allocations use 0x[0-9a-f]+ \(([\d,]+)\) bytes\.$/.exec(t.trim())!;
      return { count: Number(m[1]), bytes: Number(m[2].replace(/,/g, '')) };
    };
    // counts.txt: chap's count used, count free, count leaked; chap: anchored = used and not leaked.
    const anchored = ['phase1', 'phase2'].map((ph) => {
      const [used, , leaked] = readFileSync(h(`core.${ph}.counts.txt`), 'utf8').split('\n').filter(Boolean).map(tally);
      return { count: used.count - leaked.count, bytes: used.bytes - leaked.bytes };
    });
    const unreferenced = ['phase1', 'phase2'].map((ph) => JSON.parse(heapscope('count', 'unreferenced', h(`core.${ph}.gz`), '--json').stdout) as { count: number; bytes: number });
    for (const [set, by, want] of [
      ['unreferenced', 'site', unreferenced],
      ['anchored', 'function', anchored],
    ] as const) {
      const r = heapscope('compare', h('core.phase1.gz'), h('core.phase2.gz'), '--set', set, '--by', by, '--bin', h('heapgen'), h('libwidgets.so'), '--json');
      expect(r.status, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout) as { set: string; by: string; a: { count: number; bytes: number }; b: { count: number; bytes: number }; rows: { key: string; a_bytes: number; b_bytes: number }[] };
      expect([j.set, j.by]).toEqual([set, by]);
      expect(j.a, set).toMatchObject({ count: want[0].count, bytes: want[0].bytes });
      expect(j.b, set).toMatchObject({ count: want[1].count, bytes: want[1].bytes });
      // Every allocation of the set is in one row: the rows add up to the totals.
      expect([j.rows.reduce((n, x) => n + x.a_bytes, 0), j.rows.reduce((n, x) => n + x.b_bytes, 0)]).toEqual([want[0].bytes, want[1].bytes]);
      if (by === 'site') expect(j.rows.some((x) => /\+0x[0-9a-f]+$/.test(x.key)), 'site keys end in +0xOFFSET').toBe(true);
    }
  });
  it('refuses a set for a chap list (it has no memory to compute it from)', () => {
    const r = heapscope('compare', sharedPath('fixtures/heapgen/core.phase1.list_used'), sharedPath('fixtures/heapgen/core.phase2.list_used'), '--set', 'leaked');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/needs the core/);
  });
});
