import { describe, expect, it } from 'vitest';
import { AddressIndex } from './address-index.ts';

describe('AddressIndex', () => {
  it('maps aligned and full 64-bit addresses to rows through growth, and keeps the first row of a repeat', () => {
    const ix = new AddressIndex(4);
    const n = 50_000;
    for (let i = 0; i < n; i++) expect(ix.add(0x7f12 + (i & 3) * 0x10000000, i * 16, i)).toBe(i);
    expect(ix.add(0xffffffff, 0xfffffff0, n)).toBe(n);
    expect(ix.size).toBe(n + 1);
    for (let i = 0; i < n; i += 7) expect(ix.get(0x7f12 + (i & 3) * 0x10000000, i * 16)).toBe(i);
    expect(ix.get(0xffffffff, 0xfffffff0)).toBe(n);
    expect(ix.get(0x7f12, 16)).toBe(-1); // row 1 has hi 0x7f12 + 0x10000000
    expect(ix.add(0x7f12, 0, 999)).toBe(0);
    expect(ix.size).toBe(n + 1);
  });
});
