/**
 * glibc malloc in a core, as chap lists it: the glibc finder of the allocator
 * registry. The steps, one module each:
 *   discovery.ts  heaps, the malloc_state layout derived from the data, arenas, HEAP_MAX_SIZE
 *   runs.ts       where the main arena's chunks are (one brk run, or several after brk failed)
 *   walk.ts       the chunk walk of heaps and runs, mmapped chunks
 *   free-lists.ts fastbins (free) and tcache entries (counted; listed used, as chap does)
 *   table.ts      rows → the allocation table
 * Never throws for odd heaps: problems become warnings (one per kind, with a
 * count) and the walk keeps what it could read. Only CancelledError is thrown.
 */
import { groupDigits } from '../../aggregate/digits.ts';
import { AllocationTableBuilder, AllocState, type AllocationTable } from '../../../../src/model/allocations.ts';
import type { HeapRegionInfo } from '../../../../src/model/heap-layout.ts';
import type { CoreFile } from '../../formats/elf/core-file.ts';
import type { InputWarning } from '../../io/errors.ts';
import type { ReadControl } from '../../io/stream.ts';
import { isAbsent, type Absent, type AllocatorFinder, type FindOptions, type HeapContribution } from '../allocator.ts';
import { assemble } from '../assemble.ts';
import { discover } from './discovery.ts';
import { FreeLists } from './free-lists.ts';
import { hex, Mem, type Range } from './memory.ts';
import { mainArenaRuns } from './runs.ts';
import type { ChunkStore } from './chunk-store.ts';
import { backwardRows, buildTable, gather } from './table.ts';
import { glibcVersion } from './version.ts';
import { findMmapped, mainRunWalker, walkArenas, WalkProgress, type RegionKind } from './walk.ts';

export type WalkOptions = FindOptions;

/** One malloc arena with what the walk found in it (chap's `describe arenas`). */
export interface ArenaSummary {
  address: number;
  isMain: boolean;
  top: number;
  /** system_mem and max_system_mem of the arena. */
  size: number;
  maxSize: number;
  usedCount: number;
  usedBytes: number;
  freeCount: number;
  freeBytes: number;
}

/** A range of memory holding allocations: a heap, a main-arena run, or mmapped chunks of one segment. */
export interface HeapRegion {
  /** 1-based id, stored in the table's `region` column. */
  id: number;
  kind: RegionKind;
  start: number;
  end: number;
  /** Arena address (0 for mmapped chunks). */
  arena: number;
  usedCount: number;
  usedBytes: number;
  freeCount: number;
  freeBytes: number;
}

export interface GlibcHeap extends GlibcDetail {
  table: AllocationTable;
  arenas: ArenaSummary[];
  regions: HeapRegion[];
  warnings: InputWarning[];
}

/** What the glibc walk found, beside its rows (tests, benchmarks, the leak analysis). */
export interface GlibcDetail {
  mainArena: number;
  layout: 'glibc<2.27' | 'glibc>=2.27' | 'unknown';
  /** The derived malloc_state layout, e.g. "glibc 2.27+ layout". */
  layoutName: string;
  /** Offset of system_mem in malloc_state (chap clears static anchors up to it). */
  systemMemOffset: number;
  /** MALLOC_ALIGNMENT and NFASTBINS of the layout. */
  mallocAlignment: number;
  nfastbins: number;
  heapInfoSize: number;
  heapMaxSize: number;
  /** Chunks found on fastbin lists (free) and in tcaches. */
  fastbinFree: number;
  tcacheFree: number;
  safeLinking: boolean;
}

/** The glibc contribution before its table: its rows are in the chunk store, streamed or made a table. */
export interface GlibcWalk {
  part: Omit<HeapContribution<GlibcDetail>, 'table'>;
  store: ChunkStore;
  /** State of tcache entries. */
  tcacheState: AllocState;
  /** Rows listed (the store's, less those going backwards). */
  rows: number;
}

/**
 * Walks the glibc malloc heap of `core`: every arena, heap, main-arena run and
 * mmapped chunk, into a chunk store (no table yet).
 */
export async function walkGlibc(core: CoreFile, ctl?: ReadControl, opts: WalkOptions = {}): Promise<GlibcWalk | Absent> {
  const mem = new Mem(core, ctl);
  const infra = await discover(mem);
  if (!infra) return { absent: 'no glibc malloc arena was found (no malloc_state in writable memory)', warnings: mem.warnings() };
  if (!infra.mainArena) mem.warn('the main arena was not found; only thread arenas and mmapped chunks are listed');
  const claimed: Range[] = [];
  for (const h of infra.heaps.values()) claimed.push({ start: h.start, end: h.start + infra.heapMax });
  for (const f of core.files) claimed.push({ start: f.start, end: f.end });
  const progress = new WalkProgress(mem);
  const runs = infra.mainArena ? await mainArenaRuns(mem, infra.layout, infra.arenas.get(infra.mainArena)!, claimed, mainRunWalker(mem, infra, progress)) : [];
  const walked = await walkArenas(mem, infra, runs, progress);
  for (const r of walked) claimed.push({ start: r.region.start, end: r.region.end });
  walked.push(...(await findMmapped(mem, infra.layout.params, claimed)));

  const g = gather(walked);
  const lists = new FreeLists(mem, infra, g);
  const fast = await lists.fastbins();
  const tcache = await lists.tcaches();
  const backwards = backwardRows(g);
  if (backwards) mem.warn(`${groupDigits(backwards)} chunk(s) lie at or below an earlier one (overlapping heap regions) and are not listed`);

  const l = infra.layout;
  const layout: GlibcDetail['layout'] = l.haveFastchunks ? 'glibc>=2.27' : 'glibc<2.27';
  const arenas = [...infra.arenas.values()].sort((x, y) => x.address - y.address);
  const version = await glibcVersion(core);
  const mainRuns = runs.length;
  const facts = [
    { label: 'malloc_state layout', value: layout },
    { label: 'derived layout', value: `${l.name}, MALLOC_ALIGNMENT ${l.params.align}, NFASTBINS ${l.params.nfastbins}, heap_info ${infra.heapInfoSize} bytes, HEAP_MAX_SIZE ${hex(infra.heapMax)}` },
    { label: 'main arena', value: hex(infra.mainArena) },
    ...(mainRuns > 1 ? [{ label: 'main arena runs', value: String(mainRuns) }] : []),
    ...(version ? [{ label: 'version from', value: version.source }] : []),
    { label: 'safe-linking', value: lists.safeLinking ? 'yes' : 'no' },
    { label: 'fastbin chunks', value: groupDigits(fast) },
    { label: 'tcache entries', value: groupDigits(tcache) },
  ];
  return {
    store: g,
    tcacheState: opts.tcache === 'thread-cached-free' ? AllocState.ThreadCachedFree : AllocState.Used,
    rows: g.length - backwards,
    part: {
      info: {
        id: 'glibc',
        description: `glibc${version ? ` ${version.version}` : ''} malloc, ${arenas.length} arena${arenas.length === 1 ? '' : 's'}`,
        ...(version ? { version: version.version } : {}),
        facts,
      },
      regions: g.regions.map((r) => ({ kind: r.kind, start: r.start, end: r.end, arena: r.arena })),
      arenas: arenas.map((a) => ({ address: a.address, isMain: a.isMain, top: a.top, size: a.size, maxSize: a.maxSize })),
      warnings: mem.warnings(),
      detail: {
        mainArena: infra.mainArena,
        layout,
        layoutName: l.name,
        systemMemOffset: l.systemMem,
        mallocAlignment: l.params.align,
        nfastbins: l.params.nfastbins,
        heapInfoSize: infra.heapInfoSize,
        heapMaxSize: infra.heapMax,
        fastbinFree: fast,
        tcacheFree: tcache,
        safeLinking: lists.safeLinking,
      },
    },
  };
}

/** The contribution of a glibc walk, its table built from the store. */
export function glibcContribution(w: GlibcWalk): HeapContribution<GlibcDetail> {
  return { ...w.part, table: buildTable(w.store, w.tcacheState, w.rows) };
}

/** Walks the glibc malloc heap of `core` as a contribution to the registry (with its table). */
export async function findGlibc(core: CoreFile, ctl?: ReadControl, opts: WalkOptions = {}): Promise<HeapContribution<GlibcDetail> | Absent> {
  const w = await walkGlibc(core, ctl, opts);
  return isAbsent(w) ? w : glibcContribution(w);
}

/** The glibc finder for the allocator registry. */
export const glibcFinder: AllocatorFinder = {
  id: 'glibc',
  layer: 'base',
  find: (core, ctx) => findGlibc(core, ctx.ctl, ctx.opts),
};

const EMPTY_DETAIL: GlibcDetail = {
  mainArena: 0,
  layout: 'unknown',
  layoutName: 'unknown',
  systemMemOffset: 0,
  mallocAlignment: 0,
  nfastbins: 0,
  heapInfoSize: 0,
  heapMaxSize: 0,
  fastbinFree: 0,
  tcacheFree: 0,
  safeLinking: false,
};

/**
 * The glibc walk alone, assembled into a table with per-arena and per-region
 * tallies (tests, benchmarks). Callers that want every allocator use
 * `findAllocations` (../find-allocators.ts).
 */
export async function walkGlibcHeap(core: CoreFile, ctl?: ReadControl, opts: WalkOptions = {}): Promise<GlibcHeap> {
  const r = await findGlibc(core, ctl, opts);
  if (isAbsent(r)) {
    return {
      ...EMPTY_DETAIL,
      table: new AllocationTableBuilder({ region: true }).freeze(),
      arenas: [],
      regions: [],
      warnings: [...(r.warnings ?? []), { file: core.name, message: `${r.absent}; it lists no allocations` }],
    };
  }
  const a = assemble(core.name, [r]);
  const n = (s: string): number => parseInt(s, 16);
  return {
    ...r.detail,
    table: a.table,
    arenas: (a.allocators[0].arenas ?? []).map((x) => ({ ...x, address: n(x.address), top: n(x.top ?? '0'), maxSize: x.maxSize ?? 0 })),
    regions: a.regions.map((g) => regionOf(g)),
    warnings: a.warnings,
  };
}

function regionOf(g: HeapRegionInfo): HeapRegion {
  const n = (s: string): number => parseInt(s, 16);
  return { id: g.id, kind: g.kind as RegionKind, start: n(g.start), end: n(g.end), arena: n(g.arena), usedCount: g.usedCount, usedBytes: g.usedBytes, freeCount: g.freeCount, freeBytes: g.freeBytes };
}

/**
 * glibc's part of what the registry found, in the glibc walk's terms (numeric
 * regions with their ids in the merged table, main arena, layout); undefined
 * when the core has no glibc heap. The leak analysis claims chap's libc ranges from it.
 */
export function glibcLayoutOf(found: { regions: readonly HeapRegionInfo[]; contributions: readonly HeapContribution[] }): Pick<GlibcHeap, 'regions' | 'mainArena' | 'layout' | 'systemMemOffset' | 'heapMaxSize'> | undefined {
  const part = found.contributions.find((c) => c.info.id === 'glibc') as HeapContribution<GlibcDetail> | undefined;
  if (!part) return undefined;
  const regions = found.regions.filter((g) => g.allocator === 'glibc').map(regionOf);
  return { regions, mainArena: part.detail.mainArena, layout: part.detail.layout, systemMemOffset: part.detail.systemMemOffset, heapMaxSize: part.detail.heapMaxSize };
}
