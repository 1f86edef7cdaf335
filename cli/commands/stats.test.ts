import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { describeShared, ROOT, sharedPath } from '../../test-support/shared.ts';

/** Runs `heapscope ARGS` as a user would (node bin/heapscope.mjs). */
function heapscope(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/heapscope.mjs'), ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describeShared("heapscope stats / diff --json print CPython's golden rows", ['fixtures', 'tracemalloc'], () => {
  const golden = JSON.parse(gunzipSync(readFileSync(sharedPath('fixtures/tracemalloc/golden.json.gz'))).toString()) as Record<string, unknown>;
  const before = sharedPath('fixtures/tracemalloc/before.tracemalloc');
  const after = sharedPath('fixtures/tracemalloc/after.tracemalloc');

  for (const key of ['filename', 'lineno', 'traceback']) {
    it(`stats --by ${key} --json equals statistics('${key}'), every row`, () => {
      const r = heapscope('stats', after, '--by', key, '--json');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(golden[`statistics_${key}_after`]);
    });
    it(`diff --by ${key} --json equals compare_to(before, '${key}'), every row`, () => {
      const r = heapscope('diff', before, after, '--by', key, '--json');
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(golden[`compare_${key}`]);
    });
  }

  it('prints readable rows like str(Statistic) without --json', () => {
    const r = heapscope('stats', after, '--by', 'lineno', '--limit', '2');
    expect(r.stdout).toBe(
      '/srv/shop/service.py:24: size=5234 KiB, count=20001, average=268 B\n' +
        '/srv/shop/service.py:10: size=4688 KiB, count=100001, average=48 B\n' +
        '… 2026 more row(s)\n',
    );
    const d = heapscope('diff', before, after, '--by', 'lineno', '--limit', '1');
    expect(d.stdout.split('\n')[0]).toBe('/srv/shop/service.py:24: size=5234 KiB (+4173 KiB), count=20001 (+15999), average=268 B');
  });

  it('applies the default exclusions and cumulative mode', () => {
    const r = heapscope('stats', after, '--by', 'filename', '--cumulative', '--exclude-default', '--json');
    const rows = JSON.parse(r.stdout) as { key: string; size: number; count: number }[];
    expect(rows.find((x) => x.key === '/srv/shop/service.py')).toBeDefined();
    const t = heapscope('stats', after, '--by', 'traceback', '--cumulative');
    expect(t.status).toBe(2);
    expect(t.stderr).toMatch(/--cumulative works with --by filename or lineno only/);
  });
});

describe('heapscope stats / diff on wrong input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'heapscope-stats-'));

  it('names the file when it is not a snapshot', () => {
    const list = join(dir, 'used.list');
    writeFileSync(list, 'Used allocation at 1000 of size 18\n\n1 allocations use 0x18 (24) bytes.\n');
    const r = heapscope('stats', list, '--by', 'lineno', '--json');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/used\.list: is a chap-list input, not a tracemalloc snapshot/);
    const empty = join(dir, 'empty.tracemalloc');
    writeFileSync(empty, '');
    const e = heapscope('diff', empty, empty, '--json');
    expect(e.status).toBe(1);
    expect(e.stderr).toMatch(/empty\.tracemalloc: .*empty/);
    const evil = join(dir, 'evil.tracemalloc');
    // tracemalloc.Snapshot then posix.system: sniffed as a snapshot, refused by the reader
    writeFileSync(evil, Buffer.from('80048c0b74726163656d616c6c6f638c08536e617073686f74938c05706f7369788c0673797374656d932e', 'hex'));
    const v = heapscope('stats', evil);
    expect(v.status).toBe(1);
    expect(v.stderr).toMatch(/evil\.tracemalloc: .*"posix\.system", which is not part of a tracemalloc snapshot/);
  });

  it('explains its usage', () => {
    expect(heapscope('stats').status).toBe(2);
    const r = heapscope('diff', 'a', 'b', '--by', 'function');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--by must be filename, lineno or traceback \(got "function"\)/);
  });
});
