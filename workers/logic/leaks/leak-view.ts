/**
 * What the Leaks view and Compare's leak mode show of a snapshot's chap sets (flags of its table,
 * `leak-sets.ts`): the totals of every set, one set's allocations as a hierarchy (class → size class,
 * size class → class, or library → function → return address when malloc_tracer footers exist), the
 * allocations under one node of it, and a comparison side holding only the set's allocations.
 *
 * Every grouping names a row by `leakPath` and the hierarchy is built from those paths, so a node's
 * allocations (`leakAllocations`) are exactly the ones its figures count. Names are those of the other
 * trees (`typeSizeTree`, `attributionHierarchy`): a class or a library has the same colour everywhere.
 */
import { AllocState, isInUse, SET_FLAGS, type AllocationTable } from '../../../src/model/allocations.ts';
import { hexOf } from '../../../src/model/address.ts';
import type { AttributionData } from '../../../src/model/attribution.ts';
import { namePath, type Hierarchy } from '../../../src/model/hierarchy.ts';
import { libraryKey, NO_FOOTER, offsetKey, OUTSIDE_MODULES, UNKNOWN_LIB } from '../../../src/model/site-keys.ts';
import { StringTable } from '../../../src/model/strings.ts';
import { attributionFromTable } from '../aggregate/attribution-rows.ts';
import { typeName } from '../aggregate/groups.ts';
import { HierarchyBuilder } from '../aggregate/hierarchy.ts';
import { sizeClassLabel, sizeClassOf } from '../aggregate/size-classes.ts';
import type { SideData } from '../diff/view.ts';
import { setPredicate, type SetName } from './chap-sets.ts';
import { tableDepth, type LeakGroupBy } from '../../../src/model/leaks.ts';

export { canGroup, LEAK_GROUP_BY, setsText, tableDepth, type LeakGroupBy } from '../../../src/model/leaks.ts';


/** chap's sets of used allocations (every set but used and free). */
export const LEAK_SETS: readonly SetName[] = SET_FLAGS.map(([n]) => n as SetName);

export interface SetFigures {
  count: number;
  bytes: number;
}

/** Count and bytes of every chap set of `flags` (rows of `table`), and of the used allocations. */
export function leakTotals(table: AllocationTable, flags: Uint16Array): Record<string, SetFigures> {
  const n = Math.min(table.rows, flags.length);
  const count = new Float64Array(16);
  const bytes = new Float64Array(16);
  const used = { count: 0, bytes: 0 };
  for (let r = 0; r < n; r++) {
    const s = table.size[r];
    if (isInUse(table.state[r])) {
      used.count++;
      used.bytes += s;
    }
    let f = flags[r];
    for (let b = 0; f; b++, f >>>= 1) {
      if (f & 1) {
        count[b]++;
        bytes[b] += s;
      }
    }
  }
  const out: Record<string, SetFigures> = { used };
  for (const [name, bit] of SET_FLAGS) {
    const b = 31 - Math.clz32(bit);
    out[name] = { count: count[b], bytes: bytes[b] };
  }
  return out;
}

/** `table` with every allocation outside `set` counted as free (every aggregation counts used ones only). */
export function onlyInSet(table: AllocationTable, set: SetName, flags: Uint16Array): AllocationTable {
  if (flags.length !== table.rows) throw new Error(`the set flags have ${flags.length} rows and the table ${table.rows}`);
  const inSet = setPredicate(set, table, flags);
  const state = new Uint8Array(table.rows);
  for (let r = 0; r < table.rows; r++) state[r] = inSet(r) ? table.state[r] : AllocState.Free;
  return { ...table, state };
}

/** A comparison side holding only the allocations in `set` (its footer attribution redone over them). */
export function sideInSet(side: SideData, set: SetName, flags: Uint16Array): SideData {
  const table = onlyInSet(side.table, set, flags);
  const a = side.attribution;
  const attribution = a ? attributionFromTable({ ...a.table, state: table.state }, a.sites) : a;
  return { ...side, table, attribution };
}


/** The path of names (root's child down) and the group (colour) of each level of one row. */
export type LeakPath = (row: number) => { names: string[]; groups: string[] };

/** The node names of a row for `by` (the same names `typeSizeTree` and `attributionHierarchy` give). */
export function leakPath(table: AllocationTable, by: LeakGroupBy, attribution?: AttributionData | null): LeakPath {
  const strings = new StringTable(table.strings);
  const rowType = (r: number) => typeName(table.type[r], strings);
  const sizeName = (r: number) => sizeClassLabel(sizeClassOf(table.size[r]));
  if (by === 'class') {
    return (r) => {
      const t = rowType(r);
      return { names: [t, sizeName(r)], groups: [t, t] };
    };
  }
  if (by === 'size') {
    return (r) => {
      const t = rowType(r);
      return { names: [sizeName(r), t], groups: ['size class', t] };
    };
  }
  if (!attribution?.detected) throw new Error('grouping by allocating site needs malloc_tracer footers');
  const site = attribution.table.site;
  const sites = attribution.sites;
  const s = new StringTable(sites.strings);
  const cache = new Map<number, { names: string[]; groups: string[] }>();
  const none = { names: [NO_FOOTER], groups: [NO_FOOTER] };
  return (r) => {
    const id = site[r];
    if (!id) return none;
    let p = cache.get(id);
    if (!p) {
      const lib = s.get(sites.lib[id - 1]);
      p =
        lib === UNKNOWN_LIB
          ? { names: [UNKNOWN_LIB, OUTSIDE_MODULES], groups: [lib, lib] }
          : { names: [libraryKey(lib), s.get(sites.func[id - 1]), offsetKey(sites.offset[id - 1])], groups: [lib, lib, lib] };
      cache.set(id, p);
    }
    return p;
  };
}

const LEVELS: Record<LeakGroupBy, string[]> = {
  class: ['all', 'signature / class', 'size class'],
  size: ['all', 'size class', 'signature / class'],
  site: ['all', 'library', 'function', 'site'],
};

/** The allocations of `set` as a hierarchy grouped by `by` (bytes are usable sizes; requested from footers). */
export function leakHierarchy(table: AllocationTable, flags: Uint16Array, set: SetName, by: LeakGroupBy, attribution?: AttributionData | null): Hierarchy {
  const inSet = setPredicate(set, table, flags);
  const pathOf = leakPath(table, by, attribution);
  const b = new HierarchyBuilder(`${set} allocations`, LEVELS[by]);
  const requested = by === 'site' ? attribution!.table.requested : table.requested;
  if (requested) b.hasRequested = true;
  const leafOf = new Map<{ names: string[] }, number>();
  const node = (p: { names: string[]; groups: string[] }) => {
    let n = 0;
    for (let i = 0; i < p.names.length; i++) n = b.child(n, b.nameId(p.names[i]), b.groupId(p.groups[i]));
    return n;
  };
  for (let r = 0; r < table.rows; r++) {
    if (!inSet(r)) continue;
    const p = pathOf(r);
    // Site paths are shared objects per site: their leaf is found once.
    let leaf = by === 'site' ? leafOf.get(p) : undefined;
    if (leaf === undefined) {
      leaf = node(p);
      if (by === 'site') leafOf.set(p, leaf);
    }
    const q = requested ? requested[r] : table.size[r];
    b.add(leaf, table.size[r], 1, Number.isNaN(q) || (by === 'site' && p.names[0] === NO_FOOTER) ? 0 : q);
  }
  return b.build();
}

/** One allocation of a set as the Leaks view lists it. */
export interface LeakAllocationRow {
  /** Row of the snapshot's table (the inspector opens it). */
  row: number;
  /** Hex, no `0x`. */
  address: string;
  size: number;
  className: string;
  /** The names of its node under the grouping (root's child down). */
  path: string[];
  /** `AllocFlag` bits. */
  flags: number;
}

/**
 * The allocations of `set` under the node named `prefix` (root's child down; [] = all of the set), largest
 * first (ties by address order), at most `limit` of them, and how many there are.
 */
export function leakAllocations(
  table: AllocationTable,
  flags: Uint16Array,
  set: SetName,
  by: LeakGroupBy,
  prefix: readonly string[],
  attribution?: AttributionData | null,
  limit = 1000,
): { rows: LeakAllocationRow[]; total: number; bytes: number } {
  const inSet = setPredicate(set, table, flags);
  const pathOf = leakPath(table, by, attribution);
  const strings = new StringTable(table.strings);
  const hits: number[] = [];
  let bytes = 0;
  for (let r = 0; r < table.rows; r++) {
    if (!inSet(r)) continue;
    if (prefix.length) {
      const names = pathOf(r).names;
      if (names.length < prefix.length) continue;
      let ok = true;
      for (let i = 0; i < prefix.length && ok; i++) ok = names[i] === prefix[i];
      if (!ok) continue;
    }
    hits.push(r);
    bytes += table.size[r];
  }
  hits.sort((x, y) => table.size[y] - table.size[x] || x - y);
  const rows = hits.slice(0, limit).map((r) => ({
    row: r,
    address: hexOf(table.addrHi[r], table.addrLo[r]),
    size: table.size[r],
    className: typeName(table.type[r], strings),
    path: pathOf(r).names,
    flags: flags[r],
  }));
  return { rows, total: hits.length, bytes };
}

/** A row of the Leaks view's table: one node of a set's hierarchy at the table's level. */
export interface LeakGroupRow {
  /** Its names, root's child down (what selects it in the graphs). */
  path: string[];
  /** The names joined by ` › `. */
  key: string;
  /** Its group (library or class: the colour). */
  group: string;
  count: number;
  bytes: number;
  requested: number;
}


/** The nodes at the table's depth (and the leaves above it: `(no footer)`), largest first. */
export function leakGroupRows(h: Hierarchy, by: LeakGroupBy): LeakGroupRow[] {
  const depth = tableDepth(by);
  const out: LeakGroupRow[] = [];
  for (let n = 1; n < h.size; n++) {
    const d = h.depth[n];
    const leaf = h.childStart[n + 1] === h.childStart[n];
    if (d !== depth && !(leaf && d < depth)) continue;
    const path = namePath(h, n);
    out.push({ path, key: path.join(' › '), group: h.groups[h.group[n]], count: h.totalCount[n], bytes: h.totalBytes[n], requested: h.totalRequested[n] });
  }
  return out.sort((a, b) => b.bytes - a.bytes || b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** A set's hierarchy and its table rows: what the Leaks view draws. */
export interface LeakTree {
  tree: Hierarchy;
  rows: LeakGroupRow[];
}

export function leakTree(table: AllocationTable, flags: Uint16Array, set: SetName, by: LeakGroupBy, attribution?: AttributionData | null): LeakTree {
  const tree = leakHierarchy(table, flags, set, by, attribution);
  return { tree, rows: leakGroupRows(tree, by) };
}
