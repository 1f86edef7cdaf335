import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AllocState } from '../../../../src/model/allocations.ts';
import { describeShared, sharedPath } from '../../../../test-support/shared.ts';
import { withSource } from '../../../../test-support/node-files.ts';
import { concatBytes, oneLoadCoreHeader } from '../../../../test-support/elf-core-writer.ts';
import { openCore } from '../../formats/elf/core-file.ts';
import { BytesSource } from '../../io/source.ts';
import { arenaLayout, arenaLayouts, chunkParams, heapInfoSizes, tcacheChunkSizes, type ArenaLayout } from './layout.ts';
import { walkGlibcHeap } from './glibc.ts';

describe('glibc structure layouts', () => {
  const pick = (l: ArenaLayout) => ({ fastbins: l.fastbins, top: l.top, next: l.next, systemMem: l.systemMem, size: l.size, nfastbins: l.params.nfastbins });
  it('malloc_state offsets for x86-64: 2.27+ (have_fastchunks), 2.23–2.26 (attached_threads), ≤ 2.22', () => {
    const [v227, v223, v222] = arenaLayouts(8);
    expect(pick(v227)).toEqual({ fastbins: 0x10, top: 0x60, next: 0x870, systemMem: 0x888, size: 0x898, nfastbins: 10 });
    expect(pick(v223)).toEqual({ fastbins: 0x8, top: 0x58, next: 0x868, systemMem: 0x880, size: 0x890, nfastbins: 10 });
    expect(pick(v222)).toEqual({ fastbins: 0x8, top: 0x58, next: 0x868, systemMem: 0x878, size: 0x888, nfastbins: 10 });
  });
  it('i386: MALLOC_ALIGNMENT 16 (2.26+) makes 11 fastbins and moves top, bins and next by a word', () => {
    const a16 = arenaLayout(4, 16, true, true);
    const a8 = arenaLayout(4, 8, false, true);
    expect(pick(a16)).toEqual({ fastbins: 12, top: 12 + 44, next: 12 + 44 + 8 + 254 * 4 + 16, systemMem: 12 + 44 + 8 + 254 * 4 + 16 + 12, size: 12 + 44 + 8 + 254 * 4 + 16 + 20, nfastbins: 11 });
    expect(pick(a8)).toEqual({ fastbins: 8, top: 48, next: 48 + 8 + 1016 + 16, systemMem: 48 + 8 + 1016 + 16 + 12, size: 48 + 8 + 1016 + 16 + 20, nfastbins: 10 });
    expect(chunkParams(4, 16).minSize).toBe(16);
  });
  it('heap_info: 32 / 48 bytes on x86-64 (before / since 2.35), 24 on i386 with 16-byte alignment, 16 / 24 with 8', () => {
    expect(heapInfoSizes(8, 16)).toEqual([32, 48]);
    expect(heapInfoSizes(4, 16)).toEqual([24]);
    expect(heapInfoSizes(4, 8)).toEqual([16, 24]);
  });
  it('tcache_perthread_struct chunk sizes (2.30+ and 2.26-2.29), on x86-64 and i386', () => {
    expect(tcacheChunkSizes(chunkParams(8, 16)).map((s) => s.chunk)).toEqual([0x290, 0x250]);
    expect(tcacheChunkSizes(chunkParams(4, 16)).map((s) => s.chunk)).toEqual([0x190, 0x150]);
  });
});

describeShared('glibc heap walk: arenas of SpinningThreads equal chap\'s describe arenas', ['peer', 'chap-suite', 'ELF64', 'SpinningThreads'], () => {
  it('5 arenas with chap\'s sizes, tops and used/free tallies', async () => {
    const dir = 'peer/chap-suite/ELF64/SpinningThreads';
    const heap = await withSource(sharedPath(`${dir}/core.SpinningThreads.bz2`), async (s) => walkGlibcHeap(await openCore(s)));
    const text = readFileSync(sharedPath(`${dir}/core.SpinningThreads.describe_arenas`), 'utf8');
    const expected = [
      ...text.matchAll(
        /Arena at 0x([0-9a-f]+) has size 0x([0-9a-f]+) .*\nmaximum size 0x([0-9a-f]+) .* "top" address 0x([0-9a-f]+)\.\n(\d+) free allocations take 0x([0-9a-f]+) .*\n(\d+) used allocations take 0x([0-9a-f]+)/g,
      ),
    ].map((m) => ({
      address: parseInt(m[1], 16),
      size: parseInt(m[2], 16),
      maxSize: parseInt(m[3], 16),
      top: parseInt(m[4], 16),
      freeCount: Number(m[5]),
      freeBytes: parseInt(m[6], 16),
      usedCount: Number(m[7]),
      usedBytes: parseInt(m[8], 16),
    }));
    expect(expected.length).toBe(5);
    expect(heap.arenas.map(({ address, size, maxSize, top, freeCount, freeBytes, usedCount, usedBytes }) => ({ address, size, maxSize, top, freeCount, freeBytes, usedCount, usedBytes }))).toEqual(expected);
    expect(heap.mainArena).toBe(0x7ffff7398760);
    expect(heap.layout).toBe('glibc<2.27');
    // The locked arena's detached fastbin chain (held in a thread's registers) is free, as chap says.
    const i = heap.table.addrLo.findIndex((lo, k) => heap.table.addrHi[k] === 0x7fff && lo === 0xdc0008c0);
    expect(heap.table.state[i]).toBe(AllocState.Free);
    // Every row carries a region id that names its heap.
    for (let k = 0; k < heap.table.rows; k++) expect(heap.table.region![k]).toBeGreaterThan(0);
  });
});

describeShared('glibc heap walk on heapgen (glibc 2.36: safe-linking, tcache, 48-byte heap_info)', ['fixtures', 'heapgen', 'core.phase1.gz'], () => {
  it('finds 3 arenas, decodes safe-linked lists, counts tcache entries (listed used, as chap does)', async () => {
    const heap = await withSource(sharedPath('fixtures/heapgen/core.phase1.gz'), async (s) => walkGlibcHeap(await openCore(s)));
    expect(heap.layout).toBe('glibc>=2.27');
    expect(heap.arenas.length).toBe(3);
    expect(heap.safeLinking).toBe(true);
    expect(heap.fastbinFree).toBe(4);
    expect(heap.tcacheFree).toBe(259);
    const used = heap.table.state.filter((s) => s === AllocState.Used).length;
    expect(used).toBe(26343);
    const alt = await withSource(sharedPath('fixtures/heapgen/core.phase1.gz'), async (s) => walkGlibcHeap(await openCore(s), undefined, { tcache: 'thread-cached-free' }));
    expect(alt.table.state.filter((s) => s === AllocState.ThreadCachedFree).length).toBe(259);
    expect(alt.table.state.filter((s) => s === AllocState.Used).length).toBe(26343 - 259);
  });
});

/** An ELF64 core with one RW PT_LOAD holding `data` at `vaddr`, right after its headers. */
function coreWith(data: Uint8Array, vaddr: number): Uint8Array {
  return concatBytes([oneLoadCoreHeader(data.length, vaddr, 64 + 56), data]);
}

describe('glibc heap walk on cores without a usable heap', () => {
  it('a core with no malloc arena gives an empty table and a warning naming the file', async () => {
    const core = await openCore(new BytesSource('nomalloc.core', coreWith(new Uint8Array(1 << 16), 0x10000)));
    const heap = await walkGlibcHeap(core);
    expect(heap.table.rows).toBe(0);
    expect(heap.warnings).toEqual([{ file: 'nomalloc.core', message: expect.stringMatching(/no glibc malloc arena/) }]);
  });

  it('hostile memory (random words, fake heap_info with huge sizes) never crashes or hangs', async () => {
    const data = new Uint8Array(1 << 20);
    let x = 12345;
    for (let i = 0; i < data.length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      data[i] = x >>> 24;
    }
    const v = new DataView(data.buffer);
    // A fake first heap at 0x4000000: ar_ptr = heap + 0x20, size 0x80000, and a self-looping arena next.
    v.setBigUint64(0, 0x4000020n, true);
    v.setBigUint64(8, 0n, true);
    v.setBigUint64(16, 0x80000n, true);
    v.setBigUint64(24, 0x80000n, true);
    const core = await openCore(new BytesSource('hostile.core', coreWith(data, 0x4000000)));
    const heap = await walkGlibcHeap(core);
    expect(heap.table.rows).toBeLessThan(1000);
    for (const w of heap.warnings) expect(w.file).toBe('hostile.core');
  });
});
