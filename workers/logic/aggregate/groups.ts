/**
 * Grouping of allocations by type (class / signature / pattern) or by size class,
 * with used and free counts and bytes per group.
 */
import { addUsedFree, addUsedFreeOf, isInUse, noUsedFree, type AllocationTable, type UsedFree } from '../../../src/model/allocations.ts';
import { StringTable } from '../../../src/model/strings.ts';
import { EXACT_LIMIT, sizeClassKey, sizeClassLabel, sizeClassOf } from './size-classes.ts';

export type GroupKey = 'type' | 'sizeClass';

export interface GroupRow extends UsedFree {
  key: string;
  /** Sort key for size classes (lower bound); 0 for types. */
  order: number;
  maxSize: number;
}

export const UNKNOWN_TYPE = '(no signature)';

/** The name of type id `id` as the group tables list it: `UNKNOWN_TYPE` for 0 (nothing named the row). */
export function typeName(id: number, strings: StringTable): string {
  return id === 0 ? UNKNOWN_TYPE : strings.get(id);
}

/** Group rows by key: a type's name, or a size class's lower bound (`sizeClassKey`). */
export type GroupRows = Map<string | number, GroupRow>;

export function emptyGroupRow(key: string, order: number): GroupRow {
  return { key, order, ...noUsedFree(), maxSize: 0 };
}

/** Counts one allocation into `r`. */
export function addToGroup(r: GroupRow, used: boolean, size: number): void {
  addUsedFree(r, used, size);
  if (size > r.maxSize) r.maxSize = size;
}

/** Largest used bytes first, then free bytes, then the group's order (how groups are listed). */
export const byGroupBytes = (a: GroupRow, b: GroupRow): number => b.usedBytes - a.usedBytes || b.freeBytes - a.freeBytes || a.order - b.order;

/** One table's type rows, by string id (`perId`), added into `into` by name (id 0 is `UNKNOWN_TYPE`), in id order. */
export function mergeByName(perId: readonly (GroupRow | undefined)[], strings: StringTable, into: GroupRows): void {
  perId.forEach((r, id) => {
    if (!r) return;
    const name = typeName(id, strings);
    const to = into.get(name) ?? emptyGroupRow(name, 0);
    addUsedFreeOf(to, r);
    to.maxSize = Math.max(to.maxSize, r.maxSize);
    into.set(name, to);
  });
}

/**
 * The size-class row of an allocation of `s` bytes in `classes` (made when new); whole sizes up to `EXACT_LIMIT`
 * are their own class, remembered in `exact` (an array by size: no Map lookup per row).
 */
export function sizeClassRow(s: number, classes: GroupRows, exact: (GroupRow | undefined)[]): GroupRow {
  const hit = exact[s]; // only whole sizes up to EXACT_LIMIT are ever set
  if (hit) return hit;
  const k = sizeClassKey(s);
  let r = classes.get(k);
  if (!r) {
    r = emptyGroupRow(sizeClassLabel(sizeClassOf(s)), k);
    classes.set(k, r);
  }
  if (s <= EXACT_LIMIT && s >= 0 && s === Math.floor(s)) exact[s] = r;
  return r;
}

export function groupBy(tables: AllocationTable[], key: GroupKey): GroupRow[] {
  const rows: GroupRows = new Map();
  for (const t of tables) {
    const { size, state, type } = t;
    if (key === 'type') {
      // Aggregate by string id per table first (cheap), then merge by name.
      const perId: GroupRow[] = [];
      for (let i = 0; i < t.rows; i++) addToGroup((perId[type[i]] ??= emptyGroupRow('', 0)), isInUse(state[i]), size[i]);
      mergeByName(perId, new StringTable(t.strings), rows);
    } else {
      const exact: (GroupRow | undefined)[] = [];
      for (let i = 0; i < t.rows; i++) addToGroup(sizeClassRow(size[i], rows, exact), isInUse(state[i]), size[i]);
    }
  }
  return [...rows.values()].sort(byGroupBytes);
}
