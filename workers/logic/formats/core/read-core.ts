/**
 * The 'core' reader: an ELF core alone becomes the allocation table of its
 * heap, walked by every allocator module that finds itself in the core
 * (`heaps/find-allocators.ts`: glibc malloc, CPython's obmalloc, …; used/free exactly as chap lists
 * them), with region ids in the `region` column and the heap layout in `info`.
 */
import type { AllocationTable } from '../../../../src/model/allocations.ts';
import type { HeapLayoutInfo } from '../../../../src/model/heap-layout.ts';
import { openCore, type CoreFile } from '../elf/core-file.ts';
import type { InputWarning } from '../../io/errors.ts';
import type { ReadControl } from '../../io/stream.ts';
import type { ByteSource } from '../../io/source.ts';
import type { FindOptions } from '../../heaps/allocator.ts';
import { loadModules } from '../../symbols/modules.ts';
import { findAllocations, type FoundAllocations } from '../../heaps/find-allocators.ts';


export interface CoreReadResult {
  core: CoreFile;
  heap: FoundAllocations;
  table: AllocationTable;
  warnings: InputWarning[];
  info: HeapLayoutInfo;
}

/** Opens a core and walks its heap. The caller owns `result.core` (close it when done). */
export async function readCore(src: ByteSource, ctl?: ReadControl, opts?: FindOptions): Promise<CoreReadResult> {
  const core = await openCore(src, ctl);
  const heap = await findAllocations(core, ctl, opts);
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
  };
  return { core, heap, table: heap.table, warnings: [...core.warnings, ...heap.warnings], info };
}
