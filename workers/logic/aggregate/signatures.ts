/**
 * C++ class names from vtable pointers ("signatures", as chap calls them).
 *
 * An allocation whose first word points into a vtable is an object of that
 * class. The class name comes from a `_ZTV…` symbol (dropped binary or in-core
 * `.dynsym`) whose object contains the pointer, else from the typeinfo the
 * vtable points to in the core: `vtable[-1]` → typeinfo, typeinfo word 1 → the
 * mangled type name (`N7widgets4RectE`), demangled.
 */
import { addressOrder, isInUse, type AllocationTable } from '../../../src/model/allocations.ts';
import { allocShared } from '../../../src/model/columns.ts';
import { StringTableBuilder, type StringTableData } from '../../../src/model/strings.ts';
import type { ProcessMemory } from '../formats/elf/memory.ts';
import { classOfVtableSymbol, demangleType } from '../symbols/demangle.ts';
import { moduleIndexAt, readCString, type ModuleMap } from '../symbols/modules.ts';
import { vtableAt } from '../symbols/symbol-table.ts';
import { StageMeter, type ReadControl } from '../io/stream.ts';

/** Rows between two cancel checks / progress reports (no await per allocation). */
const BATCH = 1 << 16;

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
 * Bytes of one window of first words, unless the core says otherwise (`readWindow`: the browser's `File` wants 8 MiB,
 * `io/source.ts`). 1 MiB stays in the CPU's caches while it is scanned: in Node 8 MiB windows took twice as long.
 */
const WINDOW = 1 << 20;
/** The read-ahead window starts this far before the end of the current one, so that a row straddling the end is in it. */
const OVERLAP = 64;

/** A window of process memory being read (or read) into one of the two scratch buffers. */
interface Win {
  start: number;
  /** Resolves to the bytes, or null when the core lacks them. */
  bytes: Promise<Uint8Array | null>;
  buffer: number;
}

/**
 * The in-use rows whose first word points into a module (vtable candidates) with that word, in one pass over the
 * rows in address order: the first words are read window by window (two reused buffers, the next window read while
 * this one is scanned; no await per row).
 */
async function candidates(core: ProcessMemory, table: AllocationTable, modules: ModuleMap, meter?: StageMeter): Promise<{ rows: Uint32Array; words: Float64Array }> {
  const w = core.pointerSize;
  let rows = new Uint32Array(1024);
  let words = new Float64Array(1024);
  let n = 0;
  const keep = (row: number, word: number): void => {
    if (!word || word % w !== 0 || moduleIndexAt(modules, word) < 0) return;
    if (n === rows.length) {
      const r2 = new Uint32Array(n * 2);
      r2.set(rows);
      rows = r2;
      const w2 = new Float64Array(n * 2);
      w2.set(words);
      words = w2;
    }
    rows[n] = row;
    words[n++] = word;
  };
  const usable = (row: number): boolean => isInUse(table.state[row]) && table.size[row] >= w;
  const order = addressOrder(table);
  const readableEnd = (core as ProcessMemory & { readableEnd?(a: number): number }).readableEnd?.bind(core);
  const scratch: Uint8Array[] = [];
  const window = Math.max(4096, core.readWindow ?? WINDOW);
  const fetch = (start: number, buffer: number): Win | null => {
    const len = readableEnd ? Math.min(window, readableEnd(start) - start) : window;
    if (len < w) return null;
    let bytes: Promise<Uint8Array | null>;
    if (core.readInto) {
      const dst = (scratch[buffer] ??= new Uint8Array(window)).subarray(0, len);
      bytes = core.readInto(start, dst);
    } else bytes = core.read(start, len);
    // A read-ahead nobody waits for must not be an unhandled rejection; the window used is awaited below.
    bytes.catch(() => null);
    return { start, bytes, buffer };
  };
  let win: Uint8Array | null = null;
  let dv: DataView | null = null;
  let winStart = 0;
  let winEnd = 0;
  let buffer = 0;
  let ahead: Win | null = null;
  for (let k = 0; k < table.rows; k++) {
    if ((k & (BATCH - 1)) === 0) meter?.at(k);
    const row = order ? order[k] : k;
    if (!usable(row)) continue;
    const a = table.addrHi[row] * 4294967296 + table.addrLo[row];
    if (!win || a < winStart || a + w > winEnd) {
      let got: Win | null = null;
      if (ahead) {
        // The window read ahead holds this row when the rows run on (the usual case); else it is dropped.
        const b = await ahead.bytes;
        if (b && a >= ahead.start && a + w <= ahead.start + b.length) {
          got = ahead;
          win = b;
        }
        ahead = null;
      }
      if (!got) {
        buffer ^= 1;
        got = fetch(a, buffer);
        win = got ? await got.bytes : null;
      }
      if (!got || !win) {
        win = null;
        const word = await core.readWord(a);
        if (word !== null) keep(row, word);
        continue;
      }
      buffer = got.buffer;
      dv = new DataView(win.buffer, win.byteOffset, win.byteLength);
      winStart = got.start;
      winEnd = winStart + win.length;
      // Read the next window (into the other buffer) while this one is scanned.
      if (win.length > OVERLAP) ahead = fetch(winEnd - OVERLAP, buffer ^ 1);
    }
    const o = a - winStart;
    keep(row, w === 8 ? dv!.getUint32(o, true) + dv!.getUint32(o + 4, true) * 4294967296 : dv!.getUint32(o, true));
  }
  if (ahead) await ahead.bytes.catch(() => null);
  rows = rows.subarray(0, n);
  words = words.subarray(0, n);
  if (order) {
    // Table order (the order class names are first seen in, hence their string ids and ties between classes).
    const by = Uint32Array.from({ length: n }, (_, i) => i).sort((x, y) => rows[x] - rows[y]);
    return { rows: Uint32Array.from(by, (i) => rows[i]), words: Float64Array.from(by, (i) => words[i]) };
  }
  return { rows, words };
}

/**
 * Names the class of every in-use allocation whose first word is a vtable
 * pointer. The candidates come in one pass (`candidates`); each distinct
 * pointer is then checked once (a few reads of the core per class, not per
 * allocation).
 */
export async function findSignatures(core: ProcessMemory, table: AllocationTable, modules: ModuleMap, ctl?: ReadControl, file = ''): Promise<Signatures> {
  // Progress is rows scanned (cancel checked once per batch of rows); the per-class checks that follow are few.
  const meter = ctl ? new StageMeter(ctl, file, 'classes', table.rows, 'items') : undefined;
  const strings = new StringTableBuilder();
  const rowClass = new Uint32Array(allocShared(Math.max(1, table.rows) * 4), 0, table.rows);
  const known = new Map<number, number>();
  const perClass = new Map<number, { name: string; signature: number; count: number; bytes: number }>();
  const cand = await candidates(core, table, modules, meter);
  for (let k = 0; k < cand.rows.length; k++) {
    if ((k & 1023) === 0) meter?.at(table.rows);
    const row = cand.rows[k];
    const first = cand.words[k];
    let id = known.get(first);
    if (id === undefined) {
      const name = await classOf(core, modules, first);
      id = name ? strings.intern(name) : 0;
      known.set(first, id);
    }
    if (!id) continue;
    rowClass[row] = id;
    let c = perClass.get(first);
    if (!c) {
      c = { name: strings.get(id), signature: first, count: 0, bytes: 0 };
      perClass.set(first, c);
    }
    c.count++;
    c.bytes += table.size[row];
  }
  meter?.end();
  return { rowClass, strings: strings.freeze(), classes: [...perClass.values()].sort((a, b) => b.count - a.count) };
}
