/** Sorting and filtering of grouped rows (pure; the table view and tests call it). */
import type { GroupRow } from '../../../workers/aggregate/groups.ts';

export type SortColumn = 'key' | 'usedCount' | 'usedBytes' | 'freeCount' | 'freeBytes' | 'totalBytes' | 'maxSize';

export function sortValue(r: GroupRow, c: SortColumn): number | string {
  switch (c) {
    case 'key':
      return r.order || r.key;
    case 'totalBytes':
      return r.usedBytes + r.freeBytes;
    default:
      return r[c];
  }
}

export function sortRows(rows: GroupRow[], c: SortColumn, desc: boolean, filter: string): GroupRow[] {
  const f = filter.trim().toLowerCase();
  const kept = f ? rows.filter((r) => r.key.toLowerCase().includes(f)) : rows.slice();
  const dir = desc ? -1 : 1;
  kept.sort((a, b) => {
    const va = sortValue(a, c);
    const vb = sortValue(b, c);
    if (typeof va === 'number' && typeof vb === 'number') return (va - vb) * dir;
    return String(va).localeCompare(String(vb)) * dir;
  });
  return kept;
}
