/**
 * Building a snapshot's one allocation table from a core's heap walk and the
 * chap lists of that core, or from chap lists alone. Each allocation appears
 * once; what the lists add (chap's type names, set flags) lands in its row.
 */
import { AllocationTableBuilder, type AllocationTable, type AllocState, type IdColumn } from '../../../src/model/allocations.ts';
import { allocShared } from '../../../src/model/columns.ts';
import { StringTable, StringTableBuilder, type StringTableData } from '../../../src/model/strings.ts';

export interface ListFacts {
  table: AllocationTable;
  /** For each list row, the row of the base table it is. */
  rows: Uint32Array;
  /** Flags the list's lines give its rows, if any. */
  flags: Uint16Array | null;
}

/** Re-interns the strings of several tables into one builder, lazily per id. */
class Reinterner {
  readonly out = new StringTableBuilder();
  private readonly maps = new Map<AllocationTable, { src: StringTable; ids: Int32Array }>();

  id(t: AllocationTable, id: number): number {
    if (id === 0) return 0;
    let m = this.maps.get(t);
    if (!m) {
      const src = new StringTable(t.strings);
      m = { src, ids: new Int32Array(Math.max(1, src.size)).fill(-1) };
      this.maps.set(t, m);
    }
    let v = m.ids[id];
    if (v < 0) {
      v = this.out.intern(m.src.get(id));
      m.ids[id] = v;
    }
    return v;
  }
}

function sharedU32(n: number): Uint32Array {
  return new Uint32Array(allocShared(Math.max(1, n) * 4), 0, n);
}

function sharedU16(n: number): Uint16Array {
  return new Uint16Array(allocShared(Math.max(2, n * 2)), 0, n);
}

/**
 * The base table (a core's walk) with the lists' type names where they name a
 * row (chap's signatures and patterns win over an unnamed row) and their flags.
 * Columns the lists do not change are shared with the base, not copied.
 */
export function withListFacts(base: AllocationTable, lists: ListFacts[]): AllocationTable {
  const typed = lists.filter((l) => hasTypes(l.table));
  const flagged = lists.filter((l) => l.flags);
  if (typed.length === 0 && flagged.length === 0) return base;
  const out: AllocationTable = { ...base };
  if (typed.length) {
    const strings = new Reinterner();
    const type = sharedU32(base.rows);
    for (let r = 0; r < base.rows; r++) type[r] = strings.id(base, base.type[r]);
    for (const l of typed) {
      for (let i = 0; i < l.table.rows; i++) {
        const id = l.table.type[i];
        if (id) type[l.rows[i]] = strings.id(l.table, id);
      }
    }
    out.type = type;
    out.strings = strings.out.freeze();
  }
  if (flagged.length) {
    const flags = sharedU16(base.rows);
    if (base.flags) flags.set(base.flags);
    for (const l of flagged) for (let i = 0; i < l.table.rows; i++) flags[l.rows[i]] |= l.flags![i];
    out.flags = flags;
  }
  return out;
}

function hasTypes(t: AllocationTable): boolean {
  for (let i = 0; i < t.rows; i++) if (t.type[i]) return true;
  return false;
}

/**
 * One table from chap lists without a core: every row of every list, by
 * address, each allocation (address and size) once; a row listed twice keeps the
 * first list's state and type and gathers every list's flags. `rowsOf[k]` are
 * the merged rows list k lists, ascending.
 */
export function listOnlyTable(lists: { table: AllocationTable; flags: Uint16Array | null }[]): { table: AllocationTable; rowsOf: Uint32Array[] } {
  if (lists.length === 1 && !lists[0].flags) {
    const t = lists[0].table;
    const rows = sharedU32(t.rows);
    for (let i = 0; i < t.rows; i++) rows[i] = i;
    return { table: t, rowsOf: [rows] };
  }
  // Every (list, row), sorted by address, then list order.
  let n = 0;
  for (const l of lists) n += l.table.rows;
  const listOf = new Uint32Array(n);
  const rowOf = new Uint32Array(n);
  let k = 0;
  lists.forEach((l, li) => {
    const t = l.table;
    for (let i = 0; i < t.rows; i++, k++) {
      listOf[k] = li;
      rowOf[k] = i;
    }
  });
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => {
    const ta = lists[listOf[a]].table;
    const tb = lists[listOf[b]].table;
    const ra = rowOf[a];
    const rb = rowOf[b];
    return ta.addrHi[ra] - tb.addrHi[rb] || ta.addrLo[ra] - tb.addrLo[rb] || listOf[a] - listOf[b];
  });
  const anyFlags = lists.some((l) => l.flags);
  const b = new AllocationTableBuilder({ expectedRows: n, flags: anyFlags });
  const strings = new Reinterner();
  const member: number[][] = lists.map(() => []);
  let prevHi = -1;
  let prevLo = -1;
  let prevSize = -1;
  for (let i = 0; i < n; i++) {
    const e = order[i];
    const li = listOf[e];
    const t = lists[li].table;
    const r = rowOf[e];
    const hi = t.addrHi[r];
    const lo = t.addrLo[r];
    let row: number;
    if (hi === prevHi && lo === prevLo && t.size[r] === prevSize) {
      row = b.rows - 1;
      if (!b.type.get(row) && t.type[r]) b.type.set(row, strings.id(t, t.type[r]));
    } else {
      row = b.add(hi, lo, t.size[r], t.state[r] as AllocState, strings.id(t, t.type[r]));
      prevHi = hi;
      prevLo = lo;
      prevSize = t.size[r];
    }
    if (anyFlags && lists[li].flags) b.flags!.array[row] |= lists[li].flags![r];
    const m = member[li];
    if (m[m.length - 1] !== row) m.push(row);
  }
  const table = b.freeze();
  // The builder's strings are empty: the re-interned ones are the table's.
  table.strings = strings.out.freeze();
  return { table, rowsOf: member.map((m) => Uint32Array.from(m)) };
}

/**
 * The table with vtable class names (`rowClass`, ids into `classStrings`) in the
 * rows whose type is still unknown; rows a chap list named keep chap's name.
 */
export function withClasses(table: AllocationTable, rowClass: IdColumn, classStrings: StringTableData): AllocationTable {
  let named = false;
  for (let i = 0; i < table.rows && !named; i++) named = table.type[i] !== 0;
  if (!named) return { ...table, type: rowClass, strings: classStrings };
  const strings = new Reinterner();
  const classes: AllocationTable = { ...table, type: rowClass, strings: classStrings };
  const type = sharedU32(table.rows);
  for (let r = 0; r < table.rows; r++) type[r] = table.type[r] ? strings.id(table, table.type[r]) : strings.id(classes, rowClass[r]);
  return { ...table, type, strings: strings.out.freeze() };
}
