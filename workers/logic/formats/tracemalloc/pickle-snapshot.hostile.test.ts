/**
 * Regression tests for the hostile pickles of issue 13: each ends in a clear
 * InputError naming the file and the limit, never a RangeError or a blow-up.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../io/errors.ts';
import { BytesSource } from '../../io/source.ts';
import { decodeWtf8, MAX_STACK } from './pickle-snapshot.ts';
import { readTracemalloc } from './tracemalloc.ts';

async function refusal(data: Uint8Array, name: string): Promise<string> {
  const err = await readTracemalloc(new BytesSource(name, data)).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InputError);
  expect((err as InputError).file).toBe(name);
  return (err as Error).message;
}

/** PROTO 4, then a SHORT_BINUNICODE of the given bytes, then `rest`. */
function withString(b: number[], rest: number[] = [0x2e]): Uint8Array {
  return Uint8Array.from([0x80, 4, 0x8c, b.length, ...b, ...rest]);
}

describe('tracemalloc pickles that are hostile (issue 13)', () => {
  it('a string with UTF-8 above U+10FFFF is an InputError that says so (was RangeError: Invalid code point 1114112)', async () => {
    // F4 90 80 80 would be U+110000.
    expect(await refusal(withString([0x61, 0xf4, 0x90, 0x80, 0x80]), 'cp.tracemalloc')).toBe(
      'cp.tracemalloc: not a readable tracemalloc snapshot: a string holds bytes that are not UTF-8 (at byte 2)',
    );
  });

  it('every other invalid sequence is refused too; encoded surrogates (surrogatepass) are kept', () => {
    const bad = [[0xc0, 0x80], [0xe0, 0x80, 0x80], [0xf0, 0x80, 0x80, 0x80], [0x80], [0xc3], [0xe2, 0x28, 0xa1], [0xf5, 0x80, 0x80, 0x80], [0xff]];
    for (const b of bad) expect([b, decodeWtf8(Uint8Array.from(b))]).toEqual([b, null]);
    expect(decodeWtf8(Uint8Array.from([0x61, 0xed, 0xa0, 0x80, 0x62]))).toBe('a\ud800b');
    expect(decodeWtf8(Uint8Array.from([0xf0, 0x9f, 0x98, 0x80, 0xed, 0xb2, 0x80]))).toBe('\u{1f600}\udc80');
    expect(decodeWtf8(Uint8Array.from([0xf4, 0x8f, 0xbf, 0xbf]))).toBe('\u{10ffff}');
  });

  it('a gzip pickle of millions of memo references stops at the stack limit (400M of them passed 4 GB)', async () => {
    const n = 20_000_000;
    const body = new Uint8Array(8 + 2 * n + 1);
    body.set([0x80, 4, 0x8c, 1, 0x61, 0x94]);
    for (let i = 6; i < 6 + 2 * n; i += 2) {
      body[i] = 0x68; // BINGET 0
      body[i + 1] = 0;
    }
    body[body.length - 1] = 0x2e;
    const gz = gzipSync(body, { level: 9 });
    expect(gz.length).toBeLessThan(200_000);
    expect(await refusal(gz, 'memo.tracemalloc.gz')).toBe(
      `memo.tracemalloc.gz: not a readable tracemalloc snapshot: more than ${MAX_STACK.toLocaleString('en-US')} values on the pickle stack, the limit; a snapshot needs at most a traceback's frames`,
    );
  });

  it('sizes that add up past 2^53 are refused (totals stay exact)', async () => {
    // A list holding the same trace 3 times, the trace of size 2^52.
    const sbu = (s: string): number[] => [0x8c, s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
    const long8 = [0x8a, 8, 0, 0, 0, 0, 0, 0, 0x10, 0]; // 2^52
    const trace = [0x28, 0x4b, 0, ...long8, ...sbu('a.py'), 0x4b, 3, 0x86, 0x85, 0x4b, 1, 0x74, 0x94]; // (0, 2^52, (('a.py', 3),), 1) memo 0
    const snap = Uint8Array.from([
      0x80, 4,
      ...sbu('tracemalloc'), ...sbu('Snapshot'), 0x93, 0x29, 0x81,
      0x7d, ...sbu('traces'),
      ...sbu('tracemalloc'), ...sbu('_Traces'), 0x93, 0x29, 0x81,
      0x7d, ...sbu('_traces'),
      0x5d, 0x28, ...trace, 0x68, 0, 0x68, 0, 0x65, // [t, t, t]
      0x73, 0x62, // _Traces.__dict__
      0x73, ...sbu('traceback_limit'), 0x4b, 1, 0x73, 0x62, 0x2e,
    ]);
    expect(await refusal(snap, 'sum.tracemalloc')).toBe('sum.tracemalloc: not a readable tracemalloc snapshot: the trace sizes add up to more than 2^53 bytes; no process has that much');
  });
});
