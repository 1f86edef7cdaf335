/** Aggregation worker: totals, groups, histograms, trees and Python statistics over shared tables, off the main thread. */
import * as Comlink from 'comlink';
import type { AllocationTable } from '../src/model/allocations.ts';
import type { ObjectTable } from '../src/model/objects.ts';
import { dominatorLevel, forgetObjects, objectDetails, objectLabel, summaryOf } from './logic/graph/views.ts';
import type { TracemallocSnapshot } from '../src/model/traces.ts';
import { summarize } from './logic/aggregate/summary.ts';
import { setTotals } from './logic/snapshot/figures.ts';
import { assemble } from './logic/snapshot/assemble.ts';
import { assemblyInput, type ReadFacts } from './logic/snapshot/inputs.ts';
import { snapshotsOfSaved } from './logic/saved/snapshots.ts';
import type { AssemblyChoices } from '../src/model/snapshot.ts';
import type { SavedAnalysis } from '../src/model/saved.ts';
import { describeForUpload, redactPaths } from './logic/saved/describe.ts';
import { dropAddresses } from './logic/saved/drop-addresses.ts';
import { applyTransforms } from './logic/transforms/transforms.ts';
import { calleesOf, callersOf, outermost } from './logic/transforms/sandwich.ts';
import type { Transform } from '../src/model/transforms.ts';
import { saveAnalysis } from './logic/saved/serialize.ts';
import { loadAnalysis } from './logic/saved/deserialize.ts';
import { clusterRanges, heapMap, rowsInRange } from './logic/aggregate/heap-map.ts';
import { stackTree, typeObjectTree, typeSizeTree } from './logic/aggregate/trees.ts';
import { invertHierarchy } from './logic/aggregate/hierarchy.ts';
import type { AttributionData } from '../src/model/attribution.ts';
import { attributionHierarchy } from './logic/diff/site-keys.ts';
import { compareView, pythonCompareView, type SideData } from './logic/diff/view.ts';
import type { CompareBy } from './logic/diff/compare.ts';
import type { Hierarchy, Metric } from '../src/model/hierarchy.ts';
import type { TraceFilter } from './logic/python/filters.ts';
import type { KeyType } from './logic/python/statistics.ts';
import { filtered, pyCompare, pyStatistics } from './logic/python/views.ts';
import { leakAllocations, leakTotals, leakTree, sideInSet, type LeakGroupBy } from './logic/leaks/leak-view.ts';
import type { SetName } from './logic/leaks/chap-sets.ts';

const api = {
  /**
   * Serialises an analysis (optionally with directory names redacted, addresses left out) and says
   * what the bytes hold, off the main thread: the Save and Share dialogs call it.
   */
  async saveAnalysis(a: SavedAnalysis, redact: boolean, noAddresses = false) {
    const redacted = redact ? redactPaths(a) : a;
    const out = noAddresses ? dropAddresses(redacted) : redacted;
    const bytes = await saveAnalysis(out);
    return Comlink.transfer({ bytes, description: describeForUpload(out) }, [bytes.buffer]);
  },
  /** Decodes a saved analysis (library or share server), off the main thread. */
  loadAnalysis(bytes: Uint8Array, name: string) {
    return loadAnalysis(bytes, { name });
  },
  summarize(tables: AllocationTable[]) {
    return summarize(tables);
  },
  /** One snapshot's summary, with the chap sets it knows. */
  summarizeSnapshot(table: AllocationTable, knownSets: string[]) {
    return { ...summarize([table]), sets: setTotals(table, knownSets) };
  },
  /** Which inputs form each snapshot, and each snapshot's table (workers/logic/snapshot). */
  assemble(entries: { id: number; name: string; facts: ReadFacts }[], choices: AssemblyChoices) {
    return assemble(
      entries.map((e) => assemblyInput(e.id, e.name, e.facts)),
      choices,
    );
  },
  /** The snapshots of a saved analysis (version 1 files assembled as live inputs are). */
  openSaved(a: SavedAnalysis) {
    return snapshotsOfSaved(a);
  },
  typeSizeTree(tables: AllocationTable[], inverted: boolean) {
    return typeSizeTree(tables, { inverted });
  },
  /** Traceback tree of a tracemalloc snapshot (after filters): oldest frame at the root. */
  tracebackTree(snap: TracemallocSnapshot, inverted: boolean, filters: TraceFilter[]) {
    const s = filtered(snap, filters);
    return stackTree({ rows: s.traces.rows, stack: s.traces.stack, size: s.traces.size }, s.stacks, s.frames, s.strings, { inverted });
  },
  /** library → function → return address tree of a footer attribution of `table`. */
  attributionTree(a: AttributionData, table: AllocationTable, inverted: boolean) {
    const h = attributionHierarchy(a, table);
    return inverted ? invertHierarchy(h) : h;
  },
  /** The tree after the view's transforms (focus, merge, collapse, hide: logic/transforms). */
  transformTree(h: Hierarchy, transforms: Transform[]) {
    return applyTransforms(h, transforms);
  },
  /** The sandwich of function `name` in `h`: its callers and callees over every outermost place it appears. */
  sandwich(h: Hierarchy, name: string) {
    return { name, callers: callersOf(h, name), callees: calleesOf(h, name), places: outermost(h, name).length };
  },
  /** Two snapshots compared by `by`: rows, the diff, its layout and growth colours, and both sides' trees. */
  compare(a: SideData, b: SideData, by: CompareBy, metric: Metric, normalised: boolean) {
    return compareView(a, b, by, metric, normalised);
  },
  /** Two snapshots compared over the allocations of one chap set of each (`flags*`: the sets of each side's rows). */
  compareSet(a: SideData, b: SideData, set: SetName, flagsA: Uint16Array, flagsB: Uint16Array, by: CompareBy, metric: Metric, normalised: boolean) {
    return compareView(sideInSet(a, set, flagsA), sideInSet(b, set, flagsB), by, metric, normalised);
  },
  /** Count and bytes of every chap set of a table's rows (the Leaks view's figures). */
  leakTotals(table: AllocationTable, flags: Uint16Array) {
    return leakTotals(table, flags);
  },
  /** One chap set's allocations as a hierarchy (class → size class, size class → class, or footer site) and its table rows. */
  leakTree(table: AllocationTable, flags: Uint16Array, set: SetName, by: LeakGroupBy, attribution: AttributionData | null) {
    return leakTree(table, flags, set, by, attribution);
  },
  /** The allocations of one set under a node of its hierarchy, largest first. */
  leakAllocations(table: AllocationTable, flags: Uint16Array, set: SetName, by: LeakGroupBy, path: string[], attribution: AttributionData | null, limit: number) {
    return leakAllocations(table, flags, set, by, path, attribution, limit);
  },
  comparePython(a: TracemallocSnapshot, b: TracemallocSnapshot, key: KeyType, metric: Metric, normalised: boolean, filters: TraceFilter[]) {
    return pythonCompareView(filtered(a, filters), filtered(b, filters), key, metric, normalised);
  },
  pyStatistics(snap: TracemallocSnapshot, key: KeyType, cumulative: boolean, filters: TraceFilter[]) {
    return pyStatistics(snap, key, cumulative, filters);
  },
  pyCompare(newSnap: TracemallocSnapshot, oldSnap: TracemallocSnapshot, key: KeyType, cumulative: boolean, filters: TraceFilter[]) {
    return pyCompare(newSnap, oldSnap, key, cumulative, filters);
  },
  /** Heap map over the given ranges (a core's heap regions), or over address clusters of the tables. */
  heapMap(tables: AllocationTable[], ranges: { start: number; end: number; label?: string }[] | null, bins: number) {
    return heapMap(tables, ranges ?? clusterRanges(tables), bins);
  },
  rowsInRange(tables: AllocationTable[], start: number, end: number) {
    return rowsInRange(tables, start, end);
  },
  /** Type → object tree of an object dump (the tree views' hierarchy for meliae). */
  objectTree(table: AllocationTable, objects: ObjectTable, inverted: boolean) {
    const h = typeObjectTree(table, (row) => objectLabel(table, objects, row));
    return inverted ? invertHierarchy(h) : h;
  },
  objectSummary(table: AllocationTable, objects: ObjectTable) {
    return summaryOf(table, objects);
  },
  dominatorLevel(key: string, table: AllocationTable, objects: ObjectTable, node: number) {
    return dominatorLevel(key, table, objects, node);
  },
  objectDetails(key: string, table: AllocationTable, objects: ObjectTable, row: number) {
    return objectDetails(key, table, objects, row);
  },
  forgetObjects(key: string) {
    forgetObjects(key);
  },
};

export type AggregateApi = typeof api;
Comlink.expose(api);
