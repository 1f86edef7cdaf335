/**
 * The contract between the allocator registry (`find-allocators.ts`) and each
 * allocator module (`glibc/`, `tcmalloc/`, `jemalloc/`, a Python obmalloc
 * module, …). See README.md in this folder.
 */
import type { AllocationTable } from '../../../src/model/allocations.ts';
import type { AllocatorInfo } from '../../../src/model/heap-layout.ts';
import type { CoreFile } from '../formats/elf/core-file.ts';
import type { InputWarning } from '../io/errors.ts';
import type { ReadControl } from '../io/stream.ts';

/** Options for every finder (each reads what concerns it). */
export interface FindOptions {
  /**
   * State given to blocks sitting in a per-thread cache. By default each
   * allocator lists them as chap does: glibc's tcache entries and tcmalloc's
   * thread-cache and transfer-slot objects as Used; jemalloc's tcache regions
   * (chap does not read jemalloc) as ThreadCachedFree. 'thread-cached-free'
   * or 'used' chooses for every allocator.
   */
  tcache?: 'used' | 'thread-cached-free';
}

/** A range of memory holding a finder's allocations (a glibc heap, a tcmalloc span run, a jemalloc extent, …). */
export interface RegionSpec {
  /** Allocator-specific kind, shown in the heap view ('main-arena', 'heap', 'mmapped', …). */
  kind: string;
  start: number;
  end: number;
  /** Address of the arena it belongs to, 0 when none. */
  arena: number;
}

/** An arena of the allocator; its used/free tallies are summed by the registry from the regions naming it. */
export interface ArenaSpec {
  address: number;
  isMain: boolean;
  top?: number;
  size: number;
  maxSize?: number;
}

/** What one allocator found in a core. */
export interface HeapContribution<Detail = unknown> {
  /** Detection: id, one-line description, version, facts (counts are filled in by the registry). */
  info: Omit<AllocatorInfo, 'usedCount' | 'usedBytes' | 'freeCount' | 'freeBytes' | 'arenas'>;
  /**
   * Its allocations in strictly increasing address order, `state` final (Used,
   * Free, ThreadCachedFree), `region` = 1-based index into `regions` (0 = none).
   */
  table: AllocationTable;
  regions: RegionSpec[];
  arenas?: ArenaSpec[];
  warnings: InputWarning[];
  /**
   * Memory the allocator owns, in the order chap's finder claims it (its
   * VirtualMemoryPartition ClaimRange calls): the leak analysis takes it out
   * of the static anchor candidates. glibc's are made from its regions by
   * leaks/glibc-claims.ts instead.
   */
  claims?: AllocatorClaim[];
  /** Allocator-specific results for tests and tools (e.g. the glibc walk's arena summaries). */
  detail: Detail;
}

export interface AllocatorClaim {
  start: number;
  size: number;
  label: string;
}

/** A finder that did not find its allocator says why, in a few words ("no malloc_state in writable memory"). */
export interface Absent {
  absent: string;
  warnings?: InputWarning[];
}

export interface FinderContext {
  ctl?: ReadControl;
  opts: FindOptions;
  /**
   * Contributions of the finders that ran before this one. A layered finder
   * (one whose blocks live inside another allocator's allocations or mappings,
   * as CPython's obmalloc arenas live in glibc chunks or mmapped memory) reads
   * them to find its containers.
   */
  below: readonly HeapContribution[];
}

export interface AllocatorFinder {
  /** 'glibc', 'tcmalloc', 'jemalloc', 'obmalloc', … (`AllocatorInfo.id`). */
  readonly id: string;
  /**
   * 'base': owns memory it got from the system (glibc, tcmalloc, jemalloc);
   * 'layered': subdivides allocations or mappings of base allocators. Layered
   * finders run after every base finder.
   */
  readonly layer: 'base' | 'layered';
  /**
   * Detects the allocator in `core` and walks it. Never throws for odd memory
   * (problems are warnings); throws only `CancelledError`.
   */
  find(core: CoreFile, ctx: FinderContext): Promise<HeapContribution | Absent>;
}

export function isAbsent<T extends object>(r: T | Absent): r is Absent {
  return 'absent' in r;
}
