/**
 * What `meliae.loader.load(path)` (meliae 0.5.1, loader.py and _loader.pyx) makes
 * of a dump, object for object:
 *
 * - Objects live in `MemObjectCollection`, an open-addressing table keyed by the
 *   address (Python's hash of an int is the int; probe `i = i + 1 + n`; 1,024
 *   slots to start; grown to the smallest power of two above twice the live count
 *   when two thirds are filled). Everything meliae does "for each object" goes in
 *   that table's slot order, which `tableOrder` reproduces.
 * - `collapse_instance_dicts()`: an object whose type is not one of str, dict,
 *   tuple, list, type, function, wrapper_descriptor, code, classobj, int, weakref,
 *   and that refers to exactly (dict, type) — or a `module` referring to exactly
 *   one dict — absorbs that dict: its size grows by the dict's size, its
 *   references become the dict's followed by the type. A Python 2 old-style
 *   `instance` referring to exactly (classobj, dict) absorbs the dict and takes
 *   the class's name as its type. meliae's code never tests the "only referrer"
 *   condition its comment states: a dict shared by several instances is absorbed
 *   by each of them and then removed once. (An object with a reference to an
 *   address not in the dump makes meliae's loader raise KeyError; it is left as
 *   it is here.)
 *   `singleReferrer: true` applies the rule of meliae 0.3 (2010, the loader of the
 *   real meliae build our real-dump tests were checked against, see
 *   ../formats/meliae/README.md): parents are computed from the dump's references
 *   first, one entry per reference, and a dict is absorbed only when its parents
 *   are exactly [the object]. In a `dump_all_objects()` dump the list of
 *   `gc.get_objects()` is itself an object referring to every gc-tracked dict, so
 *   under that rule only untracked instance dicts (holding atomic values only) are
 *   ever absorbed.
 * - `compute_parents()` after the collapse, in table order, keeping at most
 *   `max_parents` (100) referrers per object with meliae's own rule (a list that
 *   reaches 99 entries is deduplicated through a set; at 100 further referrers
 *   are dropped); duplicates removed.
 * - `.c` (children) and `.p` (parents) as lists of objects; `compute_total_size(obj)`
 *   is the sum of the sizes of every object reachable from obj, itself included
 *   (references to absent objects skipped, as `iter_recursive_refs` does).
 */
import type { AllocationTable } from '../../../src/model/allocations.ts';
import type { ObjectTable } from '../../../src/model/objects.ts';
import { objectValue } from '../../../src/model/objects.ts';
import { Interner, StringTable } from '../../../src/model/strings.ts';

export const NO_COLLAPSE = new Set(['str', 'dict', 'tuple', 'list', 'type', 'function', 'wrapper_descriptor', 'code', 'classobj', 'int', 'weakref']);
export const MAX_PARENTS = 100;

export interface MeliaeLoaded {
  rows: number;
  /** Rows in meliae's iteration order (every row, removed ones included). */
  order: Uint32Array;
  /** 1 for dicts folded into an instance (gone from meliae's collection). */
  removed: Uint8Array;
  collapsed: number;
  /** Sizes after the collapse. */
  size: Float64Array;
  /** Type names after the collapse (old-style instances renamed to their class). */
  kind: Uint32Array;
  kinds: string[];
  /** Children after the collapse, CSR over rows (targets may be removed rows: meliae's `.c` raises KeyError there). */
  childStart: Uint32Array;
  childTarget: Uint32Array;
  /** Parents, CSR over rows, deduplicated and capped as meliae keeps them; ascending row order. */
  parentStart: Uint32Array;
  parentTarget: Uint32Array;
}

/**
 * Low 32 bits of Python's `hash()` of the address `hi`·2^32 + `lo`: a non-negative int below 2^61 is its own hash,
 * a larger one is taken mod 2^61 − 1. Table sizes are powers of two up to 2^32, so these bits place it exactly (an
 * address past 2^53 as a double is inexact: `i + 1` stayed `i` and the probe never moved — "meliae table full" on a
 * saved analysis whose address column a fuzz case set to 2^64 − 1).
 */
function hashLow(hi: number, lo: number): number {
  if (hi < 0x20000000) return lo;
  return Number((((BigInt(hi) << 32n) | BigInt(lo)) % ((1n << 61n) - 1n)) & 0xffffffffn);
}

function slotOrder(hashLo: (i: number) => number, n: number): Uint32Array {
  let mask = 1023;
  let table = new Int32Array(mask + 1).fill(-1);
  let filled = 0;
  const insert = (t: Int32Array, m: number, row: number): void => {
    // Slot (hash + k(k+1)/2) mod (m + 1), for k = 0, 1, …: every slot once, in exact integers.
    let s = hashLo(row) % (m + 1);
    for (let k = 0; k <= m; k++) {
      if (t[s] < 0) {
        t[s] = row;
        return;
      }
      s = (s + 1 + k) % (m + 1);
    }
    throw new Error('meliae table full');
  };
  for (let row = 0; row < n; row++) {
    insert(table, mask, row);
    filled++;
    if (filled * 3 > (mask + 1) * 2) {
      const minActive = filled * 2;
      let size = 1024;
      while (size <= minActive) size *= 2;
      const next = new Int32Array(size).fill(-1);
      for (let s = 0; s <= mask; s++) if (table[s] >= 0) insert(next, size - 1, table[s]);
      table = next;
      mask = size - 1;
    }
  }
  const out = new Uint32Array(n);
  let k = 0;
  for (let s = 0; s <= mask; s++) if (table[s] >= 0) out[k++] = table[s];
  return out;
}

/** meliae's iteration order of the dump's rows. */
export function tableOrder(table: AllocationTable): Uint32Array {
  return slotOrder((i) => hashLow(table.addrHi[i], table.addrLo[i]), table.rows);
}

export interface MeliaeLoadOptions {
  /** Collapse instance dicts (meliae's `load()` default); false as `load(path, collapse=False)`. */
  collapse?: boolean;
  /** Referrers kept per object (meliae's `max_parents`, 100); 0 or less keeps all. */
  maxParents?: number;
  /** meliae 0.3's collapse: only a dict whose one referrer is the object (see the module comment). */
  singleReferrer?: boolean;
}

export function meliaeLoad(table: AllocationTable, objects: ObjectTable, opts: MeliaeLoadOptions = {}): MeliaeLoaded {
  const n = table.rows;
  const strings = new StringTable(table.strings);
  const order = tableOrder(table);
  const size = Float64Array.from(table.size);
  const removed = new Uint8Array(n);
  const kindIds = new Interner();
  const kinds = kindIds.values;
  const kindId = (s: string): number => kindIds.id(s);
  const byString = new Int32Array(strings.size).fill(-1);
  const kind = new Uint32Array(n);
  for (let r = 0; r < n; r++) {
    const t = table.type[r];
    if (byString[t] < 0) byString[t] = kindId(strings.get(t));
    kind[r] = byString[t];
  }
  const dangling = new Uint8Array(n);
  for (const r of objects.dangling) dangling[r] = 1;
  // Children start as the dump's references; collapsed objects get new lists.
  const newChildren = new Map<number, number[]>();
  const { refStart, refTarget } = objects;
  const kDict = kindIds.find('dict') ?? -1;
  const kType = kindIds.find('type') ?? -1;
  const kModule = kindIds.find('module') ?? -1;
  const kInstance = kindIds.find('instance') ?? -1;
  const kClassobj = kindIds.find('classobj') ?? -1;
  const skip = new Uint8Array(kinds.length + 1);
  kinds.forEach((s, k) => (skip[k] = NO_COLLAPSE.has(s) ? 1 : 0));
  let collapsed = 0;
  if (opts.collapse !== false) {
    // meliae 0.3: parents of the dump's references, one per reference; -1 none, -2 several.
    let onlyParent: Int32Array | undefined;
    if (opts.singleReferrer) {
      onlyParent = new Int32Array(n).fill(-1);
      for (let r = 0; r < n; r++) {
        for (let e = refStart[r]; e < refStart[r + 1]; e++) {
          const c = refTarget[e];
          onlyParent[c] = onlyParent[c] === -1 ? r : -2;
        }
      }
    }
    for (const r of order) {
      if (skip[kind[r]] || dangling[r]) continue;
      const a = refStart[r];
      const len = refStart[r + 1] - a;
      let dict: number;
      let extra = -1;
      if (kind[r] === kModule && len === 1) {
        if (kind[refTarget[a]] !== kDict) continue;
        dict = refTarget[a];
      } else {
        if (len !== 2) continue;
        const c1 = refTarget[a];
        const c2 = refTarget[a + 1];
        if (kind[c1] === kDict && kind[c2] === kType) {
          dict = c1;
          extra = c2;
        } else if (kind[r] === kInstance && kind[c1] === kClassobj && kind[c2] === kDict) {
          dict = c2;
          extra = c1;
        } else continue;
      }
      if (onlyParent && onlyParent[dict] !== r) continue;
      // `obj.type_str = type_obj.value` for an old-style instance: a classobj's value is its name.
      if (kind[r] === kInstance) kind[r] = kindId(objectValue(objects, extra) ?? strings.get(objects.name[extra]));
      collapsed++;
      const kids = Array.from(refTarget.subarray(refStart[dict], refStart[dict + 1]));
      if (extra >= 0) kids.push(extra);
      newChildren.set(r, kids);
      size[r] += size[dict];
      removed[dict] = 1;
    }
  }
  // Children CSR.
  const childStart = new Uint32Array(n + 1);
  let edges = 0;
  for (let r = 0; r < n; r++) {
    childStart[r] = edges;
    edges += newChildren.get(r)?.length ?? refStart[r + 1] - refStart[r];
  }
  childStart[n] = edges;
  const childTarget = new Uint32Array(edges);
  for (let r = 0; r < n; r++) {
    const kids = newChildren.get(r);
    if (kids) childTarget.set(kids, childStart[r]);
    else childTarget.set(refTarget.subarray(refStart[r], refStart[r + 1]), childStart[r]);
  }
  // Parents, as compute_parents() keeps them.
  const maxParents = opts.maxParents ?? MAX_PARENTS;
  const parents: (number[] | undefined)[] = new Array(n);
  for (const r of order) {
    if (removed[r]) continue;
    for (let e = childStart[r]; e < childStart[r + 1]; e++) {
      const c = childTarget[e];
      const p = parents[c];
      if (!p) {
        parents[c] = [r];
        continue;
      }
      if (maxParents > 0 && p.length >= 6) {
        if (p.length >= maxParents) continue;
        if (p.length === maxParents - 1) {
          p.push(r);
          parents[c] = [...new Set(p)];
          continue;
        }
      }
      p.push(r);
    }
  }
  const parentStart = new Uint32Array(n + 1);
  let pe = 0;
  const dedup: (number[] | undefined)[] = new Array(n);
  for (let r = 0; r < n; r++) {
    parentStart[r] = pe;
    const p = parents[r];
    if (!p || removed[r]) continue;
    const d = [...new Set(p)].sort((x, y) => x - y);
    dedup[r] = d;
    pe += d.length;
  }
  parentStart[n] = pe;
  const parentTarget = new Uint32Array(pe);
  for (let r = 0; r < n; r++) if (dedup[r]) parentTarget.set(dedup[r]!, parentStart[r]);
  return { rows: n, order, removed, collapsed, size, kind, kinds, childStart, childTarget, parentStart, parentTarget };
}

/** `compute_total_size(obj)`: sizes of every object reachable from `row`, itself included. */
export function computeTotalSize(m: MeliaeLoaded, row: number): number {
  const seen = new Uint8Array(m.rows);
  const stack = [row];
  let total = 0;
  while (stack.length) {
    const r = stack.pop()!;
    if (seen[r]) continue;
    seen[r] = 1;
    if (m.removed[r]) continue; // not in the collection: skipped
    total += m.size[r];
    for (let e = m.childStart[r]; e < m.childStart[r + 1]; e++) if (!seen[m.childTarget[e]]) stack.push(m.childTarget[e]);
  }
  return total;
}
