/**
 * The 'core' reader: an ELF core alone becomes the allocation table of its
 * heap, walked by every allocator module that finds itself in the core
 * (`heaps/find-allocators.ts`: glibc malloc, CPython's obmalloc, …; used/free exactly as chap lists
 * them), with region ids in the `region` column and the heap layout in `info`. In a CPython process the
 * Python objects stage (`heaps/python/analyse.ts`) names each object's type in the `type` column and
 * puts the types table, the advice and the arenas in `info.python`.
 */
import type { AllocationTable } from '../../../../src/model/allocations.ts';
import { HeapWords, type SeenHeapWords } from '../../leaks/heap-words.ts';
import { ModuleWords, type SeenWords } from '../../aggregate/module-words.ts';
import type { HeapLayoutInfo } from '../../../../src/model/heap-layout.ts';
import { openCore, type CoreFile } from '../elf/core-file.ts';
import type { InputWarning } from '../../io/errors.ts';
import type { ReadControl } from '../../io/stream.ts';
import type { ByteSource } from '../../io/source.ts';
import type { FindOptions } from '../../heaps/allocator.ts';
import { loadModules, type ModuleMap } from '../../symbols/modules.ts';
import { findAllocationRows, findAllocations, tableRowBatches, type FoundAllocations, type FoundRows } from '../../heaps/find-allocators.ts';
import { analysePython, obmallocOf, type OpenMappedFile, type PythonAnalysis } from '../../heaps/python/analyse.ts';


export interface CoreReadResult {
  core: CoreFile;
  heap: FoundAllocations;
  /** Python objects, when the core is of a CPython process whose obmalloc was found. */
  python: PythonAnalysis | null;
  table: AllocationTable;
  warnings: InputWarning[];
  info: HeapLayoutInfo;
  /** With `moduleWords`: the words pointing into mapped files that the heap walk's reads held (class names' candidates). */
  moduleWords?: SeenWords;
  /** With `heapWords`: the words that may point into the heap that the walk's reads held (the reference graph's candidates). */
  heapWords?: SeenHeapWords;
  /** The core's mapped modules without binaries (`loadModules(core)`): what names them when no binaries are given. */
  modules: ModuleMap;
}

export interface ReadCoreOptions extends FindOptions {
  /** Opens a file mapped in the process, for bytes the core lacks (CPython's static type names). */
  openMappedFile?: OpenMappedFile;
  /**
   * Keep the words pointing into mapped files from the memory the heap walk reads (`aggregate/module-words.ts`), so
   * that class names need not read the heap again (what a session that names classes asks for).
   */
  moduleWords?: boolean;
  /**
   * Keep the words that may point into the heap from the memory the walk reads (`leaks/heap-words.ts`), so that the
   * reference graph need not read the heap again: 'compressed' when the core is compressed (reading it again decodes
   * it again: the leak sets of the bench core's .gz took 2.5 s instead of 1.0 s in the browser; a plain core's second
   * read costs about what keeping its words costs the walk), 'always' for any core. What a command or session that
   * computes the leak sets asks for.
   */
  heapWords?: 'compressed' | 'always';
}

/** Opens a core and walks its heap. The caller owns `result.core` (close it when done). */
export async function readCore(src: ByteSource, ctl?: ReadControl, opts?: ReadCoreOptions): Promise<CoreReadResult> {
  const core = await openCore(src, ctl);
  // The heap walk (finding the allocators, then walking their heaps): its size is known once the heaps are found.
  ctl?.onProgress?.({ file: src.name, bytesRead: 0, totalBytes: 0, stage: 'walk', unit: 'bytes' });
  const seen = opts?.moduleWords ? new ModuleWords(core.files, core.pointerSize) : null;
  const heapSeen = opts?.heapWords === 'always' || (opts?.heapWords === 'compressed' && core.compression !== 'none') ? new HeapWords(core.segments, core.pointerSize) : null;
  if (seen && heapSeen) {
    core.watch((addr, bytes) => {
      seen.observe(addr, bytes);
      heapSeen.observe(addr, bytes);
    });
  } else if (seen ?? heapSeen) core.watch((seen ?? heapSeen)!.observe);
  let heap: FoundAllocations;
  try {
    heap = await findAllocations(core, ctl, opts);
  } finally {
    core.watch(null);
  }
  const moduleWords = seen?.done();
  const heapWords = heapSeen?.done();
  const ob = obmallocOf(heap.contributions);
  const python = ob ? await analysePython(core, heap.table, ob, opts?.openMappedFile) : null;
  const mapped = await loadModules(core);
  const info: HeapLayoutInfo = {
    arch: core.arch,
    pointerSize: core.pointerSize,
    compression: core.compression,
    threads: core.threads.length,
    mappedFiles: core.files.length,
    allocator: heap.allocator,
    allocators: heap.allocators,
    regions: heap.regions,
    modules: mapped.modules.map((m) => ({ path: m.path, buildId: m.buildId })),
    ...(python ? { python: python.info } : {}),
  };
  return { core, heap, python, table: python?.table ?? heap.table, warnings: [...core.warnings, ...heap.warnings, ...(python?.warnings ?? [])], info, modules: mapped, ...(moduleWords ? { moduleWords } : {}), ...(heapWords ? { heapWords } : {}) };
}

export interface CoreRows {
  core: CoreFile;
  rows: FoundRows;
  /** As `readCore`'s. */
  warnings: InputWarning[];
}

/**
 * `readCore` for a command that reads the rows in order and nothing else (`heapscope list --used`): a glibc heap's
 * rows are streamed from its walk, no table made (`findAllocationRows`). A core with CPython's obmalloc is read as
 * `readCore` reads it (its objects named), its table streamed. The caller owns `result.core`.
 */
export async function readCoreRows(src: ByteSource, ctl?: ReadControl, opts?: ReadCoreOptions): Promise<CoreRows> {
  const core = await openCore(src, ctl);
  ctl?.onProgress?.({ file: src.name, bytesRead: 0, totalBytes: 0, stage: 'walk', unit: 'bytes' });
  const rows = await findAllocationRows(core, ctl, opts);
  const ob = obmallocOf(rows.contributions);
  const python = ob && rows.table ? await analysePython(core, rows.table, ob, opts?.openMappedFile) : null;
  if (python) {
    const t = python.table;
    rows.table = t;
    rows.rows = t.rows;
    rows.batches = () => tableRowBatches(t);
  }
  return { core, rows, warnings: [...core.warnings, ...rows.warnings, ...(python?.warnings ?? [])] };
}
