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

  it('answers every address as a scan of the rows does, over random layouts (gaps, empty rows, page-crossing rows, wrappers)', () => {
    let seed = 12345;
    const rand = (k: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % k;
    };
    for (let trial = 0; trial < 24; trial++) {
      const rows: [number, number][] = [];
      let at = trial % 2 ? 0x7f00_0000_0000 : 0x10_0000;
      const withWrappers = trial % 4 === 3;
      for (let i = 0; i < 300; i++) {
        const gap = [0, 16, 4096, 3 * 4096 + 8, (1 << 20) + 16, 1 << 20][rand(6)];
        at += rand(3) ? 16 * rand(4) : gap;
        if (withWrappers && rand(20) === 0) {
          // A wrapper holding a few rows (and room between them).
          const inner: [number, number][] = [];
          let p = at + 32;
          for (let j = 0; j < 1 + rand(4); j++) {
            inner.push([p, 16 + 16 * rand(8)]);
            p += inner[inner.length - 1][1] + 16 * rand(3);
          }
          rows.push([at, p + 64 - at], ...inner);
          at = p + 64;
          continue;
        }
        const size = [0, 16, 48, 4096, 5000, 3 * 4096 + 40][rand(6)];
        rows.push([at, size]);
        at += size;
      }
      const idx = new AllocationIndex(table(rows));
      const starts = rows.map(([a]) => a);
      const isWrapper = rows.map(([a, s], i) => i + 1 < rows.length && rows[i + 1][0] < a + s);
      if (!withWrappers) expect(isWrapper.some(Boolean)).toBe(false);
      const naive = (addr: number): number => {
        let best = NO_ROW;
        for (let r = 0; r < rows.length; r++) {
          const [a, s] = rows[r];
          if (addr < a || addr >= a + s) continue;
          if (!isWrapper[r]) return r;
          if (best === NO_ROW || s < rows[best][1]) best = r;
        }
        return best;
      };
      const probes = new Set<number>();
      for (const [a, s] of rows) for (const d of [-1, 0, 1, s - 1, s, s + 1, 4096, s >> 1]) probes.add(a + d);
      for (let k = 0; k < 400; k++) probes.add(starts[0] - 8 + rand(at - starts[0] + 16));
      for (const addr of probes) expect(idx.rowOf(addr), `trial ${trial}, address ${addr.toString(16)}`).toBe(naive(addr));
    }
  });

  it('answers as the rows say across the chunks its rows are read in (65,536 rows): clusters and pages open across a chunk or starting at one', () => {
    for (const withWrappers of [false, true]) {
      const rows: [number, number][] = [];
      let at = 0x5555_0000_0000;
      for (let i = 0; rows.length < 200_000; i++) {
        // A gap above 1 MiB just before row 131,072 (a cluster starting with a chunk); rows across 4 KiB pages everywhere.
        at += rows.length === 131_072 ? (2 << 20) : 16;
        if (withWrappers && i % 5000 === 4999) {
          rows.push([at, 0x400], [at + 0x40, 0x40], [at + 0x100, 0x80]);
          at += 0x400;
          continue;
        }
        const size = i % 97 === 0 ? 9000 : 48 + (i % 7) * 16;
        rows.push([at, size]);
        at += size;
      }
      const idx = new AllocationIndex(table(rows));
      const isWrapper = rows.map(([a, sz], i) => i + 1 < rows.length && rows[i + 1][0] < a + sz);
      expect(isWrapper.some(Boolean)).toBe(withWrappers);
      const plain = rows.map((_, i) => i).filter((i) => !isWrapper[i]);
      const wrappers = rows.map((_, i) => i).filter((i) => isWrapper[i]);
      const want = (addr: number): number => {
        let lo = 0;
        let hi = plain.length - 1;
        while (lo <= hi) {
          const mid = (lo + hi) >>> 1;
          if (rows[plain[mid]][0] <= addr) lo = mid + 1;
          else hi = mid - 1;
        }
        const r = hi >= 0 ? plain[hi] : -1;
        if (r >= 0 && addr < rows[r][0] + rows[r][1]) return r;
        for (const w of wrappers) if (rows[w][0] <= addr && addr < rows[w][0] + rows[w][1]) return w;
        return NO_ROW;
      };
      for (let r = 0; r < rows.length; r++) {
        const near = Math.abs(r - 65_536) < 40 || Math.abs(r - 131_072) < 40 || r % 1009 === 0;
        if (!near) continue;
        const [a, sz] = rows[r];
        for (const addr of [a - 1, a, a + 8, a + sz - 1, a + sz, a + 4096]) expect(idx.rowOf(addr), `row ${r}, address ${addr.toString(16)}`).toBe(want(addr));
      }
    }
  });
});
