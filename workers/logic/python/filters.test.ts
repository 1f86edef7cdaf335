import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stackFrames } from '../../../src/model/stacks.ts';
import { StringTable } from '../../../src/model/strings.ts';
import { withSource } from '../../../test-support/node-files.ts';
import { describeShared, sharedPath } from '../../../test-support/shared.ts';
import { readTracemalloc } from '../formats/tracemalloc/tracemalloc.ts';
import { DEFAULT_EXCLUDES, filterTraces, normalizeFilename, traceMask, type TraceFilter } from './filters.ts';
import { fnmatch } from './fnmatch.ts';
import { describePython, generatedDir, generatedGolden } from './generated-fixtures.test-helper.ts';
import { keyJson, statistics } from './statistics.ts';

describePython("filter_traces and fnmatch equal this machine's CPython", () => {
  it('every filter case of the crafted and real snapshots: kept traces and lineno statistics', async () => {
    const golden = generatedGolden();
    for (const file of ['crafted.tracemalloc', 'after.tracemalloc']) {
      const snap = (await withSource(join(generatedDir(), file), (s) => readTracemalloc(s))).snapshot;
      const cases = golden.snapshots[file].filters;
      expect(cases.length).toBe(12);
      for (const c of cases) {
        const f = filterTraces(snap, c.filters as unknown as TraceFilter[]);
        expect({ filters: c.filters, traces: f.traces.rows }).toEqual({ filters: c.filters, traces: c.traces });
        const rows = statistics(f, 'lineno').map((r) => ({ key: keyJson('lineno', r.frames), size: r.size, count: r.count }));
        expect(rows).toEqual(c.statistics_lineno);
      }
    }
  });

  it('fnmatch agrees with fnmatch.fnmatch on 4,000 generated patterns', () => {
    const cases = generatedGolden().fnmatch;
    expect(cases.length).toBe(4000);
    const wrong = cases.filter(([pat, name, want]) => fnmatch(name, pat) !== want);
    expect(wrong).toEqual([]);
  });
});

describeShared('filters on the service.py snapshot', ['fixtures', 'tracemalloc'], () => {
  it('the default exclusions keep 247,535 traces (CPython: 19,008,362 bytes) and no import-machinery leaf', async () => {
    const snap = (await withSource(sharedPath('fixtures/tracemalloc/after.tracemalloc'), (s) => readTracemalloc(s))).snapshot;
    const f = filterTraces(snap, DEFAULT_EXCLUDES);
    expect(f.traces.rows).toBe(247535);
    let bytes = 0;
    for (let i = 0; i < f.traces.rows; i++) bytes += f.traces.size[i];
    expect(bytes).toBe(19008362);
    const strings = new StringTable(f.strings);
    for (let i = 0; i < f.traces.rows; i++) {
      const frames = stackFrames(f.stacks, f.traces.stack[i]);
      const leaf = strings.get(f.frames.file[frames[frames.length - 1]]);
      expect(leaf === '<frozen importlib._bootstrap>' || leaf === '<unknown>').toBe(false);
    }
    // CPython: filter_traces([Filter(True, '*json*', all_frames=True)]) keeps 22,596 traces, 1,834,964 bytes
    const json = filterTraces(snap, [{ kind: 'file', inclusive: true, pattern: '*json*', allFrames: true }]);
    expect(json.traces.rows).toBe(22596);
    let jb = 0;
    for (let i = 0; i < json.traces.rows; i++) jb += json.traces.size[i];
    expect(jb).toBe(1834964);
  });
});

describe('fnmatch and filter details', () => {
  it('matches like POSIX fnmatch: case-sensitive, * crosses /, no escapes', () => {
    expect(fnmatch('/usr/lib/python3.11/json/decoder.py', '*json*')).toBe(true);
    expect(fnmatch('/a/b/c.py', '/a/*.py')).toBe(true);
    expect(fnmatch('A.py', 'a.py')).toBe(false);
    expect(fnmatch('<frozen importlib._bootstrap>', '<frozen importlib._bootstrap>')).toBe(true);
    expect(fnmatch('<frozen importlib._bootstrap_external>', '<frozen importlib._bootstrap>')).toBe(false);
    expect(fnmatch('a\\b', 'a\\b')).toBe(true);
    expect(fnmatch('[x', '[x')).toBe(true);
    expect(fnmatch(']', '[]]')).toBe(true);
    expect(fnmatch('b', '[!a]')).toBe(true);
    expect(fnmatch('a', '[!a]')).toBe(false);
    expect(fnmatch('b', '[z-a]')).toBe(false);
    expect(fnmatch('\u{1F600}', '?')).toBe(true);
    expect(fnmatch('x'.repeat(5000), '*a*a*a*a*a*a*b')).toBe(false);
  });

  it('normalises .pyc to .py on both sides', () => {
    expect(normalizeFilename('/x/y.pyc')).toBe('/x/y.py');
    expect(normalizeFilename('/x/y.py')).toBe('/x/y.py');
  });

  it('an empty filter list keeps everything; domain filters keep or drop one domain', () => {
    const snap = {
      file: 'x',
      traces: { rows: 3, size: new Float64Array([1, 2, 3]), domain: new Uint32Array([0, 5, 0]), stack: new Uint32Array(3), totalFrames: new Uint32Array(3) },
      stacks: { rows: 1, frame: new Uint32Array(1), parent: new Uint32Array(1), depth: new Uint32Array(1) },
      frames: { rows: 0, file: new Uint32Array(0), line: new Int32Array(0) },
      strings: { bytes: new Uint8Array(0), offsets: new Uint32Array(1) },
      tracebackLimit: 1,
      domains: [0, 5],
    };
    expect(Array.from(traceMask(snap, []))).toEqual([1, 1, 1]);
    expect(Array.from(traceMask(snap, [{ kind: 'domain', inclusive: true, domain: 5 }]))).toEqual([0, 1, 0]);
    expect(Array.from(traceMask(snap, [{ kind: 'domain', inclusive: false, domain: 5 }]))).toEqual([1, 0, 1]);
    expect(filterTraces(snap, [{ kind: 'domain', inclusive: false, domain: 5 }]).domains).toEqual([0]);
  });
});
