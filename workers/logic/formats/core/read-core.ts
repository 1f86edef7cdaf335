/**
 * The 'core' reader: an ELF core alone becomes the allocation table of its
 * glibc malloc heap walk and, in a CPython process, obmalloc's blocks
 * (heaps/python/; used/free exactly as chap lists them), with arena and
 * mapping ids in the `region` column and a heap layout in `info`.
 */
import type { AllocationTable } from '../../../../src/model/allocations.ts';
import { openCore, type CoreFile } from '../elf/core-file.ts';
import type { InputWarning } from '../../io/errors.ts';
import type { ReadControl } from '../../io/stream.ts';
import type { ByteSource } from '../../io/source.ts';
import { walkGlibcHeap, type GlibcHeap, type WalkOptions } from '../../heaps/glibc/glibc.ts';
import { walkPythonHeap, type PythonHeap } from '../../heaps/python/index.ts';

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
  /** CPython's obmalloc, when the core is of a Python process (its arenas are regions of kind 'python-arena'). */
  python?: { module: string; arenaSize: number; poolSize: number; arenaStructArray: string; arenas: number; usedBlocks: number; freeBlocks: number };
}

export interface CoreReadResult {
  core: CoreFile;
  heap: GlibcHeap;
  python: PythonHeap;
  table: AllocationTable;
  warnings: InputWarning[];
  info: HeapLayoutInfo;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** Opens a core and walks its heap. The caller owns `result.core` (close it when done). */
export async function readCore(src: ByteSource, ctl?: ReadControl, opts?: WalkOptions): Promise<CoreReadResult> {
  const core = await openCore(src, ctl);
  const heap = await walkGlibcHeap(core, ctl, opts);
  const python = await walkPythonHeap(core, heap.table, heap.regions.length);
  const ob = python.obmalloc;
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
  if (ob) {
    ob.arenas.forEach((a, k) => {
      info.regions.push({ id: python.regionBase + k + 1, kind: 'python-arena', start: hex(a.address), end: hex(a.address + ob.info.arenaSize), arena: hex(a.address), usedCount: a.usedBlocks, usedBytes: a.usedBytes, freeCount: a.freeBlocks, freeBytes: a.freeBytes });
    });
    const usedBlocks = ob.arenas.reduce((n, a) => n + a.usedBlocks, 0);
    const freeBlocks = ob.arenas.reduce((n, a) => n + a.freeBlocks, 0);
    info.python = { module: ob.info.module, arenaSize: ob.info.arenaSize, poolSize: ob.info.poolSize, arenaStructArray: hex(ob.info.arenaStructArray), arenas: ob.arenas.length, usedBlocks, freeBlocks };
  }
  return { core, heap, python, table: python.table, warnings: [...core.warnings, ...heap.warnings, ...python.warnings], info };
}
