/**
 * C++ class names from vtable pointers ("signatures", as chap calls them).
 *
 * An allocation whose first word points into a vtable is an object of that
 * class. The class name comes from a `_ZTV…` symbol (dropped binary or in-core
 * `.dynsym`) whose object contains the pointer, else from the typeinfo the
 * vtable points to in the core: `vtable[-1]` → typeinfo, typeinfo word 1 → the
 * mangled type name (`N7widgets4RectE`), demangled.
 */
import { addressOrder, isInUse, type AllocationTable, type IdColumn } from '../../../src/model/allocations.ts';
import { allocShared } from '../../../src/model/columns.ts';
import { StringTableBuilder, type StringTableData } from '../../../src/model/strings.ts';
import type { ProcessMemory } from '../formats/elf/memory.ts';
import { classOfVtableSymbol, demangleType } from '../symbols/demangle.ts';
import { moduleIndexAt, readCString, type ModuleMap } from '../symbols/modules.ts';
import { vtableAt } from '../symbols/symbol-table.ts';
import { StageMeter, type ReadControl } from '../io/stream.ts';
import type { SeenWords } from './module-words.ts';
import { word } from '../io/le.ts';
import { lastAtOrBelow } from '../../../src/model/sorted.ts';

/** Rows between two cancel checks / progress reports (no await per allocation). */
const BATCH = 1 << 16;

/** Per-row class ids plus per-class counts. */
export interface Signatures {
  /** Per allocation row: string id of the class name in `strings`, 0 = none. */
  rowClass: IdColumn;
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

const PAGE = 4096;

/**
 * Process memory with some pages read ahead, in bulk: `load(ranges)` reads every page the ranges touch (runs of
 * adjacent pages in one read each, all at once), and `read` answers from them when they hold the whole range, else
 * asks the core. The class checks read a few words per distinct vtable pointer (its typeinfo, the type's name): in the
 * browser each small read is a round trip to the browser process (~0.6 ms), so thousands of them read one by one took
 * seconds; read in bulk, one round trip per run of pages.
 */
class Prefetched implements Pick<ProcessMemory, 'pointerSize' | 'read' | 'readWord'> {
  private readonly pages = new Map<number, Uint8Array>();
  constructor(private readonly core: ProcessMemory) {}

  get pointerSize(): number {
    return this.core.pointerSize;
  }

  async load(ranges: { addr: number; length: number }[]): Promise<void> {
    const want = new Set<number>();
    for (const r of ranges) {
      if (r.length <= 0 || r.addr < 0 || !Number.isSafeInteger(r.addr + r.length)) continue;
      for (let p = Math.floor(r.addr / PAGE); p * PAGE < r.addr + r.length; p++) if (!this.pages.has(p)) want.add(p);
    }
    const sorted = [...want].sort((a, b) => a - b);
    const runs: { first: number; count: number }[] = [];
    for (const p of sorted) {
      const last = runs[runs.length - 1];
      if (last && p === last.first + last.count && last.count < 256) last.count++;
      else runs.push({ first: p, count: 1 });
    }
    await Promise.all(
      runs.map(async ({ first, count }) => {
        const b = await this.core.read(first * PAGE, count * PAGE);
        if (b) {
          for (let i = 0; i < count; i++) this.pages.set(first + i, b.subarray(i * PAGE, (i + 1) * PAGE));
          return;
        }
        // Part of the run is not in the core: the pages that are, one by one (the others are read as asked).
        await Promise.all(
          Array.from({ length: count }, async (_, i) => {
            const one = await this.core.read((first + i) * PAGE, PAGE);
            if (one) this.pages.set(first + i, one);
          }),
        );
      }),
    );
  }

  read(addr: number, length: number): Promise<Uint8Array | null> {
    const first = Math.floor(addr / PAGE);
    const last = Math.floor((addr + length - 1) / PAGE);
    const p0 = this.pages.get(first);
    if (length > 0 && p0 && first === last) return Promise.resolve(p0.subarray(addr - first * PAGE, addr - first * PAGE + length));
    if (length > 0 && p0) {
      const out = new Uint8Array(length);
      for (let p = first; p <= last; p++) {
        const pg = this.pages.get(p);
        if (!pg) return this.core.read(addr, length);
        const from = Math.max(addr, p * PAGE);
        const to = Math.min(addr + length, (p + 1) * PAGE);
        out.set(pg.subarray(from - p * PAGE, to - p * PAGE), from - addr);
      }
      return Promise.resolve(out);
    }
    return this.core.read(addr, length);
  }

  async readWord(addr: number): Promise<number | null> {
    const b = await this.read(addr, this.pointerSize);
    if (!b) return null;
    // As the core reads a word (io/le.ts).
    return word(b, 0, this.pointerSize === 8);
  }
}

/**
 * The class name of each distinct candidate word (`classOf`), its reads done in three bulk rounds: the words before
 * the candidates (typeinfo pointers), the words after those (name pointers), the names.
 */
async function classesOf(core: ProcessMemory, modules: ModuleMap, words: Float64Array): Promise<Map<number, string | null>> {
  const w = core.pointerSize;
  const distinct = [...new Set(words)].filter((x) => moduleIndexAt(modules, x) >= 0);
  const mem = new Prefetched(core);
  await mem.load(distinct.map((x) => ({ addr: x - w, length: w })));
  const tis: number[] = [];
  for (const x of distinct) {
    const ti = await mem.readWord(x - w);
    if (ti && moduleIndexAt(modules, ti) >= 0) tis.push(ti);
  }
  await mem.load(tis.map((ti) => ({ addr: ti + w, length: w })));
  const names: number[] = [];
  for (const ti of tis) {
    const at = await mem.readWord(ti + w);
    if (at && moduleIndexAt(modules, at) >= 0) names.push(at);
  }
  // readCString reads up to 1,024 bytes (and the rest of its last 256-byte piece).
  await mem.load(names.map((at) => ({ addr: at, length: 1024 + 256 })));
  const out = new Map<number, string | null>();
  for (const x of distinct) out.set(x, await classOf(mem as unknown as ProcessMemory, modules, x));
  return out;
}
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
async function candidates(core: ProcessMemory, table: AllocationTable, modules: ModuleMap, meter?: StageMeter, seen?: SeenWords): Promise<{ rows: Uint32Array; words: Float64Array }> {
  const w = core.pointerSize;
  const order = addressOrder(table);
  const readableEnd = (core as ProcessMemory & { readableEnd?(a: number): number }).readableEnd?.bind(core);
  const scratch: Uint8Array[] = [];
  const window = Math.max(4096, core.readWindow ?? WINDOW);
  // Where the heap walk's seen bytes start again after `start` (reads stop there: those rows need no read).
  const seenAfter = (start: number): number => {
    if (!seen) return Infinity;
    const k = lastAtOrBelow(seen.starts, start) + 1;
    return k < seen.starts.length ? seen.starts[k] : Infinity;
  };
  const fetch = (start: number, buffer: number): Win | null => {
    const len = Math.min(window, (readableEnd ? readableEnd(start) : Infinity) - start, Math.max(w, seenAfter(start) - start));
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
  const scan = new CandidateScan(table, modules, w, order, seen, meter);
  let buffer = 0;
  let ahead: Win | null = null;
  for (;;) {
    // Rows whose first word the walk saw or the window holds, without an await; then the window for row `k`.
    const k = scan.run();
    if (k >= table.rows) break;
    const row = order ? order[k] : k;
    const a = table.addrHi[row] * 4294967296 + table.addrLo[row];
    let got: Win | null = null;
    let win: Uint8Array | null = null;
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
    if (!got || !win || a + w > got.start + win.length) {
      // No window holds the row (not readable, or read short): its word alone.
      scan.setWindow(null, 0);
      const word = await core.readWord(a);
      if (word !== null) scan.keep(row, word);
      scan.k = k + 1;
      continue;
    }
    buffer = got.buffer;
    scan.setWindow(win, got.start);
    const winEnd = got.start + win.length;
    // Read the next window (into the other buffer) while this one is scanned.
    if (win.length > OVERLAP && seenAfter(winEnd - OVERLAP) > winEnd) ahead = fetch(winEnd - OVERLAP, buffer ^ 1);
  }
  if (ahead) await ahead.bytes.catch(() => null);
  const rows = scan.rows.subarray(0, scan.n);
  const words = scan.words.subarray(0, scan.n);
  const n = scan.n;
  if (order) {
    // Table order (the order class names are first seen in, hence their string ids and ties between classes).
    const by = Uint32Array.from({ length: n }, (_, i) => i).sort((x, y) => rows[x] - rows[y]);
    return { rows: Uint32Array.from(by, (i) => rows[i]), words: Float64Array.from(by, (i) => words[i]) };
  }
  return { rows, words };
}

/**
 * `candidates`' pass over the rows in address order, between window reads: `run` is synchronous (V8 optimises its
 * loop; the same loop inside the async function ran several times slower), and stops at the first row whose first
 * word is neither in the walk's seen words nor in the window.
 */
class CandidateScan {
  rows = new Uint32Array(1024);
  words = new Float64Array(1024);
  n = 0;
  /** The next row (in address order) to look at. */
  k = 0;
  /** Indexes into the seen intervals and words (rows come in address order, and so do they). */
  private si = 0;
  private ki = 0;
  private dv: DataView | null = null;
  private winStart = 0;
  private winEnd = 0;

  constructor(
    private readonly table: AllocationTable,
    private readonly modules: ModuleMap,
    private readonly w: number,
    private readonly order: Uint32Array | null,
    private readonly seen: SeenWords | undefined,
    private readonly meter: StageMeter | undefined,
  ) {}

  setWindow(win: Uint8Array | null, start: number): void {
    this.dv = win ? new DataView(win.buffer, win.byteOffset, win.byteLength) : null;
    this.winStart = start;
    this.winEnd = win ? start + win.length : 0;
  }

  /** Keeps `row` when its first word is a non-zero aligned pointer into a module. */
  keep(row: number, word: number): void {
    const w = this.w;
    // Alignment without a double's % (a library call): division by a power of two is exact.
    if (!word || Math.floor(word / w) * w !== word || moduleIndexAt(this.modules, word) < 0) return;
    if (this.n === this.rows.length) {
      const r2 = new Uint32Array(this.n * 2);
      r2.set(this.rows);
      this.rows = r2;
      const w2 = new Float64Array(this.n * 2);
      w2.set(this.words);
      this.words = w2;
    }
    this.rows[this.n] = row;
    this.words[this.n++] = word;
  }

  /** Looks at rows from `k`; returns the row index whose window must be read, or the table's rows when done. */
  run(): number {
    const { table, order, seen, meter, w } = this;
    const { addrHi, addrLo, state, size } = table;
    const nRows = table.rows;
    const nSeen = seen ? seen.starts.length : 0;
    // The seen words' step is a power of two dividing 2^32 (two words): a multiple of it is read off the low half.
    const stepMask = seen && seen.step <= 4294967296 && (seen.step & (seen.step - 1)) === 0 ? seen.step - 1 : -1;
    let { si, ki } = this;
    const dv = this.dv;
    const { winStart, winEnd } = this;
    let k = this.k;
    for (; k < nRows; k++) {
      if ((k & (BATCH - 1)) === 0) meter?.at(k);
      const row = order ? order[k] : k;
      if (!isInUse(state[row]) || size[row] < w) continue;
      const lo = addrLo[row];
      const a = addrHi[row] * 4294967296 + lo;
      if (seen && (stepMask >= 0 ? (lo & stepMask) === 0 : a % seen.step === 0)) {
        while (si < nSeen && seen.ends[si] < a + w) si++;
        if (si < nSeen && seen.starts[si] <= a) {
          // The heap walk read this first word: a candidate exactly when it was kept.
          while (ki < seen.addrs.length && seen.addrs[ki] < a) ki++;
          if (ki < seen.addrs.length && seen.addrs[ki] === a) this.keep(row, seen.values[ki]);
          continue;
        }
      }
      if (!dv || a < winStart || a + w > winEnd) break;
      const o = a - winStart;
      this.keep(row, w === 8 ? dv.getUint32(o, true) + dv.getUint32(o + 4, true) * 4294967296 : dv.getUint32(o, true));
    }
    this.si = si;
    this.ki = ki;
    this.k = k;
    return k;
  }
}

/**
 * The `rowClass` of a table where no row has a class: the table's own type column when it names nothing either (every
 * id 0: the same answer, and a column fewer — 24 MiB on a 25M-allocation core, whose walk types are Uint8), else a column of zeros.
 */
function noClasses(table: AllocationTable): IdColumn {
  const t = table.type;
  for (let i = 0; i < table.rows; i++) if (t[i] !== 0) return new Uint32Array(allocShared(Math.max(1, table.rows) * 4), 0, table.rows);
  return t.length === table.rows ? t : t.subarray(0, table.rows);
}

/**
 * Names the class of every in-use allocation whose first word is a vtable
 * pointer. The candidates come in one pass (`candidates`): from `seen` (the words the heap walk read,
 * `module-words.ts`) where it covers a row's first word, else read from the core; each distinct
 * pointer is then checked once (a few reads of the core per class, not per
 * allocation).
 */
export async function findSignatures(core: ProcessMemory, table: AllocationTable, modules: ModuleMap, ctl?: ReadControl, file = '', seen?: SeenWords): Promise<Signatures> {
  // Progress is rows scanned (cancel checked once per batch of rows); the per-class checks that follow are few.
  const meter = ctl ? new StageMeter(ctl, file, 'classes', table.rows, 'items') : undefined;
  const strings = new StringTableBuilder();
  // Made at the first class found: a core without one (a C program) costs no column of zeros.
  let rowClass: Uint32Array | null = null;
  const known = new Map<number, number>();
  const perClass = new Map<number, { name: string; signature: number; count: number; bytes: number }>();
  const cand = await candidates(core, table, modules, meter, seen);
  const names = await classesOf(core, modules, cand.words);
  for (let k = 0; k < cand.rows.length; k++) {
    if ((k & 1023) === 0) meter?.at(table.rows);
    const row = cand.rows[k];
    const first = cand.words[k];
    let id = known.get(first);
    if (id === undefined) {
      const name = names.get(first) ?? null;
      id = name ? strings.intern(name) : 0;
      known.set(first, id);
    }
    if (!id) continue;
    rowClass ??= new Uint32Array(allocShared(Math.max(1, table.rows) * 4), 0, table.rows);
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
  return { rowClass: rowClass ?? noClasses(table), strings: strings.freeze(), classes: [...perClass.values()].sort((a, b) => b.count - a.count) };
}
