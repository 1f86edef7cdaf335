import { describe, expect, it } from 'vitest';
import { fmtPct } from './numbers.ts';

describe('fmtPct', () => {
  it('a share too small for its digits shows two significant digits, zero stays 0.0%, no whole is a dash', () => {
    expect(fmtPct(41, 3413480)).toBe('0.0012%');
    expect(fmtPct(41, 3413480, 2)).toBe('0.0012%');
    expect(fmtPct(341, 3413480, 2)).toBe('0.01%');
    expect(fmtPct(0, 3413480)).toBe('0.0%');
    expect(fmtPct(1707, 3413480)).toBe('0.1%');
    expect(fmtPct(144000, 3413480)).toBe('4.2%');
    expect(fmtPct(1, 0)).toBe('–');
  });
});
