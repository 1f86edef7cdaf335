import { describe, expect, it } from 'vitest';
import type { AllocationTable } from '../../../src/model/allocations.ts';
import { AllocationIndex, indexAnyOrder, NO_ROW } from './allocation-index.ts';

/** The columns the index reads, rows as given (address, size). */
function table(rows: [number, number][]): AllocationTable {
  return {
    rows: rows.length,
    addrHi: Uint32Array.from(rows, ([a]) => Math.floor(a / 4294967296)),
    addrLo: Uint32Array.from(rows, ([a]) => a % 4294967296),
    size: Float64Array.from(rows, ([, s]) => s),
  } as unknown as AllocationTable;
}

describe('AllocationIndex', () => {
  // A wrapper [0x1000, 0x2000) holding two blocks, a row above 4 GiB and one more than 1 MiB further.
  const sorted: [number, number][] = [
    [0x1000, 0x1000],
    [0x1010, 0x20],
    [0x1100, 0x40],
    [0x1_0000_0000, 0x30],
    [0x1_0020_0000, 0x10],
  ];

  it('gives the row holding an address, the innermost wrapper only where no block holds it (chap)', () => {
    const idx = new AllocationIndex(table(sorted));
    expect(idx.rowOf(0x1010)).toBe(1);
    expect(idx.rowOf(0x102f)).toBe(1);
    expect(idx.rowOf(0x1030)).toBe(0); // inside the wrapper, between its blocks
    expect(idx.rowOf(0x1140)).toBe(0);
    expect(idx.rowOf(0x1fff)).toBe(0);
    expect(idx.rowOf(0x2000)).toBe(NO_ROW);
    expect(idx.rowOf(0xfff)).toBe(NO_ROW);
    expect(idx.rowOf(0x1_0000_002f)).toBe(3);
    expect(idx.rowOf(0x1_0000_0030)).toBe(NO_ROW);
    expect(idx.rowOf(0x1_0020_0008)).toBe(4);
  });

  it('refuses rows out of address order; indexAnyOrder takes them and answers with the table\'s own rows', () => {
    const perm = [3, 0, 4, 2, 1];
    const shuffled = perm.map((r) => sorted[r]);
    expect(() => new AllocationIndex(table(shuffled))).toThrow(/not sorted/);
    const idx = indexAnyOrder(table(shuffled));
    const direct = new AllocationIndex(table(sorted));
    for (const a of [0xfff, 0x1000, 0x1010, 0x1030, 0x1100, 0x1fff, 0x2000, 0x1_0000_0000, 0x1_0000_0030, 0x1_0020_0008]) {
      const r = direct.rowOf(a);
      expect(idx.rowOf(a)).toBe(r === NO_ROW ? NO_ROW : perm.indexOf(r));
    }
    expect(indexAnyOrder(table(sorted))).toBeInstanceOf(AllocationIndex);
  });
});
