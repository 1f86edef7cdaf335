/**
 * Regression tests for hostile meliae dumps (issue 13): bounded results or a
 * clear InputError naming the file and the limit.
 */
import { describe, expect, it } from 'vitest';
import { BytesSource } from '../../io/source.ts';
import { MeliaeParser, readMeliae } from './meliae.ts';

/** Inverse of murmur3's 32-bit finalizer (the address hash before it was salted). */
function unmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7ed1b41d) >>> 0;
  h ^= (h >>> 13) ^ (h >>> 26);
  h = Math.imul(h, 0xa5cb9243) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

describe('meliae reader on hostile dumps (issue 13)', () => {
  it('200,000 addresses crafted to share one hash slot read in linear time (the index is salted)', () => {
    const p = new MeliaeParser('flood.json');
    const n = 200_000;
    const lines: string[] = [];
    for (let k = 0; k < n; k++) lines.push(`{"address": ${unmix((k << 14) >>> 0)}, "type": "str", "size": 50, "refs": []}\n`);
    p.push(new TextEncoder().encode(lines.join('')));
    const r = p.end();
    expect(r.table.rows).toBe(n);
    expect(r.duplicates).toBe(0);
  });

  it('sizes that would add up past 2^53 are malformed lines; numbers past 64 bits too', async () => {
    const text = [
      '{"address": 1, "type": "str", "size": 9007199254740991, "refs": []}',
      '{"address": 2, "type": "str", "size": 9007199254740991, "refs": []}',
      '{"address": 3, "type": "str", "size": 99999999999999999999999, "refs": []}',
      '{"address": 99999999999999999999999, "type": "str", "size": 1, "refs": []}',
      '{"address": 4, "type": "str", "size": 1e400, "refs": []}',
    ].join('\n');
    const r = await readMeliae(new BytesSource('sum.json', new TextEncoder().encode(`${text}\n`)));
    expect(Array.from(r.table.size)).toEqual([2 ** 53 - 1]);
    expect(r.warnings.map((w) => w.message).join('\n')).toMatch(/^4 line\(s\) that are not meliae objects were skipped \(first at line 2/);
  });
});
