/**
 * The per-snapshot stage of the leak analysis: a process snapshot with a core
 * gets the computed sets as its table's `flags` (every set `SET_FLAGS` names
 * becomes known). The snapshot's table has the heap walk's rows in the walk's
 * order (snapshot rule 1), so the analysis's flags line up row for row; a table
 * that does not (checked by row count and addresses) is left alone and said.
 */
import { SET_FLAGS, type AllocationTable } from '../../../src/model/allocations.ts';
import type { Snapshot } from '../../../src/model/snapshot.ts';

export function applyLeakSets(s: Snapshot, walk: AllocationTable, flags: Uint16Array): string | null {
  const t = s.table;
  if (!t) return `${s.name}: no allocation table to mark`;
  if (t.rows !== walk.rows || t.rows !== flags.length) return `${s.name}: its table does not have the heap walk's rows; the leak sets are not shown`;
  for (const r of [0, t.rows >> 1, t.rows - 1]) {
    if (r >= 0 && r < t.rows && (t.addrHi[r] !== walk.addrHi[r] || t.addrLo[r] !== walk.addrLo[r])) return `${s.name}: its table does not have the heap walk's rows; the leak sets are not shown`;
  }
  t.flags = flags;
  s.knownSets = SET_FLAGS.map(([n]) => n);
  return null;
}
