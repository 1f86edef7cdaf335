/**
 * The founding article's two moves, computed from the core's own objects:
 *
 * 1. `__slots__`: for each class whose instances carry a `__dict__` (or 3.11+
 *    managed / inline values), what the instances and their dicts take now, and
 *    what the same instances would take as a class with `__slots__` naming the
 *    attributes each instance has (no `__dict__`, no `__weakref__`): GC header +
 *    object header + one word per attribute, rounded to the allocator's block
 *    (obmalloc's alignment as its pools show it; glibc's chunk above 512 bytes).
 * 2. `array`: lists of at least `MIN_ITEMS` items that are all ints fitting in 64
 *    bits, or all floats: the list, its item array and the int / float objects
 *    only that list holds (reference count 1) now, against `array('q')` /
 *    `array('d')` holding the same values (the array object plus 8 bytes an item).
 */
import type { AllocationTable } from '../../../../src/model/allocations.ts';
import type { ArrayAdvice, SlotsAdvice } from '../../../../src/model/python-heap.ts';
import { isInUse, rowAddresses } from '../../../../src/model/allocations.ts';
import type { CoreFile } from '../../formats/elf/core-file.ts';
import { dictTables, dictTablesNow } from './dicts.ts';
import { TPFLAGS } from './layout.ts';
import type { Ownership } from './ownership.ts';
import { Pages } from './pages.ts';
import type { PythonObjects } from './types.ts';
import { lastAtOrBelow } from '../../../../src/model/sorted.ts';

export const MIN_ITEMS = 8;
/** sizeof(arrayobject) on 64-bit CPython (PyObject_VAR_HEAD, ob_item, allocated, ob_descr, weakreflist, ob_exports). */
const ARRAY_OBJECT = 64;

export type { SlotsAdvice, ArrayAdvice } from '../../../../src/model/python-heap.ts';

export interface PythonAdvice {
  slots: SlotsAdvice[];
  arrays: ArrayAdvice[];
  /** obmalloc's block alignment (8 or 16), from its pools' block sizes. */
  alignment: number;
}

const roundUp = (n: number, a: number): number => Math.ceil(n / a) * a;

export async function pythonAdvice(core: CoreFile, table: AllocationTable, objects: PythonObjects, own: Ownership, blockSizes: Iterable<number>, pages: Pages = new Pages(core)): Promise<PythonAdvice> {
  const { layout: L, types, rowType, rowOffset } = objects;
  const w = L.w;
  const { major, minor } = L.version;
  let alignment = 16;
  for (const s of blockSizes) if (s % 16 !== 0) alignment = 8;
  /** Bytes an allocation of `n` requested bytes takes: obmalloc up to 512, else a glibc chunk's usable size. */
  const alloc = (n: number): number => (n <= 512 ? roundUp(n, alignment) : roundUp(n + w, 2 * w) - w);
  const rows = table.rows;
  const starts = rowAddresses(table);
  const rowAt = (addr: number): number => {
    const best = lastAtOrBelow(starts, addr);
    return best >= 0 && addr < starts[best] + table.size[best] ? best : -1;
  };

  // Rows owned by each root row (its dict, the dict's tables, values arrays), as CSR: owned[ownedStart[r] … ownedStart[r + 1]).
  const rootOfRow = new Int32Array(rows).fill(-1);
  const ownedStart = new Int32Array(rows + 1);
  for (let i = 0; i < rows; i++) {
    if (own.owner[i] < 0 || !isInUse(table.state[i])) continue;
    let r = own.owner[i];
    for (let d = 0; d < 8 && own.owner[r] >= 0; d++) r = own.owner[r];
    rootOfRow[i] = r;
    ownedStart[r + 1]++;
  }
  for (let r = 0; r < rows; r++) ownedStart[r + 1] += ownedStart[r];
  const owned = new Int32Array(ownedStart[rows]);
  const fill = ownedStart.slice(0, rows);
  for (let i = 0; i < rows; i++) if (rootOfRow[i] >= 0) owned[fill[rootOfRow[i]]++] = i;

  // 1. __slots__
  const perType = new Map<number, SlotsAdvice>();
  for (let i = 0; i < rows; i++) {
    const k = rowType[i];
    if (k < 0 || own.owner[i] >= 0 || !isInUse(table.state[i])) continue;
    const ty = types[k];
    if (!ty.isHeap) continue;
    const managed = major === 3 && minor >= 11 && (ty.flags & TPFLAGS.MANAGED_DICT) !== 0;
    if (!managed && !(ty.dictoffset > 0)) continue;
    if (ty.flags & (TPFLAGS.DICT_SUBCLASS | TPFLAGS.LIST_SUBCLASS | TPFLAGS.TYPE_SUBCLASS)) continue;
    const obj = starts[i] + rowOffset[i];
    let attrs = -1;
    let dictBytes = 0;
    let inline = 0;
    for (let j = ownedStart[i]; j < ownedStart[i + 1]; j++) {
      const c = owned[j];
      dictBytes += table.size[c];
      if (own.role[c] === 4) {
        let t = dictTablesNow(pages, L, starts[c] + rowOffset[c]);
        if (t === undefined) t = await dictTables(pages, L, starts[c] + rowOffset[c]);
        if (t) attrs = t.used;
      } else if (own.role[c] === 5 && attrs < 0) {
        const v = minor === 11 ? await pages.wordAt(obj - 4 * w, 0) : (await pages.wordAt(obj - 3 * w, 0)) + 1;
        await pages.load(v - 2, 2);
        attrs = pages.u8(v - 2, 0);
      }
    }
    if (attrs < 0 && major === 3 && minor >= 13 && managed) {
      // Inline values after the object: { capacity, size, embedded, valid } then the values.
      const at = obj + ty.basicsize;
      await pages.load(at, 4);
      attrs = pages.u8(at + 1, 0);
      inline = table.size[i] - rowOffset[i] - ty.basicsize;
    }
    if (attrs < 0) continue; // no dict yet: nothing to save
    let a = perType.get(k);
    if (!a) perType.set(k, (a = { type: ty.name, instances: 0, instanceBytes: 0, dictBytes: 0, attributes: 0, slotsBytes: 0, saves: 0 }));
    a.instances++;
    a.instanceBytes += table.size[i] - inline;
    a.dictBytes += dictBytes + inline;
    a.attributes = Math.max(a.attributes, attrs);
    a.slotsBytes += alloc(objects.gcSize + 2 * w + attrs * w);
  }
  // 3.13 keeps the values inline, inside the instance's block: they count as dict bytes, not instance bytes.
  const slots = [...perType.values()]
    .map((a) => ({ ...a, saves: a.instanceBytes + a.dictBytes - a.slotsBytes }))
    .filter((a) => a.saves > 0)
    .sort((x, y) => y.saves - x.saves);

  // 2. array
  const intIdx = new Set(types.flatMap((t, k) => (t.name === 'int' || (major === 2 && t.name === 'long') ? [k] : [])));
  const floatIdx = new Set(types.flatMap((t, k) => (t.name === 'float' ? [k] : [])));
  const intTypes = new Set([...intIdx].map((k) => types[k].address));
  const floatTypes = new Set([...floatIdx].map((k) => types[k].address));
  const listIdx = types.findIndex((t) => t.name === 'list');
  const arrays: Record<'int' | 'float', ArrayAdvice> = {
    int: { kind: 'int', lists: 0, items: 0, bytes: 0, arrayBytes: 0, saves: 0, typecode: 'q' },
    float: { kind: 'float', lists: 0, items: 0, bytes: 0, arrayBytes: 0, saves: 0, typecode: 'd' },
  };
  if (listIdx >= 0 && (intTypes.size || floatTypes.size)) {
    for (let i = 0; i < rows; i++) {
      if (rowType[i] !== listIdx || own.owner[i] >= 0 || !isInUse(table.state[i])) continue;
      const obj = starts[i] + rowOffset[i];
      // Reads are synchronous when their page is loaded: no await (a microtask) per word.
      let n = pages.wordAt(obj + 2 * w, 0);
      if (typeof n !== 'number') n = await n;
      let items = pages.wordAt(obj + 3 * w, 0);
      if (typeof items !== 'number') items = await items;
      if (n < MIN_ITEMS || n > 1 << 24 || !items) continue;
      await pages.load(items, n * w);
      let kind: 'int' | 'float' | null = null;
      let bytes = table.size[i];
      const itemsRow = rowAt(items);
      if (itemsRow >= 0 && own.owner[itemsRow] === i) bytes += table.size[itemsRow];
      let ok = true;
      for (let j = 0; j < n && ok; j++) {
        const p = pages.word(items + j * w, 0);
        if (!p) {
          ok = false;
          break;
        }
        let t = pages.wordAt(p + w, 0);
        if (typeof t !== 'number') t = await t;
        const k: 'int' | 'float' | null = intTypes.has(t) ? 'int' : floatTypes.has(t) ? 'float' : null;
        if (!k || (kind && k !== kind)) ok = false;
        kind = k;
        const r = rowAt(p);
        if (r >= 0 && starts[r] + rowOffset[r] === p) {
          if (kind === 'int' && table.size[r] > 32) ok = false; // more than two 30-bit digits: may not fit in 64 bits
          let refs = pages.wordAt(p, 0);
          if (typeof refs !== 'number') refs = await refs;
          if (refs === 1) bytes += table.size[r];
        }
      }
      if (!ok || !kind) continue;
      const a = arrays[kind];
      a.lists++;
      a.items += n;
      a.bytes += bytes;
      a.arrayBytes += alloc(ARRAY_OBJECT + objects.gcSize) + alloc(n * 8);
    }
  }
  const arr = Object.values(arrays)
    .map((a) => ({ ...a, saves: a.bytes - a.arrayBytes }))
    .filter((a) => a.lists > 0 && a.saves > 0);
  return { slots, arrays: arr, alignment };
}
