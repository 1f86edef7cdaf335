/**
 * Field offsets of glibc malloc's structures, derived from the pointer size
 * and the one layout choice that changed across versions (glibc 2.27 added
 * `have_fastchunks` before `fastbinsY`, moving every later field by one word
 * on x86-64). See glibc malloc/malloc.c (`struct malloc_state`,
 * `tcache_perthread_struct`) and malloc/arena.c (`heap_info`).
 *
 *   struct malloc_state {
 *     int mutex; int flags; [int have_fastchunks;]   // 2.27+
 *     mfastbinptr fastbinsY[NFASTBINS];               // NFASTBINS = 10
 *     mchunkptr top; mchunkptr last_remainder;
 *     mchunkptr bins[NBINS * 2 - 2];                  // NBINS = 128
 *     unsigned int binmap[BINMAPSIZE];                // 4 ints
 *     struct malloc_state *next, *next_free;
 *     INTERNAL_SIZE_T attached_threads, system_mem, max_system_mem;
 *   };
 */

export const NFASTBINS = 10;
export const NBINS = 128;
export const TCACHE_MAX_BINS = 64;

/** Offsets (bytes from the arena address) for one malloc_state layout. */
export interface ArenaLayout {
  word: number;
  /** True for glibc >= 2.27 (have_fastchunks present). */
  haveFastchunks: boolean;
  fastbins: number;
  top: number;
  bins: number;
  next: number;
  systemMem: number;
  maxSystemMem: number;
  /** sizeof(struct malloc_state). */
  size: number;
}

/** The two malloc_state layouts for a pointer size, newest first. */
export function arenaLayouts(word: number): ArenaLayout[] {
  return [true, false].map((haveFastchunks) => {
    const ints = haveFastchunks ? 12 : 8;
    const fastbins = Math.ceil(ints / word) * word;
    const top = fastbins + NFASTBINS * word;
    const bins = top + 2 * word;
    const next = bins + (NBINS * 2 - 2) * word + 16;
    const systemMem = next + 3 * word;
    return { word, haveFastchunks, fastbins, top, bins, next, systemMem, maxSystemMem: systemMem + word, size: systemMem + 2 * word };
  });
}

/** HEAP_MAX_SIZE: alignment and reservation of a non-main heap (64 MiB on 64-bit, 1 MiB on 32-bit). */
export function heapMaxSize(word: number): number {
  return word === 8 ? 0x4000000 : 0x100000;
}

/** Chunk sizes of `tcache_perthread_struct` (uint16 counts since 2.30, char counts 2.26–2.29). */
export function tcacheChunkSizes(word: number): { chunk: number; countBytes: number }[] {
  const align = (n: number): number => Math.ceil(n / 16) * 16;
  return [2, 1].map((countBytes) => ({
    chunk: align(TCACHE_MAX_BINS * countBytes + TCACHE_MAX_BINS * word + word),
    countBytes,
  }));
}
