import { describe, expect, it } from 'vitest';
import { findSorted, indexOfSorted, lastAtOrBelow, lastAtOrBelowBy, lastAtOrBelowHalves } from './sorted.ts';

/** The answers by a linear scan, to check the searches against. */
const lastLinear = (keys: number[], x: number, from = 0, to = keys.length): number => {
  let ans = from - 1;
  for (let i = from; i < to; i++) if (keys[i] <= x) ans = i;
  return ans;
};

/** Deterministic sorted arrays with repeats and gaps (xorshift). */
function sortedArrays(): number[][] {
  let s = 12345;
  const next = () => ((s ^= s << 13), (s ^= s >>> 17), (s ^= s << 5), (s >>> 0) / 2 ** 32);
  const out: number[][] = [[], [5], [5, 5], [1, 2, 3]];
  for (let k = 0; k < 40; k++) {
    const n = Math.floor(next() * 50);
    const a = Array.from({ length: n }, () => Math.floor(next() * 30));
    out.push(a.sort((x, y) => x - y));
  }
  return out;
}

describe('sorted', () => {
  it('lastAtOrBelow equals a linear scan, for every x and for sub-ranges, on plain and typed arrays', () => {
    for (const a of sortedArrays()) {
      const f = Float64Array.from(a);
      for (let x = -2; x <= 32; x++) {
        expect(lastAtOrBelow(a, x)).toBe(lastLinear(a, x));
        expect(lastAtOrBelow(f, x + 0.5)).toBe(lastLinear(a, x + 0.5));
        expect(lastAtOrBelowBy(a.length, (i) => a[i], x)).toBe(lastLinear(a, x));
        const from = Math.floor(a.length / 3);
        const to = a.length - Math.floor(a.length / 4);
        expect(lastAtOrBelow(a, x, from, to)).toBe(lastLinear(a, x, from, to));
      }
    }
  });

  it('indexOfSorted finds each key and nothing else', () => {
    const a = [2, 3, 5, 8, 13, 21];
    a.forEach((v, i) => expect(indexOfSorted(a, v)).toBe(i));
    for (const x of [-1, 0, 4, 9, 22, 2.5]) expect(indexOfSorted(a, x)).toBe(-1);
    expect(indexOfSorted([], 1)).toBe(-1);
  });

  it('findSorted finds the range that contains a point, or none', () => {
    const ranges = [
      [0, 10],
      [10, 12],
      [20, 30],
      [31, 40],
    ];
    const at = (x: number) => findSorted(ranges.length, (i) => (x < ranges[i][0] ? 1 : x >= ranges[i][1] ? -1 : 0));
    const linear = (x: number) => ranges.findIndex(([a, b]) => a <= x && x < b);
    for (let x = -3; x <= 42; x++) expect(at(x)).toBe(linear(x));
    expect(findSorted(0, () => 0)).toBe(-1);
  });

  it('lastAtOrBelowHalves reads 64-bit keys from their halves, as lastAtOrBelow reads them whole', () => {
    // Addresses above 2^32 and around the halves' border, with repeats of the high half.
    const keys = [0x1000, 0xffff_fff8, 2 ** 32, 2 ** 32 + 8, 0x7f00_0000_1000, 0x7f00_0000_2000, 0x7fff_ffff_f000];
    const hi = Uint32Array.from(keys, (k) => Math.floor(k / 2 ** 32));
    const lo = Uint32Array.from(keys, (k) => k % 2 ** 32);
    const xs = keys.flatMap((k) => [k - 1, k, k + 1]).concat([0, 2 ** 48]);
    for (const x of xs)
      for (const [from, to] of [[0, keys.length], [2, 5], [3, 3]]) {
        expect(lastAtOrBelowHalves(hi, lo, x, from, to)).toBe(lastLinear(keys, x, from, to));
      }
  });
});
