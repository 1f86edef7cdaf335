import { describe, expect, it } from 'vitest';
import { AllocState, type AllocationTable } from '../../../src/model/allocations.ts';
import type { ProcessMemory } from '../formats/elf/memory.ts';
import type { AddressMap } from './address-map.ts';
import { AllocationIndex, NO_ROW } from './allocation-index.ts';
import { buildReferenceGraph } from './graph.ts';
import { WordReader } from './word-reader.ts';
import { HeapWords } from './heap-words.ts';
import { xorshift32 } from '../../../test-support/rng.ts';


interface Fixture {
  table: AllocationTable;
  mem: ProcessMemory;
  map: AddressMap;
  /** The bytes of the imaged range `[base, base + bytes.length)`. */
  base: number;
  bytes: Uint8Array;
  imagedEnd: number;
}

/**
 * Rows in one mapped range whose first part is in the core and whose tail is not (a truncated core): random sizes,
 * free rows, rows at addresses that are not word-aligned, zero-size rows, rows larger than the graph's 64 KiB pass
 * and than a window (4 MiB), a wrapper holding blocks (chap finds the blocks first), one row across the end of what
 * the core holds; words are random, zero, or pointers into rows (start, inside, end, one past the end).
 */
function fixture(w: number, seed: number, withReadInto: boolean, withWrapper = true): Fixture {
  const rand = xorshift32(seed);
  const base = w === 8 ? 0x7f12_3400_0000 : 0x0800_0000;
  const rows: { addr: number; size: number; state: AllocState }[] = [];
  let at = base + 0x40;
  const push = (size: number, state = rand() < 0.15 ? AllocState.Free : AllocState.Used, misalign = 0) => {
    rows.push({ addr: at + misalign, size, state });
    at += misalign + size + w * (1 + Math.floor(rand() * 3));
    at += (w - (at % w)) % w;
  };
  for (let i = 0; i < 3000; i++) {
    const r = rand();
    if (r < 0.01) push(0);
    else if (r < 0.03) push(8 + Math.floor(rand() * 40), AllocState.Used, 4 + (w === 8 ? Math.floor(rand() * 2) * 2 : 0));
    else if (r < 0.035) push(70_000 + Math.floor(rand() * 9000));
    else push(w + Math.floor(rand() * 600));
  }
  // A wrapper holding blocks of its own (as a malloc()ed CPython arena holds obmalloc's blocks).
  if (withWrapper) {
    const wrapAt = at;
    rows.push({ addr: wrapAt, size: 0x4000, state: AllocState.Used });
    for (let k = 0; k < 20; k++) rows.push({ addr: wrapAt + 0x100 + k * 0x200, size: 0x100 - (k % 3) * 8, state: k % 5 === 4 ? AllocState.Free : AllocState.Used });
    at = wrapAt + 0x4000 + 0x40;
  }
  // A row larger than a window.
  rows.push({ addr: at, size: (4 << 20) + 0x2000, state: AllocState.Used });
  at += (4 << 20) + 0x2000 + 0x40;
  for (let i = 0; i < 200; i++) push(w + Math.floor(rand() * 300));
  // The core holds the bytes up to here: the next row starts before and ends after.
  const imagedEnd = at + 0x30;
  rows.push({ addr: at, size: 0x200, state: AllocState.Used });
  at += 0x240;
  for (let i = 0; i < 10; i++) push(64);
  const limit = at + 0x1000;

  const bytes = new Uint8Array(imagedEnd - base);
  const dv = new DataView(bytes.buffer);
  const used = rows.filter((r) => r.state === AllocState.Used);
  // Words: zero, random, pointers into a random row or into the row after the last one pointed to (arrays of
  // pointers to allocations made in order), and (64-bit) words with random high halves, the sign bit, NaN patterns.
  let last = 0;
  for (let o = 0; o + w <= bytes.length; o += w) {
    const r = rand();
    let v: number;
    let hiWord = -1;
    if (r < 0.45) v = 0;
    else if (r < 0.6) v = Math.floor(rand() * 4294967296);
    else if (r < 0.65 && w === 8) {
      v = Math.floor(rand() * 4294967296);
      const q = rand();
      hiWord = q < 0.3 ? 0x80000000 : q < 0.5 ? 0xfff80000 + Math.floor(rand() * 0x80000) : q < 0.6 ? 0x7ff00000 : Math.floor(rand() * 4294967296);
    } else {
      const k = r < 0.8 ? (last + 1) % used.length : Math.floor(rand() * used.length);
      last = k;
      const t = used[k];
      const q = rand();
      v = q < 0.4 ? t.addr : q < 0.7 ? t.addr + Math.floor(rand() * Math.max(1, t.size)) : q < 0.85 ? t.addr + t.size - 1 : t.addr + t.size;
    }
    if (w === 8) {
      dv.setUint32(o, v % 4294967296, true);
      dv.setUint32(o + 4, hiWord >= 0 ? hiWord : Math.floor(v / 4294967296), true);
    } else dv.setUint32(o, v >>> 0, true);
  }
  const table = {
    rows: rows.length,
    addrHi: Uint32Array.from(rows, (r) => Math.floor(r.addr / 4294967296)),
    addrLo: Uint32Array.from(rows, (r) => r.addr % 4294967296),
    size: Float64Array.from(rows, (r) => r.size),
    state: Uint8Array.from(rows, (r) => r.state),
  } as unknown as AllocationTable;
  const slice = (addr: number, length: number): Uint8Array | null =>
    addr >= base && addr + length <= imagedEnd ? bytes.slice(addr - base, addr - base + length) : null;
  const mem = {
    pointerSize: w,
    read: async (addr: number, length: number) => slice(addr, length),
    ...(withReadInto
      ? {
          readInto: async (addr: number, dst: Uint8Array) => {
            const b = slice(addr, dst.length);
            if (!b) return null;
            dst.set(b);
            return dst;
          },
        }
      : {}),
  } as unknown as ProcessMemory;
  const map: AddressMap = {
    ranges: [
      { base, limit: imagedEnd, flags: 6, imaged: true },
      { base: imagedEnd, limit, flags: 6, imaged: false },
    ],
  };
  return { table, mem, map, base, bytes, imagedEnd };
}

/** The row holding `v` by brute force, as chap's index finds it: the smallest row holding it (a wrapper only when no row inside it does). */
function holderOf(table: AllocationTable, v: number): number {
  let best = NO_ROW;
  for (let r = 0; r < table.rows; r++) {
    const a = table.addrHi[r] * 4294967296 + table.addrLo[r];
    if (v >= a && v < a + table.size[r] && (best === NO_ROW || table.size[r] < table.size[best])) best = r;
  }
  return best;
}

/** chap's edges, word by word: each used row at an aligned address, its words while the core holds them. */
function referenceEdges(f: Fixture, w: number, index: AllocationIndex): number[][] {
  const { table, bytes, base, imagedEnd } = f;
  const dv = new DataView(bytes.buffer);
  const used = (s: number) => s !== AllocState.Free && s !== AllocState.ThreadCachedFree;
  const out: number[][] = [];
  for (let r = 0; r < table.rows; r++) {
    const targets = new Set<number>();
    const addr = table.addrHi[r] * 4294967296 + table.addrLo[r];
    if (used(table.state[r]) && addr % w === 0) {
      const end = addr + table.size[r] - (table.size[r] % w);
      for (let a = addr; a + w <= end && a + w <= imagedEnd; a += w) {
        const o = a - base;
        const v = w === 8 ? dv.getUint32(o + 4, true) * 4294967296 + dv.getUint32(o, true) : dv.getUint32(o, true);
        const t = index.rowOf(v);
        if (t !== NO_ROW && t !== r && used(table.state[t])) targets.add(t);
      }
    }
    out.push([...targets].sort((x, y) => x - y));
  }
  return out;
}

describe('buildReferenceGraph', () => {
  it("finds the same holder as a search over every row, on 64-bit words of every kind (the index's lookup)", () => {
    for (const seed of [5, 6]) {
      const f = fixture(8, seed, true, seed === 6);
      const index = new AllocationIndex(f.table);
      const dv = new DataView(f.bytes.buffer);
      let found = 0;
      for (let o = 0; o + 8 <= Math.min(f.bytes.length, 8 * 4000); o += 8) {
        const v = dv.getUint32(o + 4, true) * 4294967296 + dv.getUint32(o, true);
        const want = holderOf(f.table, v);
        expect(index.rowOf(v)).toBe(want);
        if (want !== NO_ROW) found++;
      }
      expect(found).toBeGreaterThan(1000);
    }
  });

  it("gives a row's many targets (a pointer array over the whole heap, shuffled, with repeats) once each, ascending", async () => {
    const rand = xorshift32(4242);
    const w = 8;
    const base = 0x7f55_0000_0000;
    const small = 100_000;
    const rows: { addr: number; size: number }[] = [];
    for (let i = 0; i < small; i++) rows.push({ addr: base + 0x40 + i * 32, size: 24 });
    const arrayAt = base + 0x40 + small * 32 + 64;
    const slots = 90_000;
    rows.push({ addr: arrayAt, size: slots * 8 });
    const imagedEnd = arrayAt + slots * 8 + 64;
    const bytes = new Uint8Array(imagedEnd - base);
    const dv = new DataView(bytes.buffer);
    const want = new Set<number>();
    let pointers = 0;
    for (let j = 0; j < slots; j++) {
      // Rows in a shuffled order, some twice, some interior pointers, some zero words.
      const r = Math.floor(rand() * small);
      const v = rand() < 0.05 ? 0 : rows[r].addr + (rand() < 0.3 ? 8 : 0);
      if (v) {
        want.add(r);
        pointers++;
      }
      const o = arrayAt - base + j * 8;
      dv.setUint32(o, v % 4294967296, true);
      dv.setUint32(o + 4, Math.floor(v / 4294967296), true);
    }
    const table = {
      rows: rows.length,
      addrHi: Uint32Array.from(rows, (r) => Math.floor(r.addr / 4294967296)),
      addrLo: Uint32Array.from(rows, (r) => r.addr % 4294967296),
      size: Float64Array.from(rows, (r) => r.size),
      state: new Uint8Array(rows.length).fill(AllocState.Used),
    } as unknown as AllocationTable;
    const mem = { pointerSize: w, read: async (addr: number, length: number) => (addr >= base && addr + length <= imagedEnd ? bytes.slice(addr - base, addr - base + length) : null) } as unknown as ProcessMemory;
    const map: AddressMap = { ranges: [{ base, limit: imagedEnd, flags: 6, imaged: true }] };
    for (let rep = 0; rep < 2; rep++) {
      const { graph } = await buildReferenceGraph(table, new AllocationIndex(table), new WordReader(mem, map, w));
      const last = rows.length - 1;
      expect([...graph.outTarget.subarray(graph.outStart[last], graph.outStart[last + 1])]).toEqual([...want].sort((a, b) => a - b));
      expect(graph.outStart[last]).toBe(0);
      // More targets than 65,536 and than one in 32 rows: the row's targets go through the row bits.
      expect(pointers).toBeGreaterThan(65536);
    }
  });

  for (const w of [8, 4]) {
    it(`gives chap's edges, row by row, on ${w * 8}-bit memory with no wrapper (the next row tried first)`, async () => {
      for (const seed of [11, 12]) {
        const f = fixture(w, seed * 104729 + w, true, false);
        const index = new AllocationIndex(f.table);
        expect(index.wrappers.length).toBe(0);
        const { graph } = await buildReferenceGraph(f.table, index, new WordReader(f.mem, f.map, w));
        const want = referenceEdges(f, w, index);
        const got: number[][] = [];
        for (let r = 0; r < f.table.rows; r++) got.push([...graph.outTarget.subarray(graph.outStart[r], graph.outStart[r + 1])]);
        expect(got).toEqual(want);
      }
    });
    for (const withReadInto of [true, false]) {
      it(`gives chap's edges, row by row, on ${w * 8}-bit memory${withReadInto ? '' : ' read without readInto'} (passes, windows, wrappers, a truncated row)`, async () => {
        for (const seed of [1, 2, 3]) {
          const f = fixture(w, seed * 7919 + w, withReadInto);
          const index = new AllocationIndex(f.table);
          const { graph, stats } = await buildReferenceGraph(f.table, index, new WordReader(f.mem, f.map, w));
          const want = referenceEdges(f, w, index);
          const got: number[][] = [];
          for (let r = 0; r < f.table.rows; r++) got.push([...graph.outTarget.subarray(graph.outStart[r], graph.outStart[r + 1])]);
          expect(got).toEqual(want);
          expect(stats.edges).toBe(want.reduce((n, t) => n + t.length, 0));
          expect(stats.edges).toBeGreaterThan(1000);
        }
      });
    }
  }
});

/**
 * The heap walk's words of a fixture, as the walk would see them: windows of random sizes over the bytes the core
 * holds, in a random order of runs, some starting inside the last one (read again) or at an address that is not a
 * word's, the same window twice, and a stretch never read (its rows are read by the graph as before).
 */
function walkWords(f: Fixture, w: number, seed: number, cap?: number): HeapWords {
  const rand = xorshift32(seed);
  const segs = [{ vaddr: f.base, memsz: f.imagedEnd - f.base + 0x10000, filesz: f.imagedEnd - f.base, fileOffset: 0, flags: 6 }];
  const hw = new HeapWords(segs, w, cap);
  const len = f.imagedEnd - f.base;
  const gapAt = Math.floor(len * (0.3 + 0.2 * rand()));
  const gapEnd = gapAt + 0x9000 + Math.floor(rand() * 0x40000);
  const runs = [
    [0, gapAt],
    [gapEnd, len],
  ].sort(() => rand() - 0.5);
  for (const [from, to] of runs) {
    let at = from;
    while (at < to) {
      const size = Math.min(to - at, 1 + Math.floor(rand() * 300_000));
      const start = rand() < 0.1 ? Math.min(at + 3, to - 1) : at;
      hw.observe(f.base + start, f.bytes.subarray(start, at + size));
      if (rand() < 0.05) hw.observe(f.base + start, f.bytes.subarray(start, at + size));
      at += size;
      if (rand() < 0.2) at = Math.max(from, at - Math.floor(rand() * 5000));
    }
  }
  return hw;
}

describe("the graph from the heap walk's words", () => {
  for (const w of [8, 4]) {
    it(`gives chap's edges, row by row, on ${w * 8}-bit memory, reading only the rows whose bytes were not all seen`, async () => {
      for (const seed of [21, 22, 23]) {
        const f = fixture(w, seed * 613 + w, true, seed !== 22);
        const index = new AllocationIndex(f.table);
        const seen = walkWords(f, w, seed).done();
        for (let i = 1; i < seen.addrs.length; i++) expect(seen.addrs[i]).toBeGreaterThan(seen.addrs[i - 1]);
        const { graph, stats } = await buildReferenceGraph(f.table, index, new WordReader(f.mem, f.map, w), undefined, 'core', seen);
        const want = referenceEdges(f, w, index);
        const got: number[][] = [];
        for (let r = 0; r < f.table.rows; r++) got.push([...graph.outTarget.subarray(graph.outStart[r], graph.outStart[r + 1])]);
        expect(got).toEqual(want);
        const plain = await buildReferenceGraph(f.table, index, new WordReader(f.mem, f.map, w));
        expect(stats.candidates).toBe(plain.stats.candidates);
        // The seen rows were not read again: far fewer bytes than the scan without them.
        expect(stats.bytesRead).toBeLessThan(plain.stats.bytesRead * 0.8);
      }
    });
  }

  it('gives the same edges when the words kept reach their cap part of the way (the rest is read)', async () => {
    const f = fixture(8, 99, true);
    const index = new AllocationIndex(f.table);
    const full = walkWords(f, 8, 7, 20_000).done();
    expect(full.addrs.length).toBeLessThanOrEqual(20_000);
    expect(full.addrs.length).toBeGreaterThan(0);
    const { graph } = await buildReferenceGraph(f.table, index, new WordReader(f.mem, f.map, 8), undefined, 'core', full);
    const plain = await buildReferenceGraph(f.table, index, new WordReader(f.mem, f.map, 8));
    expect([...graph.outStart]).toEqual([...plain.graph.outStart]);
    expect([...graph.outTarget]).toEqual([...plain.graph.outTarget]);
  });

  it("is not used when the heap's span is not inside the words' span", async () => {
    const f = fixture(8, 5, true);
    const index = new AllocationIndex(f.table);
    const narrow = new HeapWords([{ vaddr: f.base + 0x100000, memsz: 0x1000, filesz: 0x1000, fileOffset: 0, flags: 6 }], 8);
    narrow.observe(f.base, f.bytes);
    const seen = narrow.done();
    const { stats } = await buildReferenceGraph(f.table, index, new WordReader(f.mem, f.map, 8), undefined, 'core', seen);
    const plain = await buildReferenceGraph(f.table, index, new WordReader(f.mem, f.map, 8));
    expect(stats.bytesRead).toBe(plain.stats.bytesRead);
    expect(stats.edges).toBe(plain.stats.edges);
  });
});

