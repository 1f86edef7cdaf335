/**
 * Regression tests for the hostile chap lists of issue 13: each ends in a
 * clear InputError naming the file and the limit, or in a bounded result.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TEXT_DECODE_BUDGET } from '../../io/budget.ts';
import { InputError } from '../../io/errors.ts';
import { BytesSource } from '../../io/source.ts';
import { ChapListParser, MAX_LINE_BYTES, readChapList } from './chap-list.ts';

const enc = new TextEncoder();

describe('chap list reader on hostile input (issue 13)', () => {
  it('one line of 64 MiB: refused at the line-length limit (line assembly was quadratic: 104 s)', () => {
    const p = new ChapListParser('long.list_used');
    const slice = new Uint8Array(4 << 20).fill(0x41);
    let err: unknown;
    try {
      for (let i = 0; i < 16; i++) p.push(slice);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(`long.list_used: line 1 is longer than ${MAX_LINE_BYTES >> 20} MiB, the limit for a chap list line; this is not a chap list`);
  });

  it('a long line split over many small slices is joined once (linear), and read when under the limit', () => {
    const p = new ChapListParser('split.list_used');
    const sig = `... with signature 7fc696ce0db8(${'N'.repeat(200_000)})\n`;
    const text = enc.encode(`Used allocation at 1000 of size 18\n${sig}1 allocations use 0x18 (24) bytes.\n`);
    for (let i = 0; i < text.length; i += 7) p.push(text.subarray(i, i + 7));
    const r = p.end();
    expect(r.table.rows).toBe(1);
    expect(r.warnings).toEqual([]);
  });

  it('a gzip of 100 MiB of allocation lines (a decompression bomb): refused at the decode budget', async () => {
    const line = enc.encode('Used allocation at 5574cccbc010 of size 18\n\n');
    const big = new Uint8Array(100 << 20);
    for (let i = 0; i + line.length <= big.length; i += line.length) big.set(line, i);
    const gz = gzipSync(big, { level: 1 });
    const err = await readChapList(new BytesSource('bomb.list_used.gz', gz)).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(
      new RegExp(`^bomb\\.list_used\\.gz: the gzip data decodes to more than 64 MiB, the limit for a .* file \\(${TEXT_DECODE_BUDGET.ratio}× its size, at least 64 MiB, at most 4,096 MiB\\): refused as a decompression bomb \\(if it is a real input, decompress it and open that\\)$`),
    );
  });

  it('tally figures past 2^53 are malformed lines, never Infinity or inexact', async () => {
    const text = [
      'Used allocation at 1000 of size 18',
      '99999999999999999999999 allocations use 0x18 (24) bytes.',
      '1 allocations use 0xfffffffffffffffffffff (1) bytes.',
      `${'9'.repeat(400)} allocations use 0x${'f'.repeat(400)} (1) bytes.`,
      '1 allocations use 0x18 (24) bytes.',
    ].join('\n');
    const r = await readChapList(new BytesSource('t.list_used', enc.encode(`${text}\n`)));
    expect(r.tallies).toEqual([{ line: 5, count: 1, bytes: 24, listedCount: 1, listedBytes: 24 }]);
    expect(r.warnings.map((w) => w.message)).toEqual(['3 malformed allocation line(s) were skipped (first at line 2)']);
  });

  it('sizes that would add up past 2^53 are malformed lines; sizes of 400 hex digits too', async () => {
    const text = [
      'Used allocation at 1000 of size 1fffffffffffff',
      'Used allocation at 2000 of size 1fffffffffffff',
      `Used allocation at 3000 of size ${'f'.repeat(400)}`,
      'Used allocation at 4000 of size 10',
    ].join('\n');
    const r = await readChapList(new BytesSource('s.list_used', enc.encode(`${text}\n`)));
    expect(Array.from(r.table.size)).toEqual([2 ** 53 - 1]);
    expect(r.warnings.map((w) => w.message)).toContain('3 malformed allocation line(s) were skipped (first at line 2)');
  });
});
