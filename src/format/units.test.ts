import { describe, expect, it } from 'vitest';
import { binaryLogTicks, binaryTicks, humanBytes, plural, tickBytes } from './units.ts';

describe('units', () => {
  it('headlines in binary units with three significant digits', () => {
    expect(humanBytes(0)).toBe('0 B');
    expect(humanBytes(512)).toBe('512 B');
    expect(humanBytes(1024)).toBe('1 KiB');
    expect(humanBytes(1536)).toBe('1.5 KiB');
    expect(humanBytes(3413480)).toBe('3.26 MiB');
    expect(humanBytes(2088008)).toBe('1.99 MiB');
    expect(humanBytes(150 * 1024 * 1024)).toBe('150 MiB');
    expect(humanBytes(3 * 1024 ** 3)).toBe('3 GiB');
  });

  it('tick labels are exact in their unit, never "1.00 KiB"', () => {
    expect(tickBytes(1024)).toBe('1 KiB');
    expect(tickBytes(4096)).toBe('4 KiB');
    expect(tickBytes(16 * 1024 * 1024)).toBe('16 MiB');
    expect(tickBytes(1.25 * 1024 * 1024)).toBe('1.25 MiB');
    expect(tickBytes(0)).toBe('0');
    expect(tickBytes(32)).toBe('32 B');
  });

  it('linear byte ticks are multiples of a power of two, at most `target` steps, covering max', () => {
    const t = binaryTicks(1_159_000, 6);
    expect(t[0]).toBe(0);
    expect(t[t.length - 1]).toBeGreaterThanOrEqual(1_159_000);
    expect(t.length - 1).toBeLessThanOrEqual(6);
    const step = t[1];
    expect(Math.log2(step) % 1).toBe(0);
    expect(t.map(tickBytes)).toEqual(['0', '256 KiB', '512 KiB', '768 KiB', '1 MiB', '1.25 MiB']);
    for (const max of [1, 7, 100, 1000, 3413480, 2 ** 33 + 5]) {
      const x = binaryTicks(max, 5);
      expect(x[x.length - 1]).toBeGreaterThanOrEqual(max);
      expect(x.length - 1).toBeLessThanOrEqual(5);
      // One step less would need more ticks than allowed.
      if (x[1] > 1) expect(Math.ceil(max / (x[1] / 2))).toBeGreaterThan(5);
    }
  });

  it('log byte ticks are powers of sixteen', () => {
    expect(binaryLogTicks(5000).map(tickBytes)).toEqual(['0', '1 B', '16 B', '256 B', '4 KiB', '64 KiB']);
  });

  it('plurals', () => {
    expect(plural(1, 'thread')).toBe('1 thread');
    expect(plural(3, 'thread')).toBe('3 threads');
    expect(plural(24337, 'allocation')).toBe('24,337 allocations');
  });
});
