/**
 * The ranges chap's libc malloc finders claim, in chap's order, from our glibc
 * heap walk: every non-main heap from its start to the end of its mapped
 * range (at most HEAP_MAX_SIZE), the main arena's own structure (only removed
 * from static anchors: its bin pointers would otherwise anchor the chunks
 * before the bins' targets), the main arena's pages, then each mmapped chunk.
 */
import type { AllocationTable } from '../../../src/model/allocations.ts';
import type { GlibcHeap } from '../heaps/glibc/glibc.ts';
import { defaultHeapMaxSize } from '../heaps/glibc/layout.ts';
import { rangeAt, type AddressMap } from './address-map.ts';
import type { Partition } from './partition.ts';

export type GlibcLayoutInfo = Pick<GlibcHeap, 'regions' | 'mainArena' | 'layout'> & { systemMemOffset?: number; heapMaxSize?: number };

export function claimGlibcRanges(heap: GlibcLayoutInfo, table: AllocationTable, map: AddressMap, word: number, p: Partition): void {
  const max = heap.heapMaxSize || defaultHeapMaxSize(word);
  const regions = [...heap.regions].sort((a, b) => a.start - b.start);
  for (const r of regions) {
    if (r.kind !== 'heap') continue;
    const range = rangeAt(map, r.start);
    if (!range) continue;
    const limit = Math.min(range.limit, r.start + max);
    p.claim(r.start, limit - r.start, 'libc malloc heap', false);
  }
  if (heap.mainArena) {
    const size = heap.systemMemOffset ? heap.systemMemOffset + word : 0x10 + 0x10f * word;
    p.clearStatic(heap.mainArena, size);
  }
  for (const r of regions) if (r.kind === 'main-arena') p.claim(r.start, r.end - r.start, 'libc malloc main arena pages', false);
  const mmappedIds = regions.filter((r) => r.kind === 'mmapped').map((r) => r.id);
  if (mmappedIds.length && table.region) {
    // Region ids are small integers: one byte per id says whether it is an mmapped region (no Set lookup per row).
    const isMmapped = new Uint8Array(Math.max(...mmappedIds) + 1);
    for (const id of mmappedIds) isMmapped[id] = 1;
    const region = table.region;
    const top = isMmapped.length;
    for (let i = 0, n = table.rows; i < n; i++) {
      const id = region[i];
      if (id >= top || !isMmapped[id]) continue;
      const addr = table.addrHi[i] * 4294967296 + table.addrLo[i];
      p.claim(addr - 2 * word, table.size[i] + 2 * word, 'libc malloc mmapped allocation', false);
    }
  }
}
