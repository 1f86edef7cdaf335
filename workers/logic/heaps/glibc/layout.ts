/**
 * glibc malloc's structures, computed from the three things that shape them:
 * the pointer size (SIZE_SZ), MALLOC_ALIGNMENT (2 × SIZE_SZ, except 16 on
 * i386 since glibc 2.26) and the glibc version's fields. From glibc's
 * malloc/malloc.c and malloc/arena.c:
 *
 *   struct malloc_state {
 *     __libc_lock_define (, mutex);   int flags;
 *     [int have_fastchunks;]                         // 2.27+
 *     mfastbinptr fastbinsY[NFASTBINS];               // pointer-aligned
 *     mchunkptr top, last_remainder;
 *     mchunkptr bins[NBINS * 2 - 2];                  // NBINS = 128
 *     unsigned int binmap[BINMAPSIZE];                // 4 ints
 *     struct malloc_state *next, *next_free;
 *     [INTERNAL_SIZE_T attached_threads;]             // 2.23+
 *     INTERNAL_SIZE_T system_mem, max_system_mem;
 *   };
 *   NFASTBINS = fastbin_index (request2size (80 * SIZE_SZ / 4)) + 1
 *             = 10, or 11 where MALLOC_ALIGNMENT is 16 with 4-byte pointers (i386 ≥ 2.26)
 *
 *   typedef struct _heap_info { mstate ar_ptr; struct _heap_info *prev; size_t size, mprotect_size;
 *     [size_t pagesize;]                              // 2.35+
 *     char pad[-N * SIZE_SZ & MALLOC_ALIGN_MASK]; }   // N = 6 before 2.35, 3 since
 *
 *   typedef struct tcache_perthread_struct {          // 2.26+
 *     uint16_t counts[64];  (char before 2.30)
 *     tcache_entry *entries[64]; }
 *
 * Which of these a core uses is derived from its data (discovery.ts), never assumed.
 */

export const NBINS = 128;
export const TCACHE_MAX_BINS = 64;
/** av->flags bit: the main arena's memory is not one contiguous brk range (brk failed and mmap took over). */
export const NONCONTIGUOUS_BIT = 2;

/** What MALLOC_ALIGNMENT and SIZE_SZ make of chunk sizes. */
export interface ChunkParams {
  word: number;
  /** MALLOC_ALIGNMENT. */
  align: number;
  /** MINSIZE: the smallest chunk. */
  minSize: number;
  /** NFASTBINS. */
  nfastbins: number;
}

export function chunkParams(word: number, align: number): ChunkParams {
  const mask = align - 1;
  const request2size = (n: number): number => Math.max((n + word + mask) & ~mask, (4 * word + mask) & ~mask);
  const shift = word === 8 ? 4 : 3;
  const nfastbins = (request2size((80 * word) / 4) >>> shift) - 2 + 1;
  return { word, align, minSize: (4 * word + mask) & ~mask, nfastbins };
}

/** Chunk size held by fastbin `i` (fastbin_index inverted). */
export function fastbinChunkSize(word: number, i: number): number {
  return (i + 2) << (word === 8 ? 4 : 3);
}

/** Chunk size held by tcache bin `i`. */
export function tcacheChunkSize(p: ChunkParams, i: number): number {
  return p.minSize + i * p.align;
}

/** The first chunk at or after `addr` whose user memory (chunk + 2 words) is MALLOC_ALIGNMENT-aligned. */
export function firstChunkAt(addr: number, p: ChunkParams): number {
  const mis = (addr + 2 * p.word) % p.align;
  return mis ? addr + p.align - mis : addr;
}

/** Offsets (bytes from the arena address) of one malloc_state layout. */
export interface ArenaLayout {
  params: ChunkParams;
  /** glibc >= 2.27: `have_fastchunks` before the fastbins. */
  haveFastchunks: boolean;
  /** glibc >= 2.23: `attached_threads` before system_mem. */
  attachedThreads: boolean;
  flags: number;
  fastbins: number;
  top: number;
  bins: number;
  next: number;
  nextFree: number;
  systemMem: number;
  maxSystemMem: number;
  /** sizeof(struct malloc_state). */
  size: number;
  /** Which glibc versions have it, e.g. "glibc 2.27+ layout". */
  name: string;
}

export function arenaLayout(word: number, align: number, haveFastchunks: boolean, attachedThreads: boolean): ArenaLayout {
  const params = chunkParams(word, align);
  const ints = haveFastchunks ? 3 : 2;
  const fastbins = Math.ceil((4 * ints) / word) * word;
  const top = fastbins + params.nfastbins * word;
  const bins = top + 2 * word;
  const next = bins + (NBINS * 2 - 2) * word + 16;
  const systemMem = next + (attachedThreads ? 3 : 2) * word;
  const name = haveFastchunks ? 'glibc 2.27+ layout' : attachedThreads ? 'glibc 2.23–2.26 layout' : 'glibc ≤ 2.22 layout';
  return { params, haveFastchunks, attachedThreads, flags: 4, fastbins, top, bins, next, nextFree: next + word, systemMem, maxSystemMem: systemMem + word, size: systemMem + 2 * word, name };
}

/**
 * Every malloc_state layout glibc has used for a pointer size, newest first:
 * 2.27+ (have_fastchunks), 2.23–2.26 (attached_threads), ≤ 2.22; on 4-byte
 * pointers each with MALLOC_ALIGNMENT 16 (i386 ≥ 2.26) and 8 (older, other 32-bit).
 */
export function arenaLayouts(word: number): ArenaLayout[] {
  const aligns = word === 8 ? [16] : [16, 8];
  const out: ArenaLayout[] = [];
  for (const [hfc, att] of [
    [true, true],
    [false, true],
    [false, false],
  ] as const) {
    for (const a of aligns) out.push(arenaLayout(word, a, hfc, att));
  }
  return out;
}

/** sizeof(heap_info) candidates: before 2.35 and since (the pagesize field), for MALLOC_ALIGNMENT `align`. */
export function heapInfoSizes(word: number, align: number): number[] {
  const pad = (n: number): number => (((-n * word) % align) + align) % align;
  return [...new Set([4 * word + pad(6), 5 * word + pad(3)])];
}

/** HEAP_MAX_SIZE's default: 2 × DEFAULT_MMAP_THRESHOLD_MAX (64 MiB on 64-bit, 1 MiB on 32-bit). */
export function defaultHeapMaxSize(word: number): number {
  return word === 8 ? 0x4000000 : 0x100000;
}

/** Chunk sizes of `tcache_perthread_struct`: uint16 counts since 2.30, char counts 2.26–2.29. */
export function tcacheChunkSizes(p: ChunkParams): { chunk: number; countBytes: number }[] {
  const mask = p.align - 1;
  return [2, 1].map((countBytes) => ({
    chunk: Math.max(p.minSize, (TCACHE_MAX_BINS * countBytes + TCACHE_MAX_BINS * p.word + p.word + mask) & ~mask),
    countBytes,
  }));
}
