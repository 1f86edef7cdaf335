/**
 * The entries of a Python dict in a core, per version (layouts in layout.ts):
 * key and value addresses of every live entry, plus where its tables are
 * (the keys object / 2.7 table, the split values array) for ownership.
 */
import type { Layout } from './layout.ts';
import type { Pages } from './pages.ts';

export interface DictItem {
  key: number;
  value: number;
}

export interface DictTables {
  /** PyDictKeysObject (3.x) or ma_table (2.7; equal to the dict's own smalltable when small). */
  keys: number;
  /** Split table's values array (3.x), 0 when combined. */
  values: number;
  /** Entries in use (ma_used). */
  used: number;
  /** 2.7: ma_mask + 1; 3.x: dk_size (slots of the index). */
  capacity: number;
  /** First entry and entry size (3.x entries; 2.7 table slots). */
  entries: number;
  entrySize: number;
  /** Entries to scan (dk_nentries; 2.7 capacity). */
  nentries: number;
  /** Entries hold (key, value) in two words (3.11+ unicode keys) rather than (hash, key, value). */
  twoWord: boolean;
}

/** Words read from the dict object and from its keys object (the most any layout reads from either). */
const DICT_WORDS = 6;
const KEYS_WORDS = 5;

/**
 * The dict's tables, read synchronously from loaded pages: the tables, null when the
 * words do not make a dict, undefined when a page it needs is not loaded (then
 * `dictTables` loads it). Most calls of a walk find their pages loaded: no await.
 */
export function dictTablesNow(pages: Pages, L: Layout, dict: number): DictTables | null | undefined {
  const w = L.w;
  if (!pages.has(dict) || !pages.has(dict + DICT_WORDS * w - 1)) return undefined;
  const d = dictWords(pages, L, dict);
  if (!d || 'capacity' in d) return d;
  if (!pages.has(d.keys) || !pages.has(d.keys + KEYS_WORDS * w - 1)) return undefined;
  return fromKeys(pages, L, d);
}

export async function dictTables(pages: Pages, L: Layout, dict: number): Promise<DictTables | null> {
  const now = dictTablesNow(pages, L, dict);
  if (now !== undefined) return now;
  await pages.load(dict, DICT_WORDS * L.w);
  // The dict's words are read before the keys object's pages are loaded (loading may drop the oldest pages).
  const d = dictWords(pages, L, dict);
  if (!d || 'capacity' in d) return d;
  await pages.load(d.keys, KEYS_WORDS * L.w);
  return fromKeys(pages, L, d);
}

interface DictWords {
  used: number;
  keys: number;
  values: number;
}

/** From the dict object's loaded words: 2.7's tables, 3.x's pointers (the keys object still to read), or null. */
function dictWords(pages: Pages, L: Layout, dict: number): DictTables | DictWords | null {
  const w = L.w;
  if (L.version.major === 2) {
    const used = pages.word(dict + 3 * w, -1);
    const mask = pages.word(dict + 4 * w, -1);
    const table = pages.word(dict + 5 * w, 0);
    if (used < 0 || mask < 0 || mask > 1 << 26 || !table) return null;
    return { keys: table, values: 0, used, capacity: mask + 1, entries: table, entrySize: 3 * w, nentries: mask + 1, twoWord: false };
  }
  const used = pages.word(dict + 2 * w, -1);
  const keys = pages.word(dict + 4 * w, 0);
  const values = pages.word(dict + 5 * w, 0);
  if (used < 0 || !keys || keys % w) return null;
  return { used, keys, values };
}

/** 3.x: the tables from the keys object's loaded words. */
function fromKeys(pages: Pages, L: Layout, { used, keys, values }: DictWords): DictTables | null {
  const w = L.w;
  if (L.version.minor >= 11) {
    const log2Size = pages.u8(keys + w, 255);
    const log2Index = pages.u8(keys + w + 1, 255);
    const kind = pages.u8(keys + w + 2, 255);
    if (log2Size > 30 || log2Index > 34) return null;
    const nentries = pages.word(keys + 3 * w, -1);
    if (nentries < 0 || nentries > 2 ** log2Size) return null;
    const twoWord = kind !== 0;
    return { keys, values, used, capacity: 2 ** log2Size, entries: keys + 4 * w + 2 ** log2Index, entrySize: twoWord ? 2 * w : 3 * w, nentries, twoWord };
  }
  const size = pages.word(keys + w, -1);
  const nentries = pages.word(keys + 4 * w, -1);
  if (size <= 0 || size > 2 ** 30 || nentries < 0 || nentries > size) return null;
  const ix = size <= 0xff ? 1 : size <= 0xffff ? 2 : size <= 0xffffffff ? 4 : 8;
  return { keys, values, used, capacity: size, entries: keys + 5 * w + size * ix, entrySize: 3 * w, nentries, twoWord: false };
}

/** Live (key, value) pairs of the dict at `dict`, at most `max`; null when its tables are not readable. */
export async function dictItems(pages: Pages, L: Layout, dict: number, max: number): Promise<DictItem[] | null> {
  const t = await dictTables(pages, L, dict);
  if (!t || t.nentries > max) return null;
  const w = L.w;
  const out: DictItem[] = [];
  const split = t.values !== 0;
  const valuesAt = split ? t.values + (L.version.minor >= 13 ? w : 0) : 0;
  await pages.load(t.entries, t.nentries * t.entrySize);
  for (let i = 0; i < t.nentries; i++) {
    const e = t.entries + i * t.entrySize;
    const key = t.twoWord ? pages.word(e, 0) : pages.word(e + w, 0);
    let value = t.twoWord ? pages.word(e + w, 0) : pages.word(e + 2 * w, 0);
    if (split) value = await pages.wordAt(valuesAt + i * w, 0);
    // 2.7's dummy key marks deleted slots; a deleted 3.x entry has a NULL value.
    if (!key || !value) continue;
    out.push({ key, value });
  }
  return out;
}
