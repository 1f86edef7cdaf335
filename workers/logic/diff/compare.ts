/**
 * Two loaded inputs → diff rows in one call: picks the hierarchy that gives
 * each side stable keys (footer sites, or class / size class), diffs them and
 * reports builds that changed. The CLI's `compare` and the aggregation worker
 * use this; tracemalloc snapshots go through `pythonDiffRows` instead.
 */
import type { AllocationTable } from '../../../src/model/allocations.ts';
import type { DiffHierarchy, DiffRow } from '../../../src/model/diff.ts';
import type { Attribution } from '../formats/malloc-tracer/attribution.ts';

/** An attribution whose module map may be absent. */
export type SideAttribution = Omit<Attribution, 'modules'> & { modules?: Attribution['modules'] };
import type { Hierarchy } from '../../../src/model/hierarchy.ts';
import { typeSizeTree } from '../aggregate/trees.ts';
import { InputError } from '../io/errors.ts';
import { compareBuilds, type BuildChange } from './builds.ts';
import { diffHierarchies } from './diff-hierarchies.ts';
import { diffRows, type DiffRowOptions } from './rows.ts';
import { attributionHierarchy } from './site-keys.ts';

/** What the rows are keyed by. */
export type CompareBy = 'library' | 'function' | 'site' | 'class' | 'sizeclass';
export const COMPARE_BY: readonly CompareBy[] = ['library', 'function', 'site', 'class', 'sizeclass'];

/** One side of a comparison: an allocation table and, for cores with malloc_tracer footers, its attribution. */
export interface CompareSide {
  /** File name, for messages. */
  name: string;
  table: AllocationTable;
  /**
   * Footer attribution of `table`; only used when `detected`. Its module map is
   * optional: without it (the app keeps modules in the core worker) no build
   * comparison is made here.
   */
  attribution?: SideAttribution | null;
}

export interface Comparison {
  by: CompareBy;
  a: Hierarchy;
  b: Hierarchy;
  diff: DiffHierarchy;
  rows: DiffRow[];
  /** Modules whose build differs between the sides (footer comparisons only). */
  builds: BuildChange[];
}

/** True when the side's allocations carry malloc_tracer footers. */
export function hasFooters(s: CompareSide): boolean {
  return !!s.attribution?.detected;
}

/** The default key: function when both sides have footers, else class. */
export function defaultCompareBy(a: CompareSide, b: CompareSide): CompareBy {
  return hasFooters(a) && hasFooters(b) ? 'function' : 'class';
}

/** Hierarchy of one side for `by`; an InputError naming the file when footers are needed and absent. */
export function sideHierarchy(s: CompareSide, by: CompareBy): Hierarchy {
  if (by === 'class') return typeSizeTree([s.table]);
  if (by === 'sizeclass') return typeSizeTree([s.table], { inverted: true });
  if (!s.attribution || !s.attribution.detected) {
    throw new InputError(s.name, `has no malloc_tracer footers, so it cannot be compared by ${by}: use --by class or sizeclass`);
  }
  return attributionHierarchy(s.attribution, s.table);
}

/** Depth of the rows for `by` (library 1, function 2, site 3; class / size class 1). */
export function levelOf(by: CompareBy): number {
  return by === 'function' ? 2 : by === 'site' ? 3 : 1;
}

/** Compares `a` (before) with `b` (after) by `by`: both hierarchies, their diff, the rows at that level and changed builds. */
export function compareSides(a: CompareSide, b: CompareSide, by: CompareBy = defaultCompareBy(a, b), opts: DiffRowOptions = {}): Comparison {
  const ha = sideHierarchy(a, by);
  const hb = sideHierarchy(b, by);
  const diff = diffHierarchies(ha, hb);
  const footers = by === 'library' || by === 'function' || by === 'site';
  const builds = footers && a.attribution?.modules && b.attribution?.modules ? compareBuilds(a.attribution.modules, b.attribution.modules) : [];
  return { by, a: ha, b: hb, diff, rows: diffRows(diff, levelOf(by), opts), builds };
}
