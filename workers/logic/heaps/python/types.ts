/**
 * Python objects in a core's allocations: which allocation holds a PyObject,
 * where in it the object starts, and its type (`ob_type` → the type object →
 * `tp_name`), for CPython 2.7 and 3.6–3.13 (64-bit).
 *
 * 1. `type` itself: the object in libpython's (or the executable's) data whose
 *    ob_type is itself, with Py_TPFLAGS_TYPE_SUBCLASS; `object` is its tp_base.
 * 2. A type is an object whose ob_type is `type` or a metatype (a type whose
 *    tp_base chain reaches `type`).
 * 3. An allocation holds an object at offset 0 (types without Py_TPFLAGS_HAVE_GC),
 *    after the GC header (collected types), or after the GC header and two more
 *    words (3.11+, managed dict / weakref types). Only the offset that the type's
 *    own flags call for is accepted, and the type's tp_basicsize must fit.
 * 4. Names: tp_name when its bytes are in the core (heap types — classes — keep
 *    it on the heap); static types' names lie in libpython's read-only data, which
 *    gcore does not dump, so they come from the file itself when the caller can
 *    open it (`MappedFiles`, build-id checked), else from the builtins dict
 *    (key → type) as chap names them, else they read `<type 0x…>`.
 * 5. GC tracking (what `gc.get_objects()` returns): the object's GC header is on
 *    one of the collector's doubly linked lists: its next header's prev link
 *    points back to it (`onGcList`), and 3.8+ `_gc_next != 0`, earlier `gc_refs !=
 *    _PyGC_REFS_UNTRACKED (-2)` (3.4–3.7 store it shifted left by one). The link
 *    back is what tells a live object from stale bytes that merely look like one:
 *    glibc's tcache entries are listed as used (as chap lists them), and a freed
 *    chunk's first two words — where a collected object's GC header lies — hold
 *    the tcache's (safe-linked) next pointer and its key, not a link back.
 *    Untracked is not dead: CPython untracks dicts and tuples that hold only
 *    atoms, and creates some objects untracked (`sys.flags` and the other
 *    struct sequences made in C). A list that is not tracked is on CPython's list
 *    free list or is such stale bytes (live lists are always tracked).
 *    (A core taken during a collection, when the generation being collected keeps
 *    gc_refs in its prev links, would count that generation as untracked.)
 * 6. Live: an object outside the collector's lists whose `ob_refcnt` is 0 has been
 *    deallocated (`Py_DECREF` reached 0) and is not counted: CPython's free lists
 *    keep such objects with their type (tuples per size, dicts, lists, frames kept
 *    by their code object up to 3.10, bound methods, builtin functions, the 16
 *    preallocated MemoryErrors, the one cached slice), and a freed chunk in
 *    glibc's tcache — listed used, as chap lists it — keeps the dead object's
 *    count past the two words the tcache link and key overwrite. Nor is a count
 *    no live object can have: from 3.12 the count lives in ob_refcnt's low 32
 *    bits (all ones when immortal) and the high half stays 0; before, 2^40 or
 *    more references would take 8 TiB of pointers (on the 3.13.0 core a freed
 *    56-byte chunk in the tcache holds list_reverseiterator's type pointer where
 *    ob_type would be, and a heap pointer where ob_refcnt would be).
 */
import { AllocState, rowAddress, type AllocationTable } from '../../../../src/model/allocations.ts';
import type { CoreFile } from '../../formats/elf/core-file.ts';
import type { InputWarning } from '../../io/errors.ts';
import { layoutFor, TPFLAGS, versionFromPath, type Layout, type PyVersion } from './layout.ts';
import type { PythonModule } from './modules.ts';
import { readableRuns } from '../modules.ts';
import { Pages } from './pages.ts';
import { readCString } from './reader.ts';
import { dictItems } from './dicts.ts';
import { AddrMap } from './addr-map.ts';
import type { MappedFiles } from './mapped-files.ts';

export interface PyType {
  address: number;
  /** tp_name as CPython has it (`collections.deque`), or `<type 0x…>` when not in the core. */
  name: string;
  /** `type(o).__name__`: tp_name after its last dot (static types), the class name (heap types). */
  shortName: string;
  /** Where the name came from: tp_name's bytes in the core, in the mapped file, the builtins dict's key, or nowhere. */
  nameFrom: 'core' | 'file' | 'builtins' | 'none';
  flags: number;
  basicsize: number;
  itemsize: number;
  dictoffset: number;
  isHeap: boolean;
  /** The metatype (ob_type of the type object). */
  metatype: number;
  base: number;
}

export interface PythonObjects {
  version: PyVersion;
  layout: Layout;
  gcSize: number;
  typeType: number;
  objectType: number;
  dictType: number;
  types: PyType[];
  /** Per table row: index into `types`, or -1 when the row holds no object. */
  rowType: Int32Array;
  /** Per table row: offset of the object in the allocation. */
  rowOffset: Uint8Array;
  /** Per table row: 1 GC-tracked, 0 collected type but untracked, 2 not a collected type. */
  rowTracked: Uint8Array;
  /** Rows typed as objects (live). */
  objects: number;
  warnings: InputWarning[];
}

const MAX_TYPE_DEPTH = 100;

/** Finds the Python types of `table`'s used rows. Returns null when `type` is not found. */
export async function findPythonObjects(
  core: CoreFile,
  modules: PythonModule[],
  table: AllocationTable,
  files?: MappedFiles,
  /** Pages to read through (shared with the stages after this one, so the core is read once). */
  pages: Pages = new Pages(core),
): Promise<PythonObjects | null> {
  if (core.pointerSize !== 8) return null;
  const w = 8;
  const warnings: InputWarning[] = [];
  const version = modules.map((m) => versionFromPath(m.path)).find((v) => v) ?? { major: 3, minor: 12 };
  const L = layoutFor(version, w);

  // 1. `type` and `object` from the module's data.
  let typeType = 0;
  let objectType = 0;
  for (const mod of modules) {
    for (const r of mod.writable) {
      // Only where the word after `a` (its ob_type, which must be `a`) is readable: a scan over the readable
      // stretches, on the range's own word grid (a segment claiming 2 GiB over a few KiB of file is not walked).
      for (const run of readableRuns(core, r.start, r.end)) {
        if (typeType) break;
        await pages.load(run.start, run.end - run.start);
        const from = Math.max(r.start, run.start - w);
        for (let a = r.start + Math.ceil((from - r.start) / w) * w; a + 2 * w <= run.end && a + 40 * w <= r.end && !typeType; a += w) {
          if (pages.word(a + w, 0) !== a) continue;
          const flags = pages.word(a + L.tpFlags, 0);
          const basic = pages.word(a + L.tpBasicsize, 0);
          if (Math.floor(flags / TPFLAGS.TYPE_SUBCLASS) % 2 !== 1 || basic < 40 * w || basic > 4096) continue;
          const base = pages.word(a + L.tpBase, 0);
          if (!base || (await pages.wordAt(base + w, 0)) !== a || (await pages.wordAt(base + L.tpBase, 1)) !== 0) continue;
          typeType = a;
          objectType = base;
        }
      }
      if (typeType) break;
    }
    if (typeType) break;
  }
  if (!typeType) return null;

  // 2. Types, cached by address.
  const types: PyType[] = [];
  const typeIndex = new AddrMap();
  /** Whether a type is `type` or a metatype (its tp_base chain reaches `type`), cached per address. */
  const metaKnown = new AddrMap(64);
  const isTypeType = async (m0: number): Promise<boolean> => {
    const hit = metaKnown.get(m0);
    if (hit !== undefined) return hit === 1;
    let ok = false;
    for (let d = 0, m = m0; d < MAX_TYPE_DEPTH && m; d++) {
      if (m === typeType) {
        ok = true;
        break;
      }
      if (m % w) break;
      m = await pages.wordAt(m + L.tpBase, 0);
    }
    metaKnown.set(m0, ok ? 1 : 0);
    return ok;
  };
  /**
   * `typeAt`'s answer when it can be given without a read: -1 for a candidate whose type
   * slot is loaded and is no metatype known so far (most candidates: words that are not
   * type pointers), -2 when `typeAt` must read.
   */
  const typeAtSync = (t: number): number => {
    if (!t || t % w) return -1;
    const slot = t + w;
    let meta: number;
    if (core.readableEnd(slot) < slot + w) meta = 0; // not in the core: reads as 0, as typeAt reads it
    else if (!pages.has(slot) || slot % 0x1000 > 0x1000 - w) return -2;
    else meta = pages.word(slot, 0);
    const known = meta && meta % w === 0 ? isTypeTypeSync(meta) : false;
    if (known !== false) return -2;
    typeIndex.set(t, -1);
    return -1;
  };
  /** `isTypeType` without a read: the answer, or undefined when a page of the chain is not loaded. */
  const isTypeTypeSync = (m0: number): boolean | undefined => {
    const hit = metaKnown.get(m0);
    if (hit !== undefined) return hit === 1;
    let m = m0;
    for (let d = 0; d < MAX_TYPE_DEPTH && m; d++) {
      if (m === typeType) return undefined; // a metatype: typeAt reads the type
      if (m % w) break;
      const slot = m + L.tpBase;
      if (core.readableEnd(slot) < slot + w) break; // reads as 0: the chain ends
      if (!pages.has(slot) || slot % 0x1000 > 0x1000 - w) return undefined;
      m = pages.word(slot, 0);
    }
    metaKnown.set(m0, 0);
    return false;
  };
  const typeAt = async (t: number): Promise<number> => {
    const hit = typeIndex.get(t);
    if (hit !== undefined) return hit;
    let idx = -1;
    if (t && t % w === 0) {
      const meta = await pages.wordAt(t + w, 0);
      if (meta && meta % w === 0 && (meta === typeType || (await isTypeType(meta)))) {
        const basicsize = await pages.wordAt(t + L.tpBasicsize, 0);
        const itemsize = await pages.wordAt(t + L.tpItemsize, 0);
        const flags = await pages.wordAt(t + L.tpFlags, 0);
        if (basicsize >= 2 * w && basicsize < 1 << 24 && itemsize < 1 << 20) {
          const namePtr = await pages.wordAt(t + L.tpName, 0);
          const raw = await readCString(core, namePtr);
          const isHeap = Math.floor(flags / TPFLAGS.HEAPTYPE) % 2 === 1;
          const fromFile = raw === null && files ? await files.cString(namePtr) : null;
          const known = raw ?? fromFile;
          const name = known ?? `<type 0x${t.toString(16)}>`;
          idx = types.length;
          types.push({
            address: t,
            name,
            shortName: known !== null ? name.slice(name.lastIndexOf('.') + 1) : name,
            nameFrom: raw !== null ? 'core' : fromFile !== null ? 'file' : 'none',
            flags,
            basicsize,
            itemsize,
            dictoffset: await pages.wordAt(t + L.tpDictoffset, 0),
            isHeap,
            metatype: meta,
            base: await pages.wordAt(t + L.tpBase, 0),
          });
        }
      }
    }
    typeIndex.set(t, idx);
    return idx;
  };

  const rows = table.rows;
  const rowType = new Int32Array(rows).fill(-1);
  const rowOffset = new Uint8Array(rows);
  const rowTracked = new Uint8Array(rows);
  const addrOf = (i: number): number => rowAddress(table, i);

  /** The offset at which `t`'s objects start in their allocation, for GC header size `gc`. */
  const offsetFor = (ty: PyType, gc: number): number =>
    (ty.flags & TPFLAGS.HAVE_GC ? gc : 0) + (ty.flags & L.preheaderFlags ? 2 * w : 0);

  /**
   * Where an allocation of `s` bytes may hold its object, candidate `c` of `CANDIDATES`, lowest first (the
   * allocation's current object wrote its headers over any lower candidate's type slot): at its start, after a GC
   * header of `gc` bytes, after that and the pre-header; -1 when there is no such place or no room for a head.
   */
  const CANDIDATES = 3;
  const candidateOffset = (c: number, gc: number, s: number): number => {
    const off = c === 0 ? 0 : c === 1 ? gc : L.preheaderFlags ? gc + 2 * w : -1;
    return off < 0 || off + 2 * w > s ? -1 : off;
  };
  /** True when type `k` (an index, or negative for none) has its objects at `off` and fits in the `s` bytes. */
  const fits = (k: number, off: number, gc: number, s: number): boolean => k >= 0 && offsetFor(types[k], gc) === off && types[k].basicsize <= s - off;

  // 3a. The GC header size, confirmed from the data: the candidate that types most of a sample.
  /** The row's type index, -1 for none, or -2 when a page or a type is not known yet (then `tryRow` finds out). */
  const tryRowSync = (i: number, gc: number): number => {
    const a = addrOf(i);
    const s = table.size[i];
    const span = Math.min(s, 8 * w);
    if (!pages.has(a) || !pages.has(a + span - 1)) return -2;
    for (let c = 0; c < CANDIDATES; c++) {
      const off = candidateOffset(c, gc, s);
      const t = off < 0 ? 0 : pages.word(a + off + w, 0);
      if (!t || t % w) continue;
      let k = typeIndex.get(t);
      if (k === undefined) k = typeAtSync(t);
      if (k === -2) return -2;
      if (fits(k, off, gc, s)) return k;
    }
    return -1;
  };
  const tryRow = async (i: number, gc: number): Promise<number> => {
    const fast = tryRowSync(i, gc);
    if (fast !== -2) return fast;
    const a = addrOf(i);
    const s = table.size[i];
    const span = Math.min(s, 8 * w);
    if (!pages.has(a) || !pages.has(a + span - 1)) await pages.load(a, span);
    for (let c = 0; c < CANDIDATES; c++) {
      const off = candidateOffset(c, gc, s);
      const t = off < 0 ? 0 : pages.word(a + off + w, 0);
      if (!t || t % w) continue;
      const k = typeIndex.get(t) ?? (await typeAt(t));
      if (fits(k, off, gc, s)) return k;
    }
    return -1;
  };
  let gcSize = L.gcSizes[0];
  {
    const votes = new Map<number, number>();
    let sampled = 0;
    for (let i = 0; i < rows && sampled < 4000; i++) {
      if (table.state[i] !== AllocState.Used) continue;
      sampled++;
      for (const gc of L.gcSizes) {
        const k = await tryRow(i, gc);
        if (k >= 0 && types[k].flags & TPFLAGS.HAVE_GC) votes.set(gc, (votes.get(gc) ?? 0) + 1);
      }
    }
    let best = -1;
    for (const gc of L.gcSizes) if ((votes.get(gc) ?? 0) > best) [best, gcSize] = [votes.get(gc) ?? 0, gc];
    if (gcSize !== L.gcSizes[0]) warnings.push({ file: core.name, message: `the GC header of this CPython ${version.major}.${version.minor} is ${gcSize} bytes, not the ${L.gcSizes[0]} its version has` });
  }

  // 3b. Every used row.
  for (let i = 0; i < rows; i++) {
    if (table.state[i] !== AllocState.Used) continue;
    let k = tryRowSync(i, gcSize);
    if (k === -2) k = await tryRow(i, gcSize);
    if (k < 0) continue;
    rowType[i] = k;
    rowOffset[i] = offsetFor(types[k], gcSize);
    if (types[k].flags & TPFLAGS.HAVE_GC) {
      const a = addrOf(i) + rowOffset[i] - gcSize;
      const modern = version.major === 3 && version.minor >= 8;
      let tracked: boolean;
      if (modern) tracked = pages.word(a, 0) !== 0;
      else {
        // gc_refs == _PyGC_REFS_UNTRACKED (-2); from 3.4 it is stored shifted left by one over a "finalized" bit.
        const lo = pages.u32(a + 2 * w, 0);
        tracked = !(pages.u32(a + 2 * w + 4, 0) === 0xffffffff && (version.major === 2 ? lo === 0xfffffffe : (lo & ~1) >>> 0 === 0xfffffffc));
      }
      let linked = tracked && onGcList((x) => pages.wordAt(x, -1), a, pages.word(a, 0), w, modern);
      if (typeof linked !== 'boolean') linked = await linked;
      rowTracked[i] = linked ? 1 : 0;
    } else rowTracked[i] = 2;
  }

  // 4. The dict type and the builtins' names for static types whose tp_name is not in the core.
  let dictType = 0;
  const typeDict = await pages.wordAt(typeType + L.tpDict, 0);
  if (typeDict) dictType = await pages.wordAt(typeDict + w, 0);
  if (!dictType || (await typeAt(dictType)) < 0) {
    dictType = 0;
    for (const ty of types) {
      if (!ty.isHeap) continue;
      const d = await pages.wordAt(ty.address + L.tpDict, 0);
      const dt = d ? await pages.wordAt(d + w, 0) : 0;
      if (dt && (await typeAt(dt)) >= 0) {
        dictType = dt;
        break;
      }
    }
  }
  const dictIdx = dictType ? typeIndex.get(dictType) ?? -1 : -1;
  if (dictIdx >= 0 && types.some((t) => t.name.startsWith('<type '))) {
    for (let i = 0; i < rows; i++) {
      if (rowType[i] !== dictIdx) continue;
      // The builtins dict has about 150 entries: skip small dicts before reading their tables.
      const used = await pages.wordAt(addrOf(i) + rowOffset[i] + (L.version.major === 2 ? 3 : 2) * w, 0);
      if (used < 50 || used > 4096) continue;
      const items = await dictItems(pages, L, addrOf(i) + rowOffset[i], 4096);
      if (!items || items.length < 50) continue;
      const vals = new Set(items.map((x) => x.value));
      if (!vals.has(typeType) || !vals.has(objectType) || !vals.has(dictType)) continue;
      for (const { key, value } of items) {
        const k = typeIndex.get(value);
        if (k === undefined || k < 0 || !types[k].name.startsWith('<type ')) continue;
        const name = await strValue(pages, L, key, typeIndex, types);
        if (name) {
          types[k].name = types[k].shortName = name;
          types[k].nameFrom = 'builtins';
        }
      }
      break;
    }
  }

  // 5. Deallocated objects are not live: a zero reference count (CPython's free lists, stale bytes in
  // glibc's tcache), or an untracked list (live lists are always tracked).
  let objects = 0;
  // 3.12+ keeps the count in ob_refcnt's low 32 bits (immortal: all ones) and never writes the high half.
  const maxRefcnt = version.major === 3 && version.minor >= 12 ? 2 ** 32 : 2 ** 40;
  for (let i = 0; i < rows; i++) {
    const k = rowType[i];
    if (k < 0) continue;
    if (rowTracked[i] !== 1) {
      let refcnt = pages.wordAt(addrOf(i) + rowOffset[i], -1);
      if (typeof refcnt !== 'number') refcnt = await refcnt;
      if (refcnt <= 0 || refcnt >= maxRefcnt || (rowTracked[i] === 0 && types[k].name === 'list')) {
        rowType[i] = -1;
        continue;
      }
    }
    objects++;
  }
  return { version, layout: L, gcSize, typeType, objectType, dictType, types, rowType, rowOffset, rowTracked, objects, warnings };
}

/**
 * Whether the GC header at `gc`, whose first word (`_gc_next`, 2.7–3.7 `gc_next`)
 * is `next`, is linked both ways on one of the collector's circular lists (a
 * generation's, whose head lies in the interpreter's state): `next` is a
 * pointer and the header there has its prev link (word 1) back to `gc`. From
 * 3.8 the prev link's two low bits are flags (_PyGC_PREV_MASK_FINALIZED,
 * _PyGC_PREV_MASK_COLLECTING): `prevFlags` masks them. Untracking unlinks
 * (`_PyObject_GC_UNTRACK`), so a header that is not linked back is not tracked.
 */
export function onGcList(word: (addr: number) => number | Promise<number>, gc: number, next: number, w: number, prevFlags: boolean): boolean | Promise<boolean> {
  if (!next || next % w || next > Number.MAX_SAFE_INTEGER - w) return false;
  const back = (prev: number): boolean => prev >= 0 && (prevFlags ? prev - (prev % 4) : prev) === gc;
  const prev = word(next + w);
  return typeof prev === 'number' ? back(prev) : prev.then(back);
}

/** The text of a str object (2.7 str, 3.x compact ASCII str), or null. */
export async function strValue(pages: Pages, L: Layout, addr: number, typeIndex?: { get(key: number): number | undefined }, types?: PyType[]): Promise<string | null> {
  if (!addr || addr % L.w) return null;
  const len = await pages.wordAt(addr + 2 * L.w, -1);
  if (len < 0 || len > 4096) return null;
  if (L.version.major === 3) {
    const state = await pages.u32At(addr + 4 * L.w, 0);
    if (((state >> 5) & 3) !== 3) return null; // compact and ascii
  }
  void typeIndex;
  void types;
  const b = await pages.core.read(addr + L.strData, len + 1);
  if (!b || b[len] !== 0) return null;
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(b[i]);
  return s;
}
