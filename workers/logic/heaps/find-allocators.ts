/**
 * The allocator registry: every allocator module this version knows, run on a
 * core in order (base allocators, then layered ones), their allocations merged
 * into one table (`assemble.ts`), and one line saying what was found
 * ("glibc 2.36 malloc, 4 arenas", or "no allocator this version knows: …").
 * `formats/core/read-core.ts`, the CLI and the benchmarks call `findAllocations`.
 */
import { AllocationTableBuilder, type AllocationTable, type SizeColumn } from '../../../src/model/allocations.ts';
import type { AllocatorInfo, HeapRegionInfo } from '../../../src/model/heap-layout.ts';
import type { CoreFile } from '../formats/elf/core-file.ts';
import type { InputWarning } from '../io/errors.ts';
import type { ReadControl } from '../io/stream.ts';
import { isAbsent, type AllocatorClaim, type AllocatorFinder, type FindOptions, type HeapContribution } from './allocator.ts';
import { assemble, KeptAsIs } from './assemble.ts';
import { glibcContribution, glibcFinder, walkGlibc, type GlibcWalk } from './glibc/glibc.ts';
import { rowBatches } from './glibc/table.ts';
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

/**
 * Runs the finders, base allocators before layered ones (each layered one sees what was found below it): what each
 * found, in that order; why each of the others found nothing; and the warnings of those that found nothing.
 */
async function runFinders(core: CoreFile, finders: readonly AllocatorFinder[], ctl: ReadControl | undefined, opts: FindOptions): Promise<{ found: HeapContribution[]; absent: string[]; early: InputWarning[] }> {
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
  return { found, absent, early };
}

export async function findAllocations(core: CoreFile, ctl?: ReadControl, opts: FindOptions = {}, finders: readonly AllocatorFinder[] = FINDERS): Promise<FoundAllocations> {
  const { found, absent, early } = await runFinders(core, finders, ctl, opts);
  const a = assemble(core.name, found);
  const allocator = found.length ? a.allocators.map((x) => x.description).join('; ') : `no allocator this version knows: ${absent.join('; ')}`;
  const warnings = [...early, ...a.warnings];
  if (!found.length) warnings.push({ file: core.name, message: `${allocator}; the core lists no allocations` });
  return { table: a.table, allocator, allocators: a.allocators, regions: a.regions, claims: found.flatMap((c) => c.claims ?? []), contributions: found, warnings };
}

/** Rows of the merged table in address order, a batch at a time (views valid until the next batch). */
export interface AllocationBatch {
  length: number;
  addr: Float64Array;
  size: SizeColumn;
  state: Uint8Array;
}

/** What `findAllocationRows` found: the rows as a stream, and the table only when one had to be made. */
export interface FoundRows {
  allocator: string;
  warnings: InputWarning[];
  contributions: HeapContribution[];
  /** Rows of the merged table. */
  rows: number;
  /** The merged table's rows, in its order (may be read more than once). */
  batches: () => Iterable<AllocationBatch>;
  /** The merged table, when the rows were not streamed from the glibc walk. */
  table: AllocationTable | null;
}

/** A table's rows as batches of up to 65,536 (views of its columns; addresses combined into one reused array). */
export function* tableRowBatches(t: AllocationTable): Generator<AllocationBatch & { first: number }> {
  const N = 1 << 16;
  const addr = new Float64Array(N);
  for (let first = 0; first < t.rows; first += N) {
    const n = Math.min(N, t.rows - first);
    for (let i = 0; i < n; i++) addr[i] = t.addrHi[first + i] * 4294967296 + t.addrLo[first + i];
    yield { length: n, first, addr, size: t.size.subarray(first, first + n), state: t.state.subarray(first, first + n) };
  }
}

/** True when `assemble` would take a lone contribution's rows as they are (strictly increasing, none partly overlapping an earlier one). */
function streamMergesToItself(batches: Iterable<AllocationBatch>): boolean {
  const kept = new KeptAsIs();
  for (const b of batches) for (let j = 0; j < b.length; j++) if (!kept.add(b.addr[j], b.size[j])) return false;
  return true;
}

/**
 * `findAllocations` for a command that reads the rows once or twice in order (`heapscope list`, `attribute`):
 * when glibc is the only allocator and its rows need no merging, they are streamed from the walk's chunk store
 * (about 5 bytes a chunk) and no table is made; otherwise the table is made and assembled as `findAllocations`
 * does. The rows, their order, states and the warnings are the same either way.
 */
export async function findAllocationRows(core: CoreFile, ctl?: ReadControl, opts: FindOptions = {}): Promise<FoundRows> {
  let walk: GlibcWalk | null = null;
  const streamed: AllocatorFinder = {
    id: glibcFinder.id,
    layer: glibcFinder.layer,
    async find(c, ctx) {
      const w = await walkGlibc(c, ctx.ctl, ctx.opts);
      if (isAbsent(w)) return w;
      walk = w;
      // The table is made only if another allocator is found (see below).
      return { ...w.part, table: EMPTY_TABLE };
    },
  };
  const finders = FINDERS.map((f) => (f === glibcFinder ? streamed : f));
  const { found, absent, early } = await runFinders(core, finders, ctl, opts);
  const w = walk as GlibcWalk | null;
  if (w && found.length === 1 && streamMergesToItself(rowBatches(w.store, w.tcacheState))) {
    const part = found[0];
    return {
      allocator: part.info.description,
      warnings: [...early, ...part.warnings],
      contributions: found,
      rows: w.rows,
      batches: () => rowBatches(w.store, w.tcacheState),
      table: null,
    };
  }
  if (w) found[found.findIndex((c) => c.info.id === 'glibc')] = glibcContribution(w);
  const a = assemble(core.name, found);
  const allocator = found.length ? a.allocators.map((x) => x.description).join('; ') : `no allocator this version knows: ${absent.join('; ')}`;
  const warnings = [...early, ...a.warnings];
  if (!found.length) warnings.push({ file: core.name, message: `${allocator}; the core lists no allocations` });
  return { allocator, warnings, contributions: found, rows: a.table.rows, batches: () => tableRowBatches(a.table), table: a.table };
}

const EMPTY_TABLE: AllocationTable = new AllocationTableBuilder({ region: true }).freeze();
