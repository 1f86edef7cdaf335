/**
 * The 'core' reader on the sample in this folder, without ../shared: `sample-heap.core.gz` is a gcore (gzip'd, 89 KB)
 * of fixtures-gen/sample-heap.c run under fixtures-gen/footer-preload.c, whose truth file lists every block the
 * program holds or freed. Every allocation of the heap walk is checked against it (`sample-heap.test-helper.ts`).
 */
import { describe, expect, it } from 'vitest';
import { hexOf } from '../../../../src/model/address.ts';
import { isInUse } from '../../../../src/model/allocations.ts';
import type { HeapLayoutInfo } from '../../../../src/model/heap-layout.ts';
import { withSource } from '../../../../test-support/node-files.ts';
import { openInput } from '../open-input.ts';
import { SAMPLE_CORE, expectedAllocations, readSampleTruth } from './sample-heap.test-helper.ts';

describe("'core' reader on its sample (sample-heap under the footer preload)", () => {
  const truth = readSampleTruth();

  it('the truth is what sample-heap.c says it does', () => {
    const count = (k: string, fn?: string) => truth.blocks.filter((b) => b.kind === k && (!fn || b.func === fn)).length;
    expect([count('U'), count('T'), count('F')]).toEqual([64, 14, 7]);
    expect(count('U', 'make_big')).toBe(2);
    expect(truth.brk0 % 4096).toBe(0);
  });

  it('lists every allocation of the heap, used or free, with its exact size, as glibc left it', async () => {
    const r = await withSource(SAMPLE_CORE, (s) => openInput(s));
    expect(r.format).toBe('core');
    expect(r.warnings).toEqual([]);
    const t = r.table!;
    const got = Array.from({ length: t.rows }, (_, i) => ({ addr: hexOf(t.addrHi[i], t.addrLo[i]), size: t.size[i], used: isInUse(t.state[i]) }));
    got.sort((a, b) => (BigInt(`0x${a.addr}`) < BigInt(`0x${b.addr}`) ? -1 : 1));
    const want = expectedAllocations(truth).map((a) => ({ addr: a.addr.toString(16), size: a.size, used: a.used }));
    expect(got).toEqual(want);
    // 64 held + 14 tcache entries + glibc's tcache struct; 3 fastbin + 4 unsorted + the top chunk.
    expect([got.filter((a) => a.used).length, got.filter((a) => !a.used).length]).toEqual([79, 8]);
  });

  it('names the allocator and counts the free lists as built: 1 arena, 14 tcache entries, 3 fastbin chunks', async () => {
    const r = await withSource(SAMPLE_CORE, (s) => openInput(s));
    const info = r.info as unknown as HeapLayoutInfo;
    expect(info.allocator).toBe('glibc 2.36 malloc, 1 arena');
    const facts = Object.fromEntries(info.allocators[0].facts.map((f) => [f.label, f.value]));
    expect(facts['tcache entries']).toBe('14');
    expect(facts['fastbin chunks']).toBe('3');
    const regions = info.regions.map((g) => [g.kind, g.usedCount, g.freeCount]);
    expect(regions).toEqual([
      ['main-arena', 77, 8],
      ['mmapped', 2, 0],
    ]);
  });
});
