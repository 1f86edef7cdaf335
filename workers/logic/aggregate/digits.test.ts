import { describe, expect, it } from 'vitest';
import { groupDigits } from './digits.ts';

describe('groupDigits', () => {
  it("writes integers as toLocaleString('en-US') does", () => {
    const xs = [0, 1, 12, 123, 999, 1000, 1001, 12345, 999999, 1000000, 2000029, 501692296, 5831820232, 2 ** 53 - 1, -1, -1000, -1234567];
    for (let i = 0; i < 2000; i++) xs.push(Math.floor(Math.random() * 10 ** Math.floor(Math.random() * 16)));
    for (const x of xs) expect(groupDigits(x)).toBe(x.toLocaleString('en-US'));
  });
  it('leaves non-integers to toLocaleString', () => {
    for (const x of [1.5, 1234.5678, NaN, Infinity]) expect(groupDigits(x)).toBe(x.toLocaleString('en-US'));
  });
});
