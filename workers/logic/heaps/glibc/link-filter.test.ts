import { describe, expect, it } from 'vitest';
import { LinkFilter } from './walk.ts';
import { PAGE } from './memory.ts';
import { xorshift32 } from '../../../../test-support/rng.ts';

/** The rule as written: 0, or (plain or XOR'd with the page number, as safe-linking stores it) 0 or 8-aligned in the span. */
function reference(f: LinkFilter, user: number, chunk: number, hi: number, lo: number): boolean {
  if (chunk > f.maxChunk) return false;
  if (hi === 0 && lo === 0) return true;
  if (f.tagged) return true;
  const near = (v: number) => v === 0 || (v >= f.lo && v < f.hi && v % 8 === 0);
  if (near(hi * 2 ** 32 + lo)) return true;
  const k = Math.floor(user / PAGE);
  const h = (hi ^ Math.floor(k / 2 ** 32)) >>> 0;
  const l = (lo ^ (k >>> 0)) >>> 0;
  return near(h * 2 ** 32 + l);
}

describe('LinkFilter.keeps', () => {
  it('keeps the words the rule keeps: plain and safe-linked links, 0, misaligned and out-of-span words', () => {
    const rand = xorshift32(99);
    for (const [lo, hi] of [
      [0x5555_5555_0000, 0x5555_5600_0000],
      [0x7f00_0000_0000, 0x7f40_0000_0000],
      [0x0804_8000, 0x1000_0000],
    ]) {
      const f = new LinkFilter(1040, lo, hi, false);
      let kept = 0;
      for (let i = 0; i < 20000; i++) {
        const user = lo + Math.floor(rand() * (hi - lo)) * 8;
        const chunk = 32 + Math.floor(rand() * 1100);
        const kind = rand();
        let v: number;
        if (kind < 0.1) v = 0;
        else if (kind < 0.4) v = lo + Math.floor(rand() * (hi - lo)); // plain, aligned or not
        else if (kind < 0.7) {
          // safe-linked: (user >> 12) ^ next, next 0 or in the span
          const next = rand() < 0.2 ? 0 : lo + Math.floor(rand() * (hi - lo));
          const k = Math.floor(user / PAGE);
          v = ((Math.floor(k / 2 ** 32) ^ Math.floor(next / 2 ** 32)) >>> 0) * 2 ** 32 + (((k >>> 0) ^ (next >>> 0)) >>> 0);
        } else v = Math.floor(rand() * 2 ** 32) * 2 ** 21 + Math.floor(rand() * 2 ** 21);
        const h = Math.floor(v / 2 ** 32) >>> 0;
        const l = v >>> 0;
        const want = reference(f, user, chunk, h, l);
        expect(f.keeps(user, chunk, h, l)).toBe(want);
        if (want) kept++;
      }
      expect(kept).toBeGreaterThan(3000);
      expect(kept).toBeLessThan(19000);
    }
  });
});
