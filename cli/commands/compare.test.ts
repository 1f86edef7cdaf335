import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeShared, ROOT, sharedPath } from '../../test-support/shared.ts';

const BIN = join(ROOT, 'bin', 'heapscope.mjs');
const H = (f: string) => sharedPath('fixtures', 'heapgen', f);

function run(...args: string[]) {
  return spawnSync(process.execPath, [BIN, 'compare', ...args], { encoding: 'utf8', timeout: 120_000 });
}

interface JsonRow {
  key: string;
  path: string[];
  status: string;
  a_bytes: number;
  b_bytes: number;
  d_bytes: number;
  a_count: number;
  b_count: number;
  d_count: number;
  a_requested?: number;
  b_requested?: number;
  d_requested?: number;
}

function allIntegers(v: unknown): boolean {
  if (typeof v === 'number') return Number.isSafeInteger(v);
  if (Array.isArray(v)) return v.every(allIntegers);
  if (v && typeof v === 'object') return Object.values(v).every(allIntegers);
  return true;
}

describeShared('heapscope compare', ['fixtures', 'heapgen'], () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'heapscope-compare-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('two heapgen cores with their lists and binaries, --json by function: leak_cache grows, make_shapes shrinks', () => {
    const r = run(H('core.phase1.gz'), H('core.phase2.gz'), '--list-a', H('core.phase1.list_used'), '--list-b', H('core.phase2.list_used'), '--bin', H('heapgen'), H('libwidgets.so'), '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { by: string; a: Record<string, unknown>; b: Record<string, unknown>; builds: unknown[]; rows: JsonRow[] };
    expect(j.by).toBe('function');
    expect(j.a).toEqual({ file: 'core.phase1.gz', format: 'core', footers: true, count: 26343, bytes: 3413480, requested: 2841798 });
    expect(j.b).toMatchObject({ count: 25057, bytes: 3464056 });
    expect(j.builds).toEqual([]);
    expect(allIntegers(j)).toBe(true);
    expect(j.rows[0]).toEqual({
      key: 'libwidgets.so › widgets::make_shapes(unsigned long)',
      path: ['libwidgets.so', 'widgets::make_shapes(unsigned long)'],
      status: 'shrunk',
      a_bytes: 352024,
      b_bytes: 200808,
      d_bytes: -151216,
      a_count: 6001,
      b_count: 3015,
      d_count: -2986,
      a_requested: 224000,
      b_requested: 136504,
      d_requested: -87496,
    });
    expect(j.rows[1]).toMatchObject({ key: 'heapgen › app::leak_cache(long, long)', status: 'grown', a_bytes: 37464, b_bytes: 149592, a_count: 201, b_count: 801 });
    // Sorted by |Δ bytes|; the deltas add up to the totals' delta.
    for (let i = 1; i < j.rows.length; i++) expect(Math.abs(j.rows[i].d_bytes)).toBeLessThanOrEqual(Math.abs(j.rows[i - 1].d_bytes));
    expect(j.rows.reduce((s, x) => s + x.d_bytes, 0)).toBe(3464056 - 3413480);
  }, 120_000);

  it('cores alone (heap walk), --by site --status grown,shrunk: only changed sites, each a +0xOFFSET under its function', () => {
    const r = run(H('core.phase1.gz'), H('core.phase2.gz'), '--bin', H('heapgen'), H('libwidgets.so'), '--by', 'site', '--status', 'grown,shrunk', '--json');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { rows: JsonRow[]; a: { count: number } };
    expect(j.a.count).toBe(26343);
    expect(j.rows.length).toBe(12);
    expect(j.rows[0]).toMatchObject({ path: ['heapgen', 'app::leak_cache(long, long)', '+0x17e'], status: 'grown', d_count: 600, d_bytes: 112128 });
    for (const row of j.rows) {
      expect(['grown', 'shrunk']).toContain(row.status);
      if (row.path[0] !== 'Unknown lib') expect(row.path[2]).toMatch(/^\+0x[0-9a-f]+$/);
    }
  }, 120_000);

  it('two chap lists by class: the classes of the two list files, in text', () => {
    const r = run(H('core.phase1.list_used'), H('core.phase2.list_used'), '--by', 'class');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('A: core.phase1.list_used (chap-list): 26,343 allocations, 3,413,480 bytes');
    expect(lines[2]).toBe('Δ: −1,286 allocations, +50,576 bytes; by class, 3 row(s)');
    expect(r.stdout).toMatch(/shrunk +−80,000 +−2,000 +160,000 +80,000 {2}widgets::Circle\n/);
    expect(r.stdout).toMatch(/shrunk +−72,000 +−1,000 +144,000 +72,000 {2}widgets::Rect\n/);
  });

  it('by size class, --json, --limit does not cut JSON', () => {
    const r = run(H('core.phase1.list_used'), H('core.phase2.list_used'), '--by', 'sizeclass', '--json', '--limit', '1');
    const j = JSON.parse(r.stdout) as { rows: JsonRow[] };
    expect(j.rows.length).toBe(67);
    expect(j.rows[0]).toMatchObject({ key: '40 B (0x28)', a_count: 4768, b_count: 2890, d_bytes: -75120 });
    expect(j.rows[0].a_requested).toBeUndefined();
  });

  it('a list without footers cannot be compared by function: exit 1 naming the file', () => {
    const r = run(H('core.phase1.list_used'), H('core.phase2.list_used'), '--by', 'function');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/core\.phase1\.list_used: has no malloc_tracer footers/);
  });

  it('tracemalloc snapshots are sent to `heapscope diff`', () => {
    const r = run(sharedPath('fixtures', 'tracemalloc', 'before.tracemalloc'), H('core.phase2.list_used'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/before\.tracemalloc: is a tracemalloc snapshot: compare snapshots with `heapscope diff/);
  });

  it('empty, wrong-format and truncated inputs: an error or warnings naming the file, never a crash', () => {
    const empty = join(dir, 'empty.list');
    writeFileSync(empty, '');
    let r = run(empty, H('core.phase2.list_used'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/empty\.list: not a format Heapscope reads: the file is empty/);
    r = run(H('widgets.h'), H('core.phase2.list_used'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/widgets\.h: not a format Heapscope reads/);
    const cut = join(dir, 'cut.list_used');
    writeFileSync(cut, readFileSync(H('core.phase1.list_used')).subarray(0, 5000));
    r = run(cut, H('core.phase2.list_used'), '--json');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { a: { count: number }; warnings: string[] };
    expect(j.a.count).toBe(64);
    expect(j.warnings.some((w) => w.startsWith('cut.list_used: ') && /truncated/.test(w))).toBe(true);
    const cutCore = join(dir, 'cut.gz');
    writeFileSync(cutCore, readFileSync(H('core.phase1.gz')).subarray(0, 100_000));
    r = run(cutCore, H('core.phase2.list_used'), '--json');
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { warnings: string[] }).warnings.some((w) => w.startsWith('cut.gz: '))).toBe(true);
  }, 60_000);

  it('usage errors exit 2', () => {
    expect(run(H('core.phase1.list_used')).status).toBe(2);
    expect(run(H('core.phase1.list_used'), H('core.phase2.list_used'), '--by', 'colour').status).toBe(2);
    const r = run(H('core.phase1.list_used'), H('core.phase2.list_used'), '--status', 'bigger');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown status "bigger"/);
  });
});
