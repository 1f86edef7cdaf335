import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TracemallocSnapshot } from '../../../src/model/traces.ts';
import { withSource } from '../../../test-support/node-files.ts';
import { describeShared, sharedPath } from '../../../test-support/shared.ts';
import { decodeTracemallocBytes, readTracemalloc } from '../formats/tracemalloc/tracemalloc.ts';
import { formatStatistic, formatStatisticDiff } from './format.ts';
import { describePython, generatedDir, generatedGolden, type DiffRowJson, type StatRowJson } from './generated-fixtures.test-helper.ts';
import { compareCodePoints, compareTo, keyJson, statistics, type KeyType } from './statistics.ts';

const KEYS: KeyType[] = ['filename', 'lineno', 'traceback'];

async function load(path: string): Promise<TracemallocSnapshot> {
  return (await withSource(path, (s) => readTracemalloc(s))).snapshot;
}

function statJson(snap: TracemallocSnapshot, key: KeyType, cumulative = false): StatRowJson[] {
  return statistics(snap, key, cumulative).map((r) => ({ key: keyJson(key, r.frames), size: r.size, count: r.count }));
}

function diffJson(n: TracemallocSnapshot, o: TracemallocSnapshot, key: KeyType, cumulative = false): DiffRowJson[] {
  return compareTo(n, o, key, cumulative).map((r) => ({ key: keyJson(key, r.frames), size: r.size, size_diff: r.sizeDiff, count: r.count, count_diff: r.countDiff }));
}

/** Row-by-row equality, reporting the first differing row (a 2,800-row toEqual diff is unreadable). */
function expectRows<T>(actual: T[], expected: T[]): void {
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    if (JSON.stringify(actual[i]) !== JSON.stringify(expected[i])) expect({ row: i, value: actual[i] }).toEqual({ row: i, value: expected[i] });
  }
  expect(actual.length).toBe(expected.length);
}

describeShared("tracemalloc statistics and compare_to equal CPython's on the service.py snapshots", ['fixtures', 'tracemalloc'], () => {
  let before: TracemallocSnapshot;
  let after: TracemallocSnapshot;
  let golden: Record<string, unknown>;
  beforeAll(async () => {
    golden = JSON.parse(gunzipSync(readFileSync(sharedPath('fixtures/tracemalloc/golden.json.gz'))).toString()) as Record<string, unknown>;
    before = await load(sharedPath('fixtures/tracemalloc/before.tracemalloc'));
    after = await load(sharedPath('fixtures/tracemalloc/after.tracemalloc'));
  });

  for (const key of KEYS) {
    it(`statistics('${key}') of after: every row, in order`, () => {
      const expected = golden[`statistics_${key}_after`] as StatRowJson[];
      expect(expected.length).toBeGreaterThan(50);
      expectRows(statJson(after, key), expected);
    });
    it(`after.compare_to(before, '${key}'): every row, in order`, () => {
      const expected = golden[`compare_${key}`] as DiffRowJson[];
      expectRows(diffJson(after, before, key), expected);
    });
  }

  it("the top growth is service.py:24, +4,273,136 bytes", () => {
    const top = compareTo(after, before, 'lineno')[0];
    expect(keyJson('lineno', top.frames)).toBe('/srv/shop/service.py:24');
    expect(top.sizeDiff).toBe(4273136);
    expect(formatStatisticDiff(top)).toBe('/srv/shop/service.py:24: size=5234 KiB (+4173 KiB), count=20001 (+15999), average=268 B');
    expect(formatStatistic(statistics(after, 'lineno')[1])).toBe('/srv/shop/service.py:10: size=4688 KiB, count=100001, average=48 B');
  });

  it('cumulative filename statistics count a trace once per frame, as CPython does', () => {
    // CPython 3.11: statistics('filename', cumulative=True)[:3] of after.tracemalloc
    expect(statJson(after, 'filename', true).slice(0, 3)).toEqual([
      { key: '/srv/shop/service.py', size: 46548014, count: 743294 },
      { key: '<frozen importlib._bootstrap>', size: 42234429, count: 259639 },
      { key: '<frozen importlib._bootstrap_external>', size: 15340721, count: 96071 },
    ]);
  });
});

describePython("tracemalloc statistics equal this machine's CPython on generated snapshots", () => {
  const cases: [string, string][] = [
    ['after.tracemalloc', 'before.tracemalloc'],
    ['crafted.tracemalloc', 'crafted_base.tracemalloc'],
    ['legacy38.tracemalloc', 'crafted_base.tracemalloc'],
  ];
  for (const [newFile, oldFile] of cases) {
    it(`${newFile}: statistics, cumulative statistics, compare_to and str() rows`, async () => {
      const g = generatedGolden().snapshots[newFile];
      const snap = await load(join(generatedDir(), newFile));
      const old = await load(join(generatedDir(), oldFile));
      expect(snap.traces.rows).toBe(g.traces);
      for (const key of KEYS) {
        expectRows(statJson(snap, key), g.statistics[key]);
        expectRows(diffJson(snap, old, key), g.compare[key]);
      }
      for (const key of ['filename', 'lineno'] as KeyType[]) {
        expectRows(statJson(snap, key, true), g.statistics_cumulative[key]);
        expectRows(diffJson(snap, old, key, true), g.compare_cumulative[key]);
      }
      expectRows(statistics(snap, 'lineno').slice(0, 40).map(formatStatistic), g.str_statistics_lineno);
      expectRows(compareTo(snap, old, 'lineno').slice(0, 40).map(formatStatisticDiff), g.str_compare_lineno);
    });
  }
});

describe('tracemalloc statistics details', () => {
  it('compares strings by code point, as Python does', () => {
    expect(compareCodePoints('\u{1F600}', '\uFFFD')).toBeGreaterThan(0); // UTF-16 order would say < 0
    expect(compareCodePoints('a', 'b')).toBeLessThan(0);
    expect(compareCodePoints('ab', 'a')).toBeGreaterThan(0);
    expect(compareCodePoints('x\u{10000}', 'x\u{10001}')).toBeLessThan(0);
    expect(compareCodePoints('same', 'same')).toBe(0);
  });

  it('refuses cumulative traceback statistics and unknown keys like CPython', () => {
    const empty: TracemallocSnapshot = {
      file: 'x',
      traces: { rows: 0, size: new Float64Array(0), domain: new Uint32Array(0), stack: new Uint32Array(0), totalFrames: new Uint32Array(0) },
      stacks: { rows: 1, frame: new Uint32Array(1), parent: new Uint32Array(1), depth: new Uint32Array(1) },
      frames: { rows: 0, file: new Uint32Array(0), line: new Int32Array(0) },
      strings: { bytes: new Uint8Array(0), offsets: new Uint32Array(1) },
      tracebackLimit: 1,
      domains: [],
    };
    expect(() => statistics(empty, 'traceback', true)).toThrow(/cumulative mode cannot by used with key type 'traceback'/);
    expect(() => statistics(empty, 'file' as KeyType)).toThrow(/unknown key_type/);
    expect(statistics(empty, 'lineno')).toEqual([]);
  });

  it('groups traces with an empty traceback (which CPython cannot show) under "<unknown>", with a warning', () => {
    // pickle.dumps(Snapshot([(0, 10, (), 0), (0, 5, (('<unknown>', 0),), 1), (0, 7, (('a.py', 1),), 1)], 1), 4)
    const hex =
      '8004959f000000000000008c0b74726163656d616c6c6f63948c08536e617073686f749493942981947d94288c067472616365739468008c075f5472616365739493942981947d948c075f747261636573945d9428284b004b0a294b007494284b004b058c093c756e6b6e6f776e3e944b00869485944b017494284b004b078c04612e7079944b01869485944b0174946573628c0f74726163656261636b5f6c696d6974944b0175622e';
    const r = decodeTracemallocBytes('empty-tb.tracemalloc', Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16))));
    expect(r.warnings.map((w) => w.message)).toEqual(['1 trace(s) have an empty traceback; they are grouped under "<unknown>"']);
    const s = r.snapshot;
    expect(statistics(s, 'lineno').map((x) => [keyJson('lineno', x.frames), x.size, x.count])).toEqual([
      ['<unknown>:0', 15, 2],
      ['a.py:1', 7, 1],
    ]);
    expect(statistics(s, 'traceback').map((x) => [keyJson('traceback', x.frames), x.size, x.count])).toEqual([
      [[], 10, 1],
      [[['a.py', 1]], 7, 1],
      [[['<unknown>', 0]], 5, 1],
    ]);
    expect(compareTo(s, s, 'filename').map((x) => [x.frames[0][0], x.sizeDiff, x.countDiff])).toEqual([
      ['<unknown>', 0, 0],
      ['a.py', 0, 0],
    ]);
  });
});
