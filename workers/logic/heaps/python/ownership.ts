/**
 * Which allocation belongs to which Python object: the memory an object keeps
 * for itself outside its own block, so that a class's instances read as one row
 * ("Session: 15,000 instances, X bytes own + Y bytes in their dicts").
 *
 * - list → its `ob_item` array (chap's %PythonListItems).
 * - dict → its keys object (3.x, when combined: a split table's keys are the
 *   class's, shared by every instance) or 2.7 `ma_table` when not the inline
 *   smalltable (chap's %PyDictKeysObject), and a split dict's values array
 *   (chap's %PyDictValuesArray).
 * - instance → its `__dict__` (through tp_dictoffset; 3.11+ the managed dict
 *   pointer before the GC header), and 3.11 / 3.12 the managed values array
 *   (3.13 keeps the values inline, in the instance's own block). 2.7 old-style
 *   instances → `in_dict`.
 *
 * A pointer names the allocation that contains it (values arrays are pointed to
 * past a prefix). An allocation already owned keeps its first owner. An owned
 * allocation that looked like an object (a stale ob_type left in a reused block)
 * loses its type: `objects.rowType` is corrected in place. `owner[row]`
 * is the owning row or -1; `root(row)` follows owners to the object that is not
 * owned (an instance owns its dict, which owns its keys).
 */
import { rowAddresses, type AllocationTable } from '../../../../src/model/allocations.ts';
import type { CoreFile } from '../../formats/elf/core-file.ts';
import { dictTables, dictTablesNow, type DictTables } from './dicts.ts';
import { TPFLAGS } from './layout.ts';
import { Pages } from './pages.ts';
import type { PythonObjects } from './types.ts';
import { lastAtOrBelow } from '../../../../src/model/sorted.ts';

export interface Ownership {
  owner: Int32Array;
  /** What the owner keeps there: 1 list items, 2 dict keys, 3 dict values, 4 instance dict, 5 managed values. */
  role: Uint8Array;
}

export const OWNED_ROLE = ['', 'list items', 'dict keys', 'dict values', '__dict__', 'managed values'] as const;

export async function pythonOwnership(core: CoreFile, table: AllocationTable, objects: PythonObjects, pages: Pages = new Pages(core)): Promise<Ownership> {
  const rows = table.rows;
  const owner = new Int32Array(rows).fill(-1);
  const role = new Uint8Array(rows);
  const starts = rowAddresses(table);
  /** Row of the allocation holding `addr`, or -1. */
  const rowAt = (addr: number): number => {
    const best = lastAtOrBelow(starts, addr);
    // Nested rows (a malloc()ed arena's chunk holding blocks): the innermost that contains it is the last start ≤ addr.
    return best >= 0 && addr < starts[best] + table.size[best] ? best : -1;
  };
  const own = (child: number, parent: number, r: number): void => {
    if (child < 0 || child === parent || owner[child] >= 0 || objects.rowType[parent] < 0) return;
    // A collected object the GC still tracks is alive on its own: the pointer to it is stale (a dict on
    // CPython's free list keeps its old ma_keys), not ownership.
    if (objects.rowType[child] >= 0 && objects.rowTracked[child] === 1) return;
    if (objects.rowType[child] >= 0) {
      // A live object's item array, keys or values table holds no object: what looked like one is a stale
      // type pointer left in the block by its previous occupant.
      objects.rowType[child] = -1;
      objects.objects--;
    }
    owner[child] = parent;
    role[child] = r;
  };
  const { layout: L, types, rowType, rowOffset } = objects;
  const w = L.w;
  const { major, minor } = L.version;
  const dictType = objects.dictType;
  const listIdx = types.findIndex((t) => t.name === 'list');
  const isDict = (k: number): boolean => types[k].address === dictType || (types[k].flags & TPFLAGS.DICT_SUBCLASS) !== 0;
  const isList = (k: number): boolean => k === listIdx || (types[k].flags & TPFLAGS.LIST_SUBCLASS) !== 0;
  const instanceIdx = major === 2 ? types.findIndex((t) => t.name === 'instance') : -1;

  /** A dict's tables, without an await when their pages are loaded. */
  const tablesOf = (dict: number): DictTables | null | Promise<DictTables | null> => {
    const now = dictTablesNow(pages, L, dict);
    return now === undefined ? dictTables(pages, L, dict) : now;
  };
  const ownDict = (dictRow: number, dict: number, t: DictTables | null): void => {
    if (!t) return;
    if (major === 2) {
      // ma_table is the dict's own ma_smalltable unless the dict grew.
      if (t.keys !== dict + 7 * w) own(rowAt(t.keys), dictRow, 2);
      return;
    }
    if (!t.values) own(rowAt(t.keys), dictRow, 2);
    else {
      const r = rowAt(t.values);
      // 3.13: a dict made from an instance's inline values points into the instance itself.
      if (r >= 0 && rowType[r] >= 0 && t.values >= starts[r] + rowOffset[r]) return;
      own(r, dictRow, 3);
    }
  };

  // Dicts and lists first, so an instance's dict already owns its tables when the instance claims the dict.
  for (let i = 0; i < rows; i++) {
    const k = rowType[i];
    if (k < 0) continue;
    const obj = starts[i] + rowOffset[i];
    if (isList(k)) {
      let items = pages.wordAt(obj + 3 * w, 0);
      if (typeof items !== 'number') items = await items;
      if (items) own(rowAt(items), i, 1);
    } else if (isDict(k)) {
      let t = tablesOf(obj);
      if (t instanceof Promise) t = await t;
      ownDict(i, obj, t);
    }
  }
  const claimDict = (i: number, dict: number): void => {
    if (!dict || dict % w) return;
    const r = rowAt(dict);
    if (r < 0 || rowType[r] < 0 || !isDict(rowType[r]) || owner[r] >= 0 || starts[r] + rowOffset[r] !== dict) return;
    owner[r] = i;
    role[r] = 4;
  };
  for (let i = 0; i < rows; i++) {
    const k = rowType[i];
    if (k < 0) continue;
    const ty = types[k];
    const obj = starts[i] + rowOffset[i];
    if (k === instanceIdx) {
      claimDict(i, await pages.wordAt(obj + 3 * w, 0));
      continue;
    }
    if (major === 3 && minor >= 11 && ty.flags & TPFLAGS.MANAGED_DICT) {
      let dictOrValues = pages.wordAt(obj - 3 * w, 0);
      if (typeof dictOrValues !== 'number') dictOrValues = await dictOrValues;
      if (minor === 11) {
        claimDict(i, dictOrValues);
        let values = pages.wordAt(obj - 4 * w, 0);
        if (typeof values !== 'number') values = await values;
        if (values) own(rowAt(values), i, 5);
      } else if (minor === 12 && dictOrValues % 2 === 1) own(rowAt(dictOrValues + 1), i, 5); // stored as values - 1
      else claimDict(i, dictOrValues);
      continue;
    }
    if (ty.dictoffset > 0 && ty.dictoffset < 1 << 16 && !isDict(k) && !isList(k)) {
      const d = pages.wordAt(obj + ty.dictoffset, 0);
      claimDict(i, typeof d === 'number' ? d : await d);
    }
  }
  return { owner, role };
}

/** The unowned object row that (transitively) owns `row`, or `row` itself. */
export function rootOf(owner: Int32Array, row: number): number {
  let r = row;
  for (let d = 0; d < 8 && owner[r] >= 0; d++) r = owner[r];
  return r;
}
