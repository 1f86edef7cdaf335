import { describe, expect, it } from 'vitest';
import { AllocState } from '../../../../src/model/allocations.ts';
import { ChunkStore, Segment } from './chunk-store.ts';
import { buildTable } from './table.ts';
import type { Region } from './walk.ts';

const heapRegion: Region = { kind: 'heap', start: 0x555555559000, end: 0x555555559000 + 0x21000, arena: 0x7ffff7e19c80 };

/** Three heap chunks (allocation sizes = chunk − 8, as chap's) and then the regions given, one mmapped chunk each. */
function store(mmapped: { start: number; size: number }[]): ChunkStore {
  const heap = new Segment(heapRegion, 8);
  let c = heapRegion.start + 0x290;
  for (const cs of [0x20, 0x410, 0x30]) {
    heap.push(c + 16, cs - 8, true, null);
    c += cs;
  }
  heap.push(c + 16, 0x20000, false, null);
  const segs = [heap];
  for (const m of mmapped) {
    const s = new Segment({ kind: 'mmapped', start: m.start, end: m.start + m.size + 0x1000, arena: 0 }, 8);
    s.push(m.start + 16, m.size, true, null);
    segs.push(s);
  }
  return new ChunkStore(segs);
}

describe('buildTable: the glibc walk as a table of narrow columns', () => {
  it('keeps sizes in a Uint32 column and regions in a Uint8 one while they fit', () => {
    const t = buildTable(store([{ start: 0x7ffff0000000, size: 0x21ff0 }]), AllocState.ThreadCachedFree);
    expect(t.size).toBeInstanceOf(Uint32Array);
    expect(t.region).toBeInstanceOf(Uint8Array);
    expect(Array.from(t.size)).toEqual([0x18, 0x408, 0x28, 0x20000, 0x21ff0]);
    expect(Array.from(t.region!)).toEqual([1, 1, 1, 1, 2]);
  });

  it('reads a 5 GiB mmapped chunk exactly: the size column turns Float64 and every earlier row keeps its size', () => {
    const five = 5 * 2 ** 30 + 0xff0;
    const t = buildTable(store([{ start: 0x7ffe00000000, size: 0x21ff0 }, { start: 0x7fff00000000, size: five }]), AllocState.ThreadCachedFree);
    expect(t.size).toBeInstanceOf(Float64Array);
    expect(Array.from(t.size)).toEqual([0x18, 0x408, 0x28, 0x20000, 0x21ff0, five]);
    expect(t.addrHi[5] * 2 ** 32 + t.addrLo[5]).toBe(0x7fff00000010);
    expect(Array.from(t.state)).toEqual([AllocState.Used, AllocState.Used, AllocState.Used, AllocState.Free, AllocState.Used, AllocState.Used]);
    expect(Array.from(t.region!)).toEqual([1, 1, 1, 1, 2, 3]);
  });
});
