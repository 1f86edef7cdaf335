/**
 * C++ class names from vtable pointers ("signatures", as chap calls them).
 *
 * An allocation whose first word points into a vtable is an object of that
 * class. The class name comes from a `_ZTV…` symbol (dropped binary or in-core
 * `.dynsym`) whose object contains the pointer, else from the typeinfo the
 * vtable points to in the core: `vtable[-1]` → typeinfo, typeinfo word 1 → the
 * mangled type name (`N7widgets4RectE`), demangled.
 */
import { isInUse, type AllocationTable } from '../../../src/model/allocations.ts';
import { allocShared } from '../../../src/model/columns.ts';
import { StringTableBuilder, type StringTableData } from '../../../src/model/strings.ts';
import type { ProcessMemory } from '../formats/elf/memory.ts';
import { classOfVtableSymbol, demangleType } from '../symbols/demangle.ts';
import { moduleIndexAt, readCString, type ModuleMap } from '../symbols/modules.ts';
import { vtableAt } from '../symbols/symbol-table.ts';

/** Per-row class ids plus per-class counts. */
export interface Signatures {
  /** Per allocation row: string id of the class name in `strings`, 0 = none. */
  rowClass: Uint32Array;
  strings: StringTableData;
  /** Classes with their vtable address (the signature) and count/bytes, by count descending. */
  classes: { name: string; signature: number; count: number; bytes: number }[];
}

/** Class name for a candidate vtable pointer `w`, or null. */
async function classOf(core: ProcessMemory, modules: ModuleMap, w: number): Promise<string | null> {
  const mi = moduleIndexAt(modules, w);
  if (mi < 0) return null;
  const m = modules.modules[mi];
  if (m.symbols) {
    const v = vtableAt(m.symbols, w - m.bias);
    if (v) {
      // The address point is past offset-to-top and the typeinfo pointer.
      if (w - m.bias < v.addr + 2 * core.pointerSize) return null;
      return classOfVtableSymbol(v.name);
    }
  }
  const ti = await core.readWord(w - core.pointerSize);
  if (!ti || moduleIndexAt(modules, ti) < 0) return null;
  const nameAddr = await core.readWord(ti + core.pointerSize);
  if (!nameAddr || moduleIndexAt(modules, nameAddr) < 0) return null;
  const mangled = await readCString(core, nameAddr, 1024);
  if (!mangled || !/^[A-Za-z0-9_]+$/.test(mangled)) return null;
  return demangleType(mangled);
}

/**
 * Names the class of every in-use allocation whose first word is a vtable
 * pointer. Pointers are checked once each (cached), so the cost is one word
 * read per allocation.
 */
export async function findSignatures(core: ProcessMemory, table: AllocationTable, modules: ModuleMap): Promise<Signatures> {
  const strings = new StringTableBuilder();
  const rowClass = new Uint32Array(allocShared(Math.max(1, table.rows) * 4), 0, table.rows);
  const known = new Map<number, number>();
  const perClass = new Map<number, { name: string; signature: number; count: number; bytes: number }>();
  const w = core.pointerSize;
  for (let row = 0; row < table.rows; row++) {
    if (!isInUse(table.state[row]) || table.size[row] < w) continue;
    const addr = table.addrHi[row] * 4294967296 + table.addrLo[row];
    const first = await core.readWord(addr);
    if (!first || first % w !== 0) continue;
    let id = known.get(first);
    if (id === undefined) {
      const name = moduleIndexAt(modules, first) >= 0 ? await classOf(core, modules, first) : null;
      id = name ? strings.intern(name) : 0;
      known.set(first, id);
    }
    if (!id) continue;
    rowClass[row] = id;
    const key = first;
    let c = perClass.get(key);
    if (!c) {
      c = { name: strings.get(id), signature: first, count: 0, bytes: 0 };
      perClass.set(key, c);
    }
    c.count++;
    c.bytes += table.size[row];
  }
  return { rowClass, strings: strings.freeze(), classes: [...perClass.values()].sort((a, b) => b.count - a.count) };
}
