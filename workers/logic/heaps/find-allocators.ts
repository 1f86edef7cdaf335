/**
 * The allocator registry: every allocator module this version knows, run on a
 * core in order (base allocators, then layered ones), their allocations merged
 * into one table (`assemble.ts`), and one line saying what was found
 * ("glibc 2.36 malloc, 4 arenas", or "no allocator this version knows: …").
 * `formats/core/read-core.ts`, the CLI and the benchmarks call `findAllocations`.
 */
import type { AllocationTable } from '../../../src/model/allocations.ts';
import type { AllocatorInfo, HeapRegionInfo } from '../../../src/model/heap-layout.ts';
import type { CoreFile } from '../formats/elf/core-file.ts';
import type { InputWarning } from '../io/errors.ts';
import type { ReadControl } from '../io/stream.ts';
import { isAbsent, type AllocatorClaim, type AllocatorFinder, type FindOptions, type HeapContribution } from './allocator.ts';
import { assemble } from './assemble.ts';
import { glibcFinder } from './glibc/glibc.ts';
import { jemallocFinder } from './jemalloc/jemalloc.ts';
import { tcmallocFinder } from './tcmalloc/tcmalloc.ts';
import { obmallocFinder } from './python/index.ts';

/** Every allocator module, in the order they run (base before layered). */
export const FINDERS: readonly AllocatorFinder[] = [glibcFinder, tcmallocFinder, jemallocFinder, obmallocFinder];

export interface FoundAllocations {
  table: AllocationTable;
  /** One line: the allocators found, or "no allocator this version knows: <reasons>". */
  allocator: string;
  allocators: AllocatorInfo[];
  regions: HeapRegionInfo[];
  /** Memory the allocators other than glibc claim, in order (for the leak analysis). */
  claims: AllocatorClaim[];
  /** Each allocator's own result, by id (for tests and tools). */
  contributions: HeapContribution[];
  warnings: InputWarning[];
}

export async function findAllocations(core: CoreFile, ctl?: ReadControl, opts: FindOptions = {}, finders: readonly AllocatorFinder[] = FINDERS): Promise<FoundAllocations> {
  const found: HeapContribution[] = [];
  const absent: string[] = [];
  const early: InputWarning[] = [];
  const ordered = [...finders.filter((f) => f.layer === 'base'), ...finders.filter((f) => f.layer === 'layered')];
  for (const f of ordered) {
    const r = await f.find(core, { ctl, opts, below: found });
    if (isAbsent(r)) {
      absent.push(r.absent);
      if (r.warnings) early.push(...r.warnings);
    } else found.push(r);
  }
  const a = assemble(core.name, found);
  const allocator = found.length ? a.allocators.map((x) => x.description).join('; ') : `no allocator this version knows: ${absent.join('; ')}`;
  const warnings = [...early, ...a.warnings];
  if (!found.length) warnings.push({ file: core.name, message: `${allocator}; the core lists no allocations` });
  return { table: a.table, allocator, allocators: a.allocators, regions: a.regions, claims: found.flatMap((c) => c.claims ?? []), contributions: found, warnings };
}
