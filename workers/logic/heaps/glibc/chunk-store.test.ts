import { describe, expect, it } from 'vitest';
import { indexOfSorted } from '../../../../src/model/sorted.ts';
import { ChunkStore, exactIn, F_TCACHED, F_USED, Segment } from './chunk-store.ts';
import { backwardRows } from './table.ts';
import type { Region } from './walk.ts';

const region = (start: number, kind: Region['kind'] = 'heap'): Region => ({ kind, start, end: start + 0x4000000, arena: 0x1000 });

/** Pushes contiguous heap chunks of the given chunk sizes from `first` (allocation sizes = chunk − 8, as chap's). */
function heap(seg: Segment, first: number, chunks: number[], used: (i: number) => boolean = () => true): number[] {
  const addrs: number[] = [];
  let c = first;
  chunks.forEach((cs, i) => {
    addrs.push(c + 16);
    seg.push(c + 16, cs - 8, used(i), null);
    c += cs;
  });
  return addrs;
}

describe('ChunkStore', () => {
  it('gives back every row: addresses, sizes from the next chunk, kept sizes of last rows and gaps, flags', () => {
    const a = new Segment(region(0x7f0000000000), 8);
    const sizesA = [0x20, 0x30, 0x410, 0x20, 0x90];
    const addrsA = heap(a, 0x7f0000000a00, sizesA, (i) => i !== 2);
    // top: its size is not the distance to any next chunk.
    a.push(0x7f0000000a00 + 0x4f0 + 16, 0x20ff0, false, null);
    const m = new Segment(region(0x7f1000000000, 'mmapped'), 8);
    // mmapped chunks with a gap between them: every size kept.
    m.push(0x7f1000000010, 0x21fe0, true, null);
    m.push(0x7f1000030010, 0x1ff0, true, null);
    // Walk order is not address order: the store sorts segments by region start.
    const s = new ChunkStore([m, a]);
    expect(s.length).toBe(8);
    expect(s.regions.map((r) => r.kind)).toEqual(['heap', 'mmapped']);
    const want = [
      ...addrsA.map((ad, i) => [ad, sizesA[i] - 8, i !== 2, 1]),
      [0x7f0000000a00 + 0x4f0 + 16, 0x20ff0, false, 1],
      [0x7f1000000010, 0x21fe0, true, 2],
      [0x7f1000030010, 0x1ff0, true, 2],
    ];
    const got: (number | boolean)[][] = [];
    for (let r = 0; r < s.length; r++) got.push([s.addrAt(r), s.sizeAt(r), s.isUsed(r), s.regionOf(r)]);
    expect(got).toEqual(want);
    const batched: (number | boolean)[][] = [];
    for (const b of s.batches()) for (let j = 0; j < b.length; j++) batched.push([b.addr[j], b.size[j], (b.flags[j] & F_USED) !== 0, b.region]);
    expect(batched).toEqual(want);
    s.setFree(1);
    s.setTcached(3);
    expect([s.isUsed(1), s.isTcached(3), s.isTcached(1)]).toEqual([false, true, false]);
    const flags = [...s.batches()][0].flags;
    expect([flags[1] & F_USED, flags[3] & F_TCACHED]).toEqual([0, F_TCACHED]);
  });

  it('keeps first words only where given, 0 without storage', () => {
    const a = new Segment(region(0x555555554000), 8);
    a.push(0x555555559010, 0x18, true, [0x5555, 0x55559040]);
    a.push(0x555555559030, 0x18, true, null);
    a.push(0x555555559050, 0x18, true, [0, 0]);
    a.push(0x555555559070, 0x18, true, [0x1, 0x2]);
    const s = new ChunkStore([a]);
    expect([0, 1, 2, 3].map((r) => s.linkAt(r))).toEqual([[0x5555, 0x55559040], null, [0, 0], [1, 2]]);
    // Two non-zero words kept, not four.
    expect(s.segs[0].linkLength).toBe(2);
  });

  it('finds rows by address as a binary search over their addresses does, across segments', () => {
    const segs: Segment[] = [];
    const all: number[] = [];
    for (let k = 0; k < 5; k++) {
      const seg = new Segment(region(0x7f0000000000 + k * 0x4000000), 8);
      const sizes = Array.from({ length: 50 + k * 37 }, (_, i) => 0x20 + ((i * 7919) % 40) * 16);
      if (k !== 3) all.push(...heap(seg, 0x7f0000000000 + k * 0x4000000 + 0x8a0, sizes));
      segs.push(seg);
    }
    const s = new ChunkStore(segs.reverse());
    expect(s.length).toBe(all.length);
    for (let r = 0; r < all.length; r++) expect(s.addrAt(r)).toBe(all[r]);
    for (const x of [all[0], all[17], all[all.length - 1], all[200], all[5] + 8, 0, 2 ** 52]) expect(s.indexOf(x)).toBe(indexOfSorted(all, x));
  });

  it('finds every row by address in segments of several pages, and as the plain search does when regions overlap', () => {
    const ref = (s: ChunkStore, a: number): number => {
      let lo = 0;
      let hi = s.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const v = s.addrAt(mid);
        if (v < a) lo = mid + 1;
        else if (v > a) hi = mid - 1;
        else return mid;
      }
      return -1;
    };
    const big = new Segment(region(0x7f0000000000), 8);
    const addrs = heap(big, 0x7f00000008a0, Array.from({ length: 150_000 }, (_, i) => 0x20 + (i % 5) * 16));
    const small = new Segment(region(0x7f1000000000), 8);
    addrs.push(...heap(small, 0x7f10000008a0, [0x20, 0x30, 0x40]));
    const s = new ChunkStore([big, small]);
    for (let r = 0; r < addrs.length; r += 97) {
      expect(s.indexOf(addrs[r])).toBe(r);
      for (const d of [-8, 8, 1, -16]) expect(s.indexOf(addrs[r] + d)).toBe(ref(s, addrs[r] + d));
    }
    expect(s.indexOf(addrs[addrs.length - 1])).toBe(addrs.length - 1);
    // Overlapping regions (rows going backwards across segments): the store searches as before.
    const x = new Segment(region(0x7f2000000000), 8);
    heap(x, 0x7f20000008a0, [0x20, 0x30, 0x40, 0x50]);
    const y = new Segment({ kind: 'mmapped', start: 0x7f2000000900, end: 0x7f2000001000, arena: 0 }, 8);
    y.push(0x7f2000000910, 0x100, true, null);
    const o = new ChunkStore([x, y]);
    for (let r = 0; r < o.length; r++) for (const d of [0, 8, -8]) expect(o.indexOf(o.addrAt(r) + d)).toBe(ref(o, o.addrAt(r) + d));
  });

  it('starts a new segment when an offset would pass 32 GiB (the rows and sizes stay exact)', () => {
    const seg = new Segment({ kind: 'main-arena', start: 0x10000000, end: 0x1010000000, arena: 0x7000 }, 8);
    const far = 0x10000010 + 8 * 0x1_0000_0000;
    seg.push(0x10000010, 0x18, true, null);
    seg.push(0x10000030, 0x28, true, null);
    seg.push(far, 0x18, false, null);
    seg.push(far + 0x20, 0x100, true, null);
    const s = new ChunkStore([seg]);
    expect(s.segs.length).toBe(2);
    expect(s.regions.length).toBe(1);
    const rows = Array.from({ length: s.length }, (_, r) => [s.addrAt(r), s.sizeAt(r), s.isUsed(r), s.regionOf(r)]);
    expect(rows).toEqual([
      [0x10000010, 0x18, true, 1],
      [0x10000030, 0x28, true, 1],
      [far, 0x18, false, 1],
      [far + 0x20, 0x100, true, 1],
    ]);
  });

  it('costs about 5 bytes a chunk for a heap of small chunks, rows exact across its pages of 65,536', () => {
    const seg = new Segment(region(0x7f0000000000), 8);
    const chunk = (i: number): number => 0x20 + (i % 9) * 16;
    const addrs = heap(
      seg,
      0x7f0000000a00,
      Array.from({ length: 150_000 }, (_, i) => chunk(i)),
    );
    const s = new ChunkStore([seg]);
    expect(s.bytes() / s.length).toBeLessThan(5.01);
    for (const r of [0, 65_534, 65_535, 65_536, 131_071, 131_072, 149_998]) {
      expect([s.addrAt(r), s.sizeAt(r)]).toEqual([addrs[r], chunk(r) - 8]);
    }
    let r = 0;
    let wrong = 0;
    for (const b of s.batches()) {
      expect(b.first).toBe(r);
      for (let j = 0; j < b.length; j++, r++) if (b.addr[j] !== addrs[r] || (r < 149_999 && b.size[j] !== chunk(r) - 8)) wrong++;
    }
    expect([r, wrong]).toEqual([150_000, 0]);
    s.setFree(65_536);
    expect([s.isUsed(65_535), s.isUsed(65_536), s.isUsed(65_537)]).toEqual([true, false, true]);
  });

  it('used rows of one size as a pass over the batches finds them, across pages and kept sizes, mmapped left out', () => {
    const a = new Segment(region(0x7f0000000000), 8);
    // 70,000 chunks (two pages): every 7th of chunk size 0x290 (allocation 0x288), every 3rd of those free.
    const sizes = Array.from({ length: 70_000 }, (_, i) => (i % 7 === 0 ? 0x290 : 0x20 + (i % 5) * 0x10));
    heap(a, 0x7f0000001000, sizes, (i) => i % 21 !== 0);
    // A last row of that size with a kept size (top-like), and an mmapped chunk of it (not a candidate).
    a.push(0x7f0000001000 + sizes.reduce((x, y) => x + y, 0) + 0x1000 + 16, 0x288, true, null);
    const m = new Segment(region(0x7f1000000000, 'mmapped'), 8);
    m.push(0x7f1000000010, 0x288, true, null);
    const s = new ChunkStore([a, m]);
    const want: number[] = [];
    for (const b of s.batches()) {
      if (s.regions[b.region - 1].kind === 'mmapped') continue;
      for (let j = 0; j < b.length; j++) if (b.size[j] === 0x288 && b.flags[j] & F_USED) want.push(b.addr[j]);
    }
    expect(want.length).toBe(Math.ceil(70_000 / 7) - Math.ceil(70_000 / 21) + 1);
    expect(s.usedOfSize(0x288)).toEqual(want);
  });

  it('rows going backwards: none when the segments are in order, counted when regions overlap', () => {
    const a = new Segment(region(0x7f0000000000), 8);
    heap(a, 0x7f0000001000, [0x20, 0x30, 0x40]);
    const b = new Segment(region(0x7f0000100000), 8);
    heap(b, 0x7f0000100000, [0x20, 0x20]);
    const inOrder = new ChunkStore([b, a]);
    expect([inOrder.increasing(), backwardRows(inOrder)]).toEqual([true, 0]);
    // A region starting inside the first: its first two rows lie at or below the first region's last.
    const c = new Segment({ ...region(0x7f0000001001), start: 0x7f0000001001 }, 8);
    heap(c, 0x7f0000001020, [0x20, 0x30, 0x20]);
    const overlapping = new ChunkStore([a, c]);
    expect([overlapping.increasing(), backwardRows(overlapping)]).toEqual([false, 2]);
  });

  it('exactIn (the guess from an even spread, a gallop, a binary search) finds what a plain search finds', () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % n;
    };
    const plain = (a: Uint32Array, x: number): number => a.indexOf(x);
    // Even gaps, random gaps, a few huge gaps among tiny ones (a page with one big chunk), gaps growing along the
    // page; tiny arrays, one value (every array ascending within 32 bits).
    const shapes = [
      () => 4,
      () => 1 + rnd(64),
      () => (rnd(100) === 0 ? 1 + rnd(1 << 16) : 1 + rnd(8)),
      (i: number) => 1 + (i >>> 8),
    ];
    for (const gap of shapes) {
      for (const n of [1, 2, 3, 16, 17, 18, 100, 5000, 65536]) {
        const a = new Uint32Array(n);
        let v = rnd(1000);
        for (let i = 0; i < n; i++) {
          a[i] = v;
          v += gap(i) || 1;
        }
        for (let i = 0; i < n; i++) expect(exactIn(a, a[i])).toBe(i);
        for (let k = 0; k < 2000; k++) {
          const x = rnd(a[n - 1] + 2000);
          expect(exactIn(a, x)).toBe(plain(a, x));
        }
      }
    }
    expect(exactIn(new Uint32Array(0), 5)).toBe(-1);
  });
});
