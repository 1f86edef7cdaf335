/**
 * Derived data of the analysis, computed in the workers: one layer of hooks the
 * views call instead of calling the workers themselves. Each result is stored
 * under a key naming everything it is derived from (a snapshot's uid and table
 * version, the view's parameters): the key is the generation token — a view
 * shows only the result stored under its current key, so an answer that arrives
 * late for an older key never shows — and recent results stay cached, so
 * switching views back is instant (the cache: `derived-cache.ts`).
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { Hierarchy } from '../model/hierarchy.ts';
import type { AnalysisSummary } from '../../workers/logic/aggregate/summary.ts';
import type { Totals } from '../../workers/logic/aggregate/totals.ts';
import type { MapRange, RangeRow } from '../../workers/logic/aggregate/heap-map.ts';
import type { CompareBy } from '../../workers/logic/diff/compare.ts';
import type { CompareViewData } from '../../workers/logic/diff/view.ts';
import type { MeliaeSummary } from '../../workers/logic/graph/meliae-summary.ts';
import type { ObjectDesc, ObjectDetails } from '../../workers/logic/graph/views.ts';
import type { TraceFilter } from '../../workers/logic/python/filters-types.ts';
import type { KeyType } from '../../workers/logic/python/filters-types.ts';
import type { PyRow } from '../../workers/logic/python/views.ts';
import type { InspectPage, InspectResult } from '../../workers/logic/session/core-session.ts';
import type { Metric } from '../model/hierarchy.ts';
import type { LeakExplanation } from '../model/leaks.ts';
import type { SavedAnalysis } from '../model/saved.ts';
import type { Transform } from '../model/transforms.ts';
import { aggregatorApi, coreApi } from '../pipeline/workers.ts';
import type { SideOption } from './compare.ts';
import type { SetName } from '../../workers/logic/leaks/chap-sets.ts';
import type { LeakAllocationRow, LeakGroupBy, LeakTree, SetFigures } from '../../workers/logic/leaks/leak-view.ts';
import type { SnapshotState } from './snapshots.ts';
import { DerivedCache, type Derived } from './derived-cache.ts';
import { setRecent } from './lru.ts';

export type { Derived } from './derived-cache.ts';

const cache = new DerivedCache(24);

/**
 * The result of `compute` for `key` (null key: nothing to compute); with a `family`, the family's newest
 * answer while the key's own is computed (`derived-cache.ts` has the rules). `compute` must depend only on
 * what `key` names: it runs once per key.
 */
export function useDerived<T>(key: string | null, compute: () => Promise<T>, family?: string): Derived<T> {
  const entry = useSyncExternalStore(cache.subscribe, () => cache.entry(key));
  useEffect(() => {
    if (key !== null) cache.request(key, compute, family);
  }, [key, compute, family]);
  return cache.shown<T>(key, entry, family);
}

/** The key part naming a snapshot as it is now. */
export function snapshotKey(s: SnapshotState | null | undefined): string | null {
  return s ? `${s.uid}@${s.version}` : null;
}

export type SnapshotSummary = AnalysisSummary & { sets: Record<string, Totals> };

const summaryKey = (s: SnapshotState | null): string | null => {
  const k = snapshotKey(s);
  return k && s?.snap.table ? `summary:${k}` : null;
};
const summaryOf = (s: SnapshotState) => () => aggregatorApi().summarizeSnapshot(s.snap.table!, s.snap.knownSets);
/** Every summary of one snapshot, whatever its version: the newest stays shown while the next is computed. */
const summaryFamily = (s: SnapshotState | null): string | undefined => (s ? `summary:${s.uid}` : undefined);

/** Totals, groups, largest allocations and histogram of one snapshot. */
export function useSummary(s: SnapshotState | null): Derived<SnapshotSummary> {
  return useDerived(summaryKey(s), summaryOf(s!), summaryFamily(s));
}

/**
 * Asks for snapshot `s`'s summary (the one `useSummary` shows: the same cache entry) and resolves once it is in. A
 * core's later stages wait for it: run beside it they took its CPU (a 25M-allocation core's overview showed ~1.1 s
 * after its heap walk ended, while class naming ran).
 */
export function summaryReady(s: SnapshotState): Promise<void> {
  const key = summaryKey(s);
  if (key === null) return Promise.resolve();
  cache.request(key, summaryOf(s), summaryFamily(s));
  return cache.settled(key);
}

/**
 * The tree the flame graph and treemap draw for a snapshot: a tracemalloc
 * traceback tree (after the Python filters), library → function → return address
 * for footers, type → object for meliae, class → size class otherwise.
 */
export function useSnapshotTree(s: SnapshotState | null, inverted: boolean, filters: TraceFilter[]): Derived<Hierarchy> {
  const k = snapshotKey(s);
  const snap = s?.snap;
  const kind = !snap ? 'none' : snap.tracemalloc ? 'traceback' : s!.attribution?.detected && snap.table ? 'attribution' : snap.objects && snap.table ? 'objects' : snap.table ? 'typeSize' : 'none';
  const key = k && kind !== 'none' ? `tree:${kind}:${k}:${inverted ? 1 : 0}${kind === 'traceback' ? `:${JSON.stringify(filters)}` : ''}` : null;
  return useDerived(key, () => {
    const api = aggregatorApi();
    if (kind === 'traceback') return api.tracebackTree(snap!.tracemalloc!, inverted, filters);
    if (kind === 'attribution') return api.attributionTree(s!.attribution!, snap!.table!, inverted);
    if (kind === 'objects') return api.objectTree(snap!.table!, snap!.objects!, inverted);
    return api.typeSizeTree([snap!.table!], inverted);
  });
}

/** The heap map of a snapshot: its core's heap regions, or address clusters of its chap lists. */
export function useHeapMap(s: SnapshotState | null, ranges: { start: number; end: number; label?: string }[] | null, bins: number): Derived<MapRange[]> {
  const k = snapshotKey(s);
  const shape = `${bins}:${ranges ? ranges.length : 'clusters'}`;
  // A later stage (class names) replaces the table, not its addresses: the last map stays drawn (and clickable) meanwhile.
  return useDerived(k && s?.snap.table ? `heapmap:${k}:${shape}` : null, () => aggregatorApi().heapMap([s!.snap.table!], ranges, bins), s ? `heapmap:${s.uid}:${shape}` : undefined);
}

/**
 * The allocations of a snapshot between two addresses (a click on the heap map; null: no click yet). While a new
 * click's rows are computed, the last click's stay shown (`busy` says they are not this range's yet).
 */
export function useRowsInRange(s: SnapshotState | null, range: { start: number; end: number } | null): Derived<{ rows: RangeRow[]; total: number }> {
  const k = snapshotKey(s);
  return useDerived(
    k && s?.snap.table && range ? `range:${k}:${range.start}:${range.end}` : null,
    () => aggregatorApi().rowsInRange([s!.snap.table!], range!.start, range!.end),
    s ? `range:${s.uid}` : undefined,
  );
}

/** CPython's `statistics()` of a tracemalloc snapshot, or `newer.compare_to(older)`. */
export function usePyRows(newer: SnapshotState | null, older: SnapshotState | null, key: KeyType, cumulative: boolean, filters: TraceFilter[]): Derived<PyRow[]> {
  const kn = snapshotKey(newer);
  const ko = snapshotKey(older);
  const id = kn && newer?.snap.tracemalloc ? `py:${kn}:${ko ?? ''}:${key}:${cumulative ? 1 : 0}:${JSON.stringify(filters)}` : null;
  return useDerived(id, () =>
    older?.snap.tracemalloc
      ? aggregatorApi().pyCompare(newer!.snap.tracemalloc!, older.snap.tracemalloc, key, cumulative, filters)
      : aggregatorApi().pyStatistics(newer!.snap.tracemalloc!, key, cumulative, filters),
  );
}

/**
 * Two snapshots compared: rows, the diff, its layout and growth colours, and both sides' trees; with `set`
 * (a chap set both sides know), only the allocations in that set of each.
 */
export function useCompareData(
  a: SideOption | undefined,
  b: SideOption | undefined,
  by: CompareBy,
  metric: Metric,
  normalised: boolean,
  pyKey: KeyType,
  filters: TraceFilter[],
  set: SetName | null = null,
): Derived<CompareViewData> {
  const ok = !!a && !!b && a.kind === b.kind && (!set || (a.leakSets.includes(set) && b.leakSets.includes(set)));
  const key = ok ? `cmp:${a!.id}@${a!.version}:${b!.id}@${b!.version}:${a!.kind === 'tracemalloc' ? `${pyKey}:${JSON.stringify(filters)}` : by}:${metric}:${normalised ? 1 : 0}:${set ?? ''}` : null;
  return useDerived(key, () => {
    if (a!.kind === 'tracemalloc') return aggregatorApi().comparePython(a!.snapshot!, b!.snapshot!, pyKey, metric, normalised, filters);
    if (!set) return aggregatorApi().compare(a!.data!, b!.data!, by, metric, normalised);
    return aggregatorApi().compareSet(a!.data!, b!.data!, set, a!.leakFlags!, b!.leakFlags!, by, metric, normalised);
  });
}

/** A snapshot's chap set flags (rows of its table), what could not be read to compute them, and how long that took. */
export interface LeakFlags {
  flags: Uint16Array;
  warnings: string[];
  /** The core worker's time (ms) for each step and the graph's edges; absent when the flags came with the table. */
  computed?: { claims: number; graph: number; anchors: number; sets: number; edges: number };
}

/** Count and bytes of every set of a snapshot. */
export function useLeakTotals(s: SnapshotState | null, flags: LeakFlags | null): Derived<Record<string, SetFigures>> {
  const k = snapshotKey(s);
  return useDerived(k && flags ? `leaktotals:${k}` : null, () => aggregatorApi().leakTotals(s!.snap.table!, flags!.flags), s ? `leaktotals:${s.uid}` : undefined);
}

/** One set of a snapshot as a hierarchy grouped by `by`, with the table's rows. */
export function useLeakTree(s: SnapshotState | null, flags: LeakFlags | null, set: SetName, by: LeakGroupBy): Derived<LeakTree> {
  const k = snapshotKey(s);
  return useDerived(k && flags ? `leaktree:${k}:${set}:${by}` : null, () => aggregatorApi().leakTree(s!.snap.table!, flags!.flags, set, by, s!.attribution));
}

/** The allocations of one set under the node named `path`, largest first (at most `limit`). */
export function useLeakAllocations(
  s: SnapshotState | null,
  flags: LeakFlags | null,
  set: SetName,
  by: LeakGroupBy,
  path: string[],
  limit: number,
): Derived<{ rows: LeakAllocationRow[]; total: number; bytes: number }> {
  const k = snapshotKey(s);
  return useDerived(k && flags ? `leakallocs:${k}:${set}:${by}:${limit}:${JSON.stringify(path)}` : null, () =>
    aggregatorApi().leakAllocations(s!.snap.table!, flags!.flags, set, by, path, s!.attribution, limit),
  );
}

/** Modules whose build differs between two open cores, as sentences. */
export function useBuildChanges(a: SideOption | undefined, b: SideOption | undefined): Derived<string[]> {
  const key = a?.coreId !== undefined && b?.coreId !== undefined ? `builds:${a.coreId}:${b.coreId}` : null;
  return useDerived(key, () => coreApi().buildChanges(a!.coreId!, b!.coreId!));
}

/** What the inspector shows of one allocation of a snapshot: its core's bytes, pointers, footer and class. */
export function useInspect(s: SnapshotState | null, row: number, limit: number): Derived<InspectResult> {
  const k = snapshotKey(s);
  const key = k && s?.live && s.snap.core !== null && s.snap.table ? `inspect:${k}:${row}:${limit}` : null;
  return useDerived(key, () => coreApi().inspect(s!.snap.core!, s!.snap.key, s!.snap.table, row, limit));
}

/** A page of an allocation's bytes with its pointer words, or why it could not be read. */
export type InspectPageLoad = InspectPage | { error: string };

/** The hex dumps' pages by allocation (`dump:` uid, row, page size), the pages asked for; the last few allocations' stay. */
const DUMPS = 8;
const dumps = new Map<string, { pages: ReadonlyMap<number, InspectPageLoad>; asked: Set<number> }>();
const NO_PAGES: ReadonlyMap<number, InspectPageLoad> = new Map();

function dumpOf(key: string) {
  return setRecent(dumps, key, dumps.get(key) ?? { pages: NO_PAGES, asked: new Set<number>() }, DUMPS);
}

function storePage(key: string, page: number, v: InspectPageLoad): void {
  const d = dumpOf(key);
  d.pages = new Map(d.pages).set(page, v);
  cache.notify();
}

/**
 * Pages `pages` (of `pageSize` bytes) of allocation `row` of a snapshot's open core, as the hex dump scrolls over
 * them: each page is read once, and kept while the allocation is one of the last few shown (its core's bytes do not
 * change with the snapshot's version, so the key is its uid).
 */
export function useInspectPages(s: SnapshotState | null, row: number, pages: readonly number[], pageSize: number): ReadonlyMap<number, InspectPageLoad> {
  const key = s?.live && s.snap.core !== null ? `dump:${s.uid}:${row}:${pageSize}` : null;
  const value = useSyncExternalStore(cache.subscribe, () => (key === null ? NO_PAGES : (dumps.get(key)?.pages ?? NO_PAGES)));
  const want = pages.join(',');
  useEffect(() => {
    if (key === null || !want) return;
    const d = dumpOf(key);
    for (const p of want.split(',').map(Number)) {
      if (d.asked.has(p)) continue;
      d.asked.add(p);
      coreApi()
        .inspectBytes(s!.snap.core!, s!.snap.key, s!.snap.table, row, p * pageSize, pageSize)
        .then(
          (page) => storePage(key, p, page),
          (e: unknown) => storePage(key, p, { error: (e as Error)?.message ?? String(e) }),
        );
    }
  }, [key, want, s, row, pageSize]);
  return value;
}

/** chap's leak analysis of the allocation holding `address` (hex) in a snapshot's open core: its sets, who points to it, why it is alive (null: no allocation of the walk holds it). */
export function useLeakExplanation(s: SnapshotState | null, address: string): Derived<LeakExplanation | null> {
  const k = snapshotKey(s);
  const key = k && s?.live && s.snap.core !== null ? `explain:${k}:${address}` : null;
  return useDerived(key, () => coreApi().explain(s!.snap.core!, address));
}

/** meliae's `summarize()` of an object dump snapshot. */
export function useObjectSummary(s: SnapshotState | null): Derived<MeliaeSummary> {
  const k = snapshotKey(s);
  return useDerived(k && s?.snap.objects ? `objsummary:${k}` : null, () => aggregatorApi().objectSummary(s!.snap.table!, s!.snap.objects!));
}

/** One object of a dump: referrers, referents, reachable size, dominator chain. */
export function useObjectDetails(s: SnapshotState | null, row: number): Derived<ObjectDetails> {
  const k = snapshotKey(s);
  return useDerived(k && s?.snap.objects && row >= 0 ? `objdetails:${k}:${row}` : null, () => aggregatorApi().objectDetails(String(s!.uid), s!.snap.table!, s!.snap.objects!, row));
}

/** One row of a dump's dominator tree as the tree table lists it: an object at its depth, or the count of the objects a level leaves out. */
export interface DominatorRow {
  d: ObjectDesc;
  depth: number;
  /** Its children are listed below it. */
  open: boolean;
  /** A level's "… N more" row: the objects it does not list (`d` is the level's parent). */
  more?: number;
}

/**
 * A dump's dominator tree as a list: the roots, and below each opened object (rows in `open`, those with
 * children) the level it dominates, depth first. While the list for a newer `open` is computed, the last stays.
 */
export function useDominatorTree(s: SnapshotState | null, open: readonly number[]): Derived<DominatorRow[]> {
  const k = snapshotKey(s);
  return useDerived(
    k && s?.snap.objects && s.snap.table ? `domtree:${k}:${open.join(',')}` : null,
    async () => {
      const opened = new Set(open);
      const level = async (node: number, depth: number): Promise<DominatorRow[]> => {
        const lvl = await aggregatorApi().dominatorLevel(String(s!.uid), s!.snap.table!, s!.snap.objects!, node);
        const out: DominatorRow[] = [];
        for (const d of lvl.children) {
          const isOpen = opened.has(d.row) && !!d.children;
          out.push({ d, depth, open: isOpen });
          if (isOpen) out.push(...(await level(d.row, depth + 1)));
        }
        if (lvl.more) out.push({ d: lvl.node, depth, open: false, more: lvl.more });
        return out;
      };
      return level(-1, 0);
    },
    s ? `domtree:${s.uid}` : undefined,
  );
}

const objectIds = new WeakMap<object, number>();
let nextObject = 1;

/** A key part for an object that is never changed in place (a saved analysis being shared). */
function objectKey(o: object): number {
  let k = objectIds.get(o);
  if (k === undefined) {
    k = nextObject++;
    objectIds.set(o, k);
  }
  return k;
}

/** What an upload of `a` (paths redacted or not) would send, and its bytes. */
export function useUploadPreview(a: SavedAnalysis, redact: boolean, noAddresses = false) {
  return useDerived(`upload:${objectKey(a)}:${redact ? 1 : 0}:${noAddresses ? 1 : 0}`, () => aggregatorApi().saveAnalysis(a, redact, noAddresses));
}

const treeIds = new WeakMap<object, number>();
let nextTreeId = 0;
/** A key part naming one tree object (trees come from this cache, so one key names one tree). */
function treeId(t: object): number {
  let id = treeIds.get(t);
  if (id === undefined) treeIds.set(t, (id = ++nextTreeId));
  return id;
}

/** `tree` after the view's transforms (focus, merge, collapse, hide), in the aggregation worker; `tree` itself without any. */
export function useTransformedTree(tree: Hierarchy | null, transforms: Transform[]): Derived<Hierarchy> {
  const key = tree && transforms.length ? `tf:${treeId(tree)}:${JSON.stringify(transforms)}` : null;
  const d = useDerived(key, () => aggregatorApi().transformTree(tree!, transforms));
  if (!tree || !transforms.length) return { value: tree, error: null, busy: false };
  return d;
}

/** The sandwich of one function: its callers and callees over every outermost place it appears in a tree. */
export interface SandwichData {
  name: string;
  callers: Hierarchy;
  callees: Hierarchy;
  places: number;
}

/** The sandwich of `name` in `tree` (the transformed tree), in the aggregation worker. */
export function useSandwich(tree: Hierarchy | null, name: string): Derived<SandwichData> {
  return useDerived(tree && name ? `sw:${treeId(tree)}:${name}` : null, () => aggregatorApi().sandwich(tree!, name));
}
