/**
 * The 'core' reader: an ELF core alone becomes the allocation table of its
 * glibc malloc heap walk (used/free exactly as chap lists them), with arena
 * and mapping ids in the `region` column and a heap layout in `info`.
 */
import type { AllocationTable } from '../../../../src/model/allocations.ts';
import { openCore, type CoreFile } from '../elf/core-file.ts';
import type { InputWarning } from '../../io/errors.ts';
import type { ReadControl } from '../../io/stream.ts';
import type { ByteSource } from '../../io/source.ts';
import { walkGlibcHeap, type GlibcHeap, type WalkOptions } from '../../heaps/glibc/glibc.ts';

/** Plain-JSON heap layout for the views: per arena and per region (heap / main arena pages / mmapped chunks). */
export interface HeapLayoutInfo {
  arch: string;
  pointerSize: number;
  compression: string;
  threads: number;
  mappedFiles: number;
  mallocLayout: GlibcHeap['layout'];
  mainArena: string;
  safeLinking: boolean;
  fastbinFree: number;
  /** Chunks in thread caches (listed as used, as chap does). */
  tcacheEntries: number;
  arenas: { address: string; isMain: boolean; top: string; size: number; maxSize: number; usedCount: number; usedBytes: number; freeCount: number; freeBytes: number }[];
  /** `id` is the value of the table's `region` column. */
  regions: { id: number; kind: string; start: string; end: string; arena: string; usedCount: number; usedBytes: number; freeCount: number; freeBytes: number }[];
}

export interface CoreReadResult {
  core: CoreFile;
  heap: GlibcHeap;
  table: AllocationTable;
  warnings: InputWarning[];
  info: HeapLayoutInfo;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** Opens a core and walks its heap. The caller owns `result.core` (close it when done). */
export async function readCore(src: ByteSource, ctl?: ReadControl, opts?: WalkOptions): Promise<CoreReadResult> {
  const core = await openCore(src, ctl);
  const heap = await walkGlibcHeap(core, ctl, opts);
  const info: HeapLayoutInfo = {
    arch: core.arch,
    pointerSize: core.pointerSize,
    compression: core.compression,
    threads: core.threads.length,
    mappedFiles: core.files.length,
    mallocLayout: heap.layout,
    mainArena: hex(heap.mainArena),
    safeLinking: heap.safeLinking,
    fastbinFree: heap.fastbinFree,
    tcacheEntries: heap.tcacheFree,
    arenas: heap.arenas.map((a) => ({ ...a, address: hex(a.address), top: hex(a.top) })),
    regions: heap.regions.map((r) => ({ ...r, start: hex(r.start), end: hex(r.end), arena: hex(r.arena) })),
  };
  return { core, heap, table: heap.table, warnings: [...core.warnings, ...heap.warnings], info };
}
