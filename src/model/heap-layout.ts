/**
 * What the heap walk of a core found: which allocators, their arenas and the
 * regions of memory holding allocations. Plain JSON (addresses as hex strings),
 * made by `workers/logic/heaps/find-allocators.ts`, shown by the heap view and
 * the input list, printed by the CLI, kept in saved analyses as the core
 * input's `info`.
 *
 * | field        | meaning                                                                      |
 * |--------------|------------------------------------------------------------------------------|
 * | arch         | 'x86-64', 'i386', 'aarch64' (ELF e_machine of the core)                      |
 * | pointerSize  | 8 or 4                                                                       |
 * | compression  | 'none', 'gzip', 'bzip2'                                                      |
 * | threads      | NT_PRSTATUS notes in the core                                                |
 * | mappedFiles  | NT_FILE entries                                                              |
 * | allocator    | one line saying what detection found: every allocator's `description`,     |
 * |              | joined with '; ', or "no allocator this version knows: …" with the reasons  |
 * | allocators   | one `AllocatorInfo` per allocator found, in the registry's order             |
 * | regions      | every region holding allocations; `id` is the table's `region` column value |
 * | modules      | files mapped into the process, one per ELF module, with its build-id when   |
 * |              | the core holds it (which binaries belong with this core)                     |
 */

export interface ArenaInfo extends UsedFree {
  /** Address of the arena's control structure (glibc `malloc_state`, jemalloc `arena_t`). */
  address: string;
  isMain: boolean;
  /** glibc: the arena's top chunk. */
  top?: string;
  /** Bytes the arena holds from the system (glibc `system_mem`). */
  size: number;
  /** glibc `max_system_mem`. */
  maxSize?: number;
}

export interface AllocatorInfo extends UsedFree {
  /** Registry id of the allocator module: 'glibc', 'tcmalloc', 'jemalloc', 'obmalloc', … */
  id: string;
  /** What detection found, one line: "glibc 2.36 malloc, 4 arenas", "tcmalloc 2.10", … */
  description: string;
  /** Version when the core tells it ("2.36"). */
  version?: string;
  /** Further facts for the heap view, in display order (layout chosen, safe-linking, caches, …). */
  facts: { label: string; value: string }[];
  /** Per-arena figures, when the allocator has arenas (glibc, jemalloc). */
  arenas?: ArenaInfo[];
  /** Rows of the table this allocator contributed, by state. */
}

export interface HeapRegionInfo extends UsedFree {
  /** 1-based; the value of the allocation table's `region` column. */
  id: number;
  /** `AllocatorInfo.id` of the allocator that owns it. */
  allocator: string;
  /** Allocator-specific: glibc 'main-arena' | 'heap' | 'mmapped'; tcmalloc 'span'; jemalloc 'extent'; … */
  kind: string;
  start: string;
  end: string;
  /** Address of the arena the region belongs to ('0x0' when none). */
  arena: string;
}

import type { PythonHeapInfo } from './python-heap.ts';
import type { UsedFree } from './allocations.ts';

export interface HeapLayoutInfo {
  arch: string;
  pointerSize: number;
  compression: string;
  threads: number;
  mappedFiles: number;
  allocator: string;
  allocators: AllocatorInfo[];
  regions: HeapRegionInfo[];
  modules?: { path: string; buildId: string | null }[];
  /** Python objects of a CPython process (types, advice, arenas): see python-heap.ts. */
  python?: PythonHeapInfo;
}

/**
 * The layout of a core input's `info`, also from analyses saved before
 * allocators were named (they had glibc's arenas at the top level); null when
 * `info` holds no heap layout.
 */
export function heapLayoutOf(info: Record<string, unknown> | undefined): HeapLayoutInfo | null {
  if (!info || !Array.isArray(info.regions)) return null;
  if (Array.isArray(info.allocators)) return info as unknown as HeapLayoutInfo;
  const old = info as { arenas?: ArenaInfo[]; mallocLayout?: string; regions: Omit<HeapRegionInfo, 'allocator'>[] };
  const regions = old.regions.map((r) => ({ ...r, allocator: 'glibc' }));
  const arenas = old.arenas ?? [];
  const sum = (k: 'usedCount' | 'usedBytes' | 'freeCount' | 'freeBytes'): number => regions.reduce((n, r) => n + r[k], 0);
  const glibc: AllocatorInfo = {
    id: 'glibc',
    description: `glibc malloc, ${arenas.length} arena${arenas.length === 1 ? '' : 's'}`,
    facts: old.mallocLayout ? [{ label: 'malloc_state layout', value: old.mallocLayout }] : [],
    arenas,
    usedCount: sum('usedCount'),
    usedBytes: sum('usedBytes'),
    freeCount: sum('freeCount'),
    freeBytes: sum('freeBytes'),
  };
  return {
    arch: String(info.arch ?? ''),
    pointerSize: Number(info.pointerSize ?? 8),
    compression: String(info.compression ?? 'none'),
    threads: Number(info.threads ?? 0),
    mappedFiles: Number(info.mappedFiles ?? 0),
    allocator: glibc.description,
    allocators: [glibc],
    regions,
  };
}
