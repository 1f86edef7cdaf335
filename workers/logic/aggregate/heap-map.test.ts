import { expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test-support/shared.ts';
import { withSource } from '../../../test-support/node-files.ts';
import { readChapList } from '../formats/chap-list/chap-list.ts';
import { BytesSource } from '../io/source.ts';
import { clusterRanges, heapMap, rowsInRange } from './heap-map.ts';

it('bins spread each allocation over the bins it covers; rows in a range come in address order', async () => {
  const text = 'Used allocation at 1000 of size 100\n\nFree allocation at 1100 of size 100\n\nUsed allocation at 900000 of size 10\n\n';
  const t = (await readChapList(new BytesSource('x', new TextEncoder().encode(text)))).table;
  const ranges = clusterRanges([t]);
  expect(ranges).toEqual([
    { start: 0x1000, end: 0x1200 },
    { start: 0x900000, end: 0x900010 },
  ]);
  const [a] = heapMap([t], ranges, 4);
  expect(Array.from(a.usedBytes)).toEqual([128, 128, 0, 0]);
  expect(Array.from(a.freeBytes)).toEqual([0, 0, 128, 128]);
  expect([a.usedCount, a.usedTotal, a.freeCount, a.freeTotal]).toEqual([1, 256, 1, 256]);
  expect(rowsInRange([t], 0x1000, 0x2000).rows.map((r) => r.address)).toEqual(['1000', '1100']);
});

describeShared('heap map of heapgen phase 2', ['fixtures', 'heapgen'], () => {
  it('accounts for every byte of the used and free lists', async () => {
    const used = (await withSource(sharedPath('fixtures/heapgen/core.phase2.list_used'), (s) => readChapList(s))).table;
    const map = heapMap([used], clusterRanges([used]), 256);
    expect(map.reduce((n, r) => n + r.usedCount, 0)).toBe(25057);
    expect(map.reduce((n, r) => n + r.usedBytes.reduce((x, y) => x + y, 0), 0)).toBe(3464056);
  });
});

it('a region much larger than its chunks is binned over the chunks (a thread heap reserving 64 MiB)', async () => {
  const text = 'Free allocation at 7f0000000030 of size 20740\n\n';
  const t = (await readChapList(new BytesSource('x', new TextEncoder().encode(text)))).table;
  const [r] = heapMap([t], [{ start: 0x7f0000000000, end: 0x7f0004000000, label: 'thread heap' }], 8);
  expect([r.regionStart, r.regionEnd]).toEqual([0x7f0000000000, 0x7f0004000000]);
  expect([r.start, r.end]).toEqual([0x7f0000000030, 0x7f0000000030 + 0x20740]);
  // every bin is wholly free, as "100% free" says
  for (const f of r.freeBytes) expect(f).toBeCloseTo(0x20740 / 8, 6);
  expect(r.freeTotal).toBe(0x20740);
});

it('a chunk over hundreds of bins fills every one of them (no early stop on float rounding)', async () => {
  const text = 'Used allocation at 7fc69669a010 of size a3ff0\n\n';
  const t = (await readChapList(new BytesSource('x', new TextEncoder().encode(text)))).table;
  const [r] = heapMap([t], [{ start: 0x7fc69669a000, end: 0x7fc69673e000 }], 400);
  const binBytes = (r.end - r.start) / 400;
  for (const u of r.usedBytes) expect(u / binBytes).toBeCloseTo(1, 4);
  expect(r.usedBytes.reduce((x, y) => x + y, 0)).toBeCloseTo(0xa3ff0, 3);
});
