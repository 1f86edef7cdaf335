/**
 * Grouping of allocations by type (class / signature / pattern) or by size class,
 * with used and free counts and bytes per group.
 */
import { addUsedFree, isInUse, noUsedFree, type AllocationTable, type UsedFree } from '../../../src/model/allocations.ts';
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

function emptyRow(key: string, order: number): GroupRow {
  return { key, order, ...noUsedFree(), maxSize: 0 };
}

function addTo(r: GroupRow, used: boolean, size: number): void {
  addUsedFree(r, used, size);
  if (size > r.maxSize) r.maxSize = size;
}

export function groupBy(tables: AllocationTable[], key: GroupKey): GroupRow[] {
  const rows = new Map<string | number, GroupRow>();
  for (const t of tables) {
    const { size, state, type } = t;
    if (key === 'type') {
      // Aggregate by string id per table first (cheap), then merge by name.
      const strings = new StringTable(t.strings);
      const perId: GroupRow[] = [];
      for (let i = 0; i < t.rows; i++) {
        const id = type[i];
        const r = (perId[id] ??= emptyRow('', 0));
        addTo(r, isInUse(state[i]), size[i]);
      }
      perId.forEach((r, id) => {
        if (!r) return;
        const name = id === 0 ? UNKNOWN_TYPE : strings.get(id);
        const into = rows.get(name) ?? emptyRow(name, 0);
        into.usedCount += r.usedCount;
        into.usedBytes += r.usedBytes;
        into.freeCount += r.freeCount;
        into.freeBytes += r.freeBytes;
        into.maxSize = Math.max(into.maxSize, r.maxSize);
        rows.set(name, into);
      });
    } else {
      // Sizes up to EXACT_LIMIT are their own class: an array by size, no Map lookup per row.
      const exact: (GroupRow | undefined)[] = [];
      for (let i = 0; i < t.rows; i++) {
        const s = size[i];
        let r = s <= EXACT_LIMIT && s >= 0 && s === Math.floor(s) ? exact[s] : undefined;
        if (!r) {
          const k = sizeClassKey(s);
          r = rows.get(k);
          if (!r) {
            r = emptyRow(sizeClassLabel(sizeClassOf(s)), k);
            rows.set(k, r);
          }
          if (s <= EXACT_LIMIT && s >= 0 && s === Math.floor(s)) exact[s] = r;
        }
        addTo(r, isInUse(state[i]), s);
      }
    }
  }
  return [...rows.values()].sort((a, b) => b.usedBytes - a.usedBytes || b.freeBytes - a.freeBytes || a.order - b.order);
}
