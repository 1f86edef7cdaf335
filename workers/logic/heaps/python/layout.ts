/**
 * CPython object layouts per version (64-bit), from CPython's Include/ headers
 * of each release:
 *
 * - `PyObject`: ob_refcnt, ob_type (word 1); `PyVarObject` adds ob_size (word 2).
 * - `PyTypeObject` offsets are the same from 2.7 to 3.13: tp_name 3w, tp_basicsize 4w,
 *   tp_itemsize 5w, tp_flags 21w, tp_base 32w, tp_dict 33w, tp_dictoffset 36w.
 * - GC header before a collected object: 2.7 and 3.0–3.7 a union padded to 32 bytes
 *   (`long double dummy`, kept at that size by 3.6/3.7's alignment patch), 3.8+ two
 *   words (16). The walk confirms the size from the data (see types.ts).
 * - 3.11: objects of types with Py_TPFLAGS_MANAGED_DICT have two words before the GC
 *   header (dict and values pointers); 3.12+: also for Py_TPFLAGS_MANAGED_WEAKREF.
 * - dict: 2.7 `ma_table` of (hash, key, value) entries; 3.6–3.10 `ma_keys` →
 *   PyDictKeysObject with dk_size and an index array; 3.11+ log2 sizes, and entries of
 *   two words (key, value) unless dk_kind is general.
 * - str: 2.7 PyStringObject (chars at 36); 3.x compact ASCII at 48, at 40 from 3.12
 *   (wstr gone).
 */
export interface PyVersion {
  major: number;
  minor: number;
}

export const TPFLAGS = {
  MANAGED_WEAKREF: 1 << 3,
  MANAGED_DICT: 1 << 4,
  HEAPTYPE: 1 << 9,
  HAVE_GC: 1 << 14,
  LIST_SUBCLASS: 2 ** 25,
  DICT_SUBCLASS: 2 ** 29,
  TYPE_SUBCLASS: 2 ** 31,
} as const;

export interface Layout {
  w: number;
  version: PyVersion;
  /** Candidate GC header sizes, the version's own first. */
  gcSizes: number[];
  /** tp_flags bits that put two words before the GC header. */
  preheaderFlags: number;
  tpName: number;
  tpBasicsize: number;
  tpItemsize: number;
  tpFlags: number;
  tpBase: number;
  tpDict: number;
  tpDictoffset: number;
  /** Offset of the chars of a compact ASCII str (3.x) or of a str (2.7). */
  strData: number;
}

export function layoutFor(version: PyVersion, w = 8): Layout {
  const { major, minor } = version;
  const gc = major === 2 || minor < 8 ? 4 * w : 2 * w;
  return {
    w,
    version,
    gcSizes: [gc, ...[2 * w, 3 * w, 4 * w].filter((x) => x !== gc)],
    preheaderFlags: major === 3 && minor >= 12 ? TPFLAGS.MANAGED_DICT | TPFLAGS.MANAGED_WEAKREF : major === 3 && minor === 11 ? TPFLAGS.MANAGED_DICT : 0,
    tpName: 3 * w,
    tpBasicsize: 4 * w,
    tpItemsize: 5 * w,
    tpFlags: 21 * w,
    tpBase: 32 * w,
    tpDict: 33 * w,
    tpDictoffset: 36 * w,
    strData: major === 2 ? 36 : minor >= 12 ? 5 * w : 6 * w,
  };
}

/** Version from a module path: `…/python3.12`, `libpython2.7.so.1.0`. */
export function versionFromPath(path: string): PyVersion | null {
  const m = /python(\d)\.(\d+)/.exec(path.slice(path.lastIndexOf('/') + 1));
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : null;
}
