/**
 * chap's Python patterns of a core's allocations (`count used %SimplePythonObject`
 * …), by the rules chap's Python tagger states (our own code):
 *
 * 1. Every object on one of the collector's lists (`rowTracked` 1: its GC header
 *    linked both ways) is a `%ContainerPythonObject`. From such a dict, the
 *    allocation its keys pointer falls in is a `%PyDictKeysObject` (2.7: its
 *    `ma_table`, unless that is the dict's own small table) and the one its values
 *    pointer falls in a `%PyDictValuesArray` (3.x split tables); from a list, its item
 *    array is `%PythonListItems`. (chap's tagger also names a class's cached keys —
 *    `ht_cached_keys` — where it knows their offset; on the 3.8 core its count says it
 *    does not there: tagging them gives 76 keys objects more than chap. They are left out.)
 * 2. Then each used allocation in address order not tagged yet: the arena struct
 *    array is `%PythonArenaStructArray`; an allocation with an untracked GC header
 *    (3.8+: any two words; earlier: gc_refs −2) followed by a PyObject whose type is
 *    dict, list or deque — or, with a zero first word, any type — is a
 *    `%ContainerPythonObject` (and tags its dict tables or item array as in 1.);
 *    else an allocation whose second word is a type (an object whose type is `type`
 *    or a metatype) is a `%SimplePythonObject`.
 *
 * The first tag an allocation gets is kept. Checked in cli/commands/count-python.test.ts against
 * chap's counts for the 2.7 and 3.8 cores of ../shared/fixtures/python-core.
 */
import { AllocState, rowAddresses, type AllocationTable } from '../../../../src/model/allocations.ts';
import type { CoreFile } from '../../formats/elf/core-file.ts';
import { TPFLAGS } from './layout.ts';
import { Pages } from './pages.ts';
import type { PythonObjects } from './types.ts';
import { lastAtOrBelow } from '../../../../src/model/sorted.ts';

export const PYTHON_PATTERNS = ['%SimplePythonObject', '%ContainerPythonObject', '%PyDictKeysObject', '%PyDictValuesArray', '%PythonListItems', '%PythonArenaStructArray'] as const;
export type PythonPattern = (typeof PYTHON_PATTERNS)[number];

export const enum Tag {
  None = 0,
  Simple = 1,
  Container = 2,
  DictKeys = 3,
  DictValues = 4,
  ListItems = 5,
  ArenaStructArray = 6,
}

export interface PythonPatterns {
  /** Per table row: 0, or 1 + index into PYTHON_PATTERNS. */
  tag: Uint8Array;
}

const MAX_TYPE_DEPTH = 64;

export async function pythonPatterns(core: CoreFile, table: AllocationTable, objects: PythonObjects, arenaStructArray: number): Promise<PythonPatterns> {
  const { layout: L, typeType, types } = objects;
  const w = L.w;
  const gc = objects.gcSize;
  const { major } = L.version;
  const rows = table.rows;
  const tag = new Uint8Array(rows);
  const pages = new Pages(core);
  const starts = rowAddresses(table);

  /** The innermost allocation holding `addr`, or -1 (rows are in address order, a container before what it holds). */
  const rowAt = (addr: number): number => {
    const best = lastAtOrBelow(starts, addr);
    for (let r = best, d = 0; r >= 0 && d < 4; r--, d++) if (addr < starts[r] + table.size[r]) return r;
    return -1;
  };
  const set = (row: number, t: Tag): void => {
    if (row >= 0 && tag[row] === Tag.None) tag[row] = t;
  };

  // Types by address: an object is a type when its own type is `type` or a metatype.
  const metaCache = new Map<number, boolean>();
  const isTypeType = async (m: number): Promise<boolean> => {
    const hit = metaCache.get(m);
    if (hit !== undefined) return hit;
    let ok = false;
    for (let t = m, d = 0; t && t % w === 0 && d < MAX_TYPE_DEPTH; d++) {
      if (t === typeType) {
        ok = true;
        break;
      }
      t = await pages.wordAt(t + L.tpBase, 0);
    }
    metaCache.set(m, ok);
    return ok;
  };
  const isTypeCache = new Map<number, boolean>();
  const isType = async (t: number): Promise<boolean> => {
    if (!t || t % w) return false;
    const hit = isTypeCache.get(t);
    if (hit !== undefined) return hit;
    const meta = await pages.wordAt(t + w, 0);
    const ok = !!meta && meta % w === 0 && (await isTypeType(meta));
    isTypeCache.set(t, ok);
    return ok;
  };

  const dictType = objects.dictType;
  const listType = types.find((t) => t.name === 'list')?.address ?? 0;
  const dequeType = types.find((t) => t.name === 'collections.deque' || t.name === 'deque')?.address ?? 0;
  // Offsets in the object (after its GC header): 2.7 ma_table, 3.x ma_keys / ma_values; ob_item.
  const keysInDict = major === 2 ? 5 * w : 4 * w;
  const valuesInDict = major === 2 ? -1 : 5 * w;
  const itemsInList = 3 * w;
  const tagOwned = async (row: number, obj: number, type: number, size: number): Promise<void> => {
    const end = starts[row] + size;
    const at = async (off: number): Promise<number> => (obj + off + w <= end ? await pages.wordAt(obj + off, 0) : 0);
    const child = async (off: number, t: Tag): Promise<void> => {
      const p = await at(off);
      const r = p ? rowAt(p) : -1;
      if (r >= 0 && r !== row) set(r, t);
    };
    if (type === dictType) {
      await child(keysInDict, Tag.DictKeys);
      if (valuesInDict >= 0) await child(valuesInDict, Tag.DictValues);
    } else if (type === listType) await child(itemsInList, Tag.ListItems);
  };

  // 1. Objects on the collector's lists.
  for (let i = 0; i < rows; i++) {
    if (objects.rowType[i] < 0 || objects.rowTracked[i] !== 1) continue;
    const ty = types[objects.rowType[i]];
    if (!(ty.flags & TPFLAGS.HAVE_GC)) continue;
    set(i, Tag.Container);
    const obj = starts[i] + objects.rowOffset[i];
    await tagOwned(i, obj, ty.address, table.size[i]);
  }

  // 2. Each used allocation not tagged yet, in address order.
  for (let i = 0; i < rows; i++) {
    if (tag[i] !== Tag.None || table.state[i] !== AllocState.Used) continue;
    const a = starts[i];
    const size = table.size[i];
    if (a === arenaStructArray) {
      tag[i] = Tag.ArenaStructArray;
      continue;
    }
    const span = Math.min(size, gc + 2 * w);
    if (!pages.has(a) || !pages.has(a + span - 1)) await pages.load(a, span);
    if (size >= gc + 2 * w && (gc === 2 * w || isUntrackedRefs(pages, a + 2 * w))) {
      const t = pages.word(a + gc + w, 0);
      if (t && (t === dictType || t === listType || t === dequeType || (pages.word(a, -1) === 0 && (await isType(t))))) {
        tag[i] = Tag.Container;
        await tagOwned(i, a + gc, t, size);
        continue;
      }
    }
    if (size >= 2 * w) {
      const t = pages.word(a + w, 0);
      if (t && (await isType(t))) tag[i] = Tag.Simple;
    }
  }
  return { tag };
}

/** 2.7–3.7: the GC header's gc_refs word masked of its low three bits is all ones (−2, untracked). */
function isUntrackedRefs(pages: Pages, at: number): boolean {
  return pages.u32(at + 4, 0) === 0xffffffff && (pages.u32(at, 0) & ~7) >>> 0 === 0xfffffff8;
}

/** Counts and bytes per pattern (used allocations). */
export function patternTotals(table: AllocationTable, p: PythonPatterns): Record<PythonPattern, { count: number; bytes: number }> {
  const out = Object.fromEntries(PYTHON_PATTERNS.map((n) => [n, { count: 0, bytes: 0 }])) as Record<PythonPattern, { count: number; bytes: number }>;
  for (let i = 0; i < table.rows; i++) {
    if (!p.tag[i] || table.state[i] !== AllocState.Used) continue;
    const o = out[PYTHON_PATTERNS[p.tag[i] - 1]];
    o.count++;
    o.bytes += table.size[i];
  }
  return out;
}
