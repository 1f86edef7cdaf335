import { describe, expect, it } from 'vitest';
import { formatSize, formatStatistic, formatStatisticDiff, pyFixed } from './format.ts';

describe("CPython's number and size formatting", () => {
  it("rounds like Python's %.Nf (exact value, half to even), not like toFixed", () => {
    expect(pyFixed(2.5, 0)).toBe('2'); // (2.5).toFixed(0) is "3"
    expect(pyFixed(3.5, 0)).toBe('4');
    expect(pyFixed(2.25, 1)).toBe('2.2'); // (2.25).toFixed(1) is "2.3"
    expect(pyFixed(2.35, 1)).toBe('2.4'); // 2.35 is really 2.35000000000000008882
    expect(pyFixed(0.05, 1)).toBe('0.1');
    expect(pyFixed(-0.04, 1)).toBe('-0.0');
    expect(pyFixed(0, 0, true)).toBe('+0');
    expect(pyFixed(9.96, 1)).toBe('10.0');
    expect(pyFixed(123456789, 0)).toBe('123456789');
  });

  it('formats sizes as tracemalloc._format_size does', () => {
    // Values from CPython 3.11: tracemalloc._format_size(x, sign)
    expect(formatSize(0, false)).toBe('0 B');
    expect(formatSize(10239, false)).toBe('10239 B');
    expect(formatSize(10240, false)).toBe('10.0 KiB');
    expect(formatSize(102399, false)).toBe('100.0 KiB'); // 99.999 KiB is under 100, so one decimal
    expect(formatSize(5359928, false)).toBe('5234 KiB');
    expect(formatSize(4273136, true)).toBe('+4173 KiB');
    expect(formatSize(-1779703, true)).toBe('-1738 KiB');
    expect(formatSize(5_000_000_000, false)).toBe('4768 MiB');
    expect(formatSize(2 ** 50, false)).toBe('1024 TiB');
    expect(formatSize(0, true)).toBe('+0 B');
  });

  it("prints Statistic and StatisticDiff like CPython's str()", () => {
    expect(formatStatistic({ frames: [['a.py', 3]], size: 0, count: 0, ref: 0 })).toBe('a.py:3: size=0 B, count=0');
    expect(formatStatistic({ frames: [['a.py', 0]], size: 100, count: 3, ref: 0 })).toBe('a.py:0: size=100 B, count=3, average=33 B');
    expect(formatStatisticDiff({ frames: [['a.py', 3]], size: 0, sizeDiff: -48, count: 0, countDiff: -1, ref: -1 })).toBe(
      'a.py:3: size=0 B (-48 B), count=0 (-1)',
    );
  });
});
