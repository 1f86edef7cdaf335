/**
 * Python objects by type, one row per type, with what each type's objects own
 * folded in (ownership.ts): a class with a __dict__ reads as one row whose
 * `ownedBytes` are its instances' dicts and their tables; lists carry their item
 * arrays. Only allocations in use count; an owned allocation counts once, with
 * its root owner.
 */
import { isInUse, rowAddress, type AllocationTable } from '../../../../src/model/allocations.ts';
import type { PyTypeRow } from '../../../../src/model/python-heap.ts';
import { rootOf, type Ownership } from './ownership.ts';
import type { PythonObjects } from './types.ts';

export type { PyTypeRow } from '../../../../src/model/python-heap.ts';

export interface PyTypeTable {
  rows: PyTypeRow[];
  /** Allocations in use that hold no Python object and that no object owns (buffers, interpreter state, …). */
  other: { count: number; bytes: number };
  objects: number;
  bytes: number;
}

export function pythonTypeTable(table: AllocationTable, objects: PythonObjects, own: Ownership): PyTypeTable {
  const n = objects.types.length;
  const count = new Float64Array(n);
  const ownB = new Float64Array(n);
  const ownedB = new Float64Array(n);
  const dictB = new Float64Array(n);
  const withDict = new Float64Array(n);
  const perRoot = new Float64Array(table.rows);
  let otherCount = 0;
  let otherBytes = 0;
  const inDict = (row: number): boolean => {
    // An allocation lies in a __dict__ when the chain to its root passes an instance-dict link (role 4).
    for (let r = row, d = 0; d < 8 && own.owner[r] >= 0; d++, r = own.owner[r]) if (own.role[r] === 4 || own.role[r] === 5) return true;
    return false;
  };
  for (let i = 0; i < table.rows; i++) {
    if (!isInUse(table.state[i])) continue;
    const r = rootOf(own.owner, i);
    const k = objects.rowType[r];
    const size = table.size[i];
    if (k < 0) {
      otherCount++;
      otherBytes += size;
      continue;
    }
    perRoot[r] += size;
    if (r === i) {
      count[k]++;
      ownB[k] += size;
    } else {
      ownedB[k] += size;
      if (inDict(i)) dictB[k] += size;
      if (own.role[i] === 4) withDict[k]++;
    }
  }
  const tracked = new Float64Array(n);
  for (let i = 0; i < table.rows; i++) if (objects.rowType[i] >= 0 && objects.rowTracked[i] === 1 && isInUse(table.state[i])) tracked[objects.rowType[i]]++;
  const largest = new Float64Array(n);
  const largestRow = new Int32Array(n).fill(-1);
  for (let i = 0; i < table.rows; i++) {
    const k = objects.rowType[i];
    if (k < 0 || own.owner[i] >= 0 || !isInUse(table.state[i])) continue;
    if (perRoot[i] > largest[k]) {
      largest[k] = perRoot[i];
      largestRow[k] = i;
    }
  }
  const hex = (i: number): string => (i < 0 ? '' : `0x${rowAddress(table, i).toString(16)}`);
  const rows: PyTypeRow[] = [];
  let objs = 0;
  let bytes = 0;
  for (let k = 0; k < n; k++) {
    if (!count[k] && !tracked[k]) continue;
    rows.push({
      type: objects.types[k].name,
      count: count[k],
      ownBytes: ownB[k],
      ownedBytes: ownedB[k],
      bytes: ownB[k] + ownedB[k],
      dictBytes: dictB[k],
      withDict: withDict[k],
      largest: largest[k],
      largestAddress: hex(largestRow[k]),
      name: objects.types[k].shortName,
      gcTracked: tracked[k],
    });
    objs += count[k];
    bytes += ownB[k] + ownedB[k];
  }
  rows.sort((a, b) => b.bytes - a.bytes || a.type.localeCompare(b.type));
  return { rows, other: { count: otherCount, bytes: otherBytes }, objects: objs, bytes };
}
