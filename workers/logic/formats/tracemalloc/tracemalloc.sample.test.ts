/**
 * The tracemalloc reader on the sample in this folder, without ../shared or python3: `crafted.tracemalloc` is the
 * hand-built Snapshot of fixtures-gen/python/make_tracemalloc.py (several domains, sizes above 2^31 and 2^32,
 * non-ASCII and astral file names, repeated frames, an empty-size trace; 473 bytes, dumped by CPython 3.11's
 * Snapshot.dump()), and `crafted.golden.json` CPython's answers for it: the trace count, traceback_limit, total size
 * and statistics(kind) for filename, lineno and traceback.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BytesSource } from '../../io/source.ts';
import { keyJson, statistics, type KeyType } from '../../python/statistics.ts';
import { readTracemalloc } from './tracemalloc.ts';

const here = import.meta.dirname;
const golden = JSON.parse(readFileSync(join(here, 'crafted.golden.json'), 'utf8')) as {
  traces: number;
  traceback_limit: number;
  total_size: number;
  statistics: Record<KeyType, unknown[]>;
};

describe('tracemalloc reader on its sample (the crafted snapshot)', () => {
  it("gives CPython's trace count, traceback limit, total size and statistics for every key", async () => {
    const r = await readTracemalloc(new BytesSource('crafted.tracemalloc', new Uint8Array(readFileSync(join(here, 'crafted.tracemalloc')))));
    const s = r.snapshot;
    expect(r.warnings).toEqual([]);
    expect(s.traces.rows).toBe(golden.traces);
    expect(s.tracebackLimit).toBe(golden.traceback_limit);
    expect(Array.from(s.traces.size).reduce((a, b) => a + b, 0)).toBe(golden.total_size);
    for (const key of ['filename', 'lineno', 'traceback'] as const) {
      const rows = statistics(s, key, false).map((x) => ({ key: keyJson(key, x.frames), size: x.size, count: x.count }));
      expect(rows).toEqual(golden.statistics[key]);
    }
  });
});
