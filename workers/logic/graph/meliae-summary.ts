/**
 * meliae's `summarize()` table, figure for figure:
 *
 *   om = meliae.loader.load(path)      # collapse=True by default
 *   print(om.summarize())
 *
 *   Total 52031 objects, 191 types, Total size = 7.4MiB (7762040 bytes)
 *    Index   Count   %      Size   % Cum     Max Kind
 *        0   10133  19   2312496  29  29   36968 dict
 *
 * How meliae computes it (meliae/loader.py: `_ObjSummary`, `_TypeSummary`,
 * `ObjManager.collapse_instance_dicts`):
 * - `load()` first collapses instance dicts: an object whose type is not one of
 *   str, dict, tuple, list, type, function, wrapper_descriptor, code, classobj,
 *   int, weakref and that refers to exactly (dict, type) in that order — or a
 *   `module` that refers to exactly one dict — absorbs the dict when that dict has
 *   exactly one referrer (this object): the object's size grows by the dict's size
 *   and the dict leaves the collection. (`collapse: false` skips this, like
 *   `load(path, collapse=False)`.) An object with a reference to an address not in
 *   the dump is never collapsed (meliae could not look that reference up).
 * - Per type: count, total size, max size. Rows sorted by (total size, count)
 *   descending (`by: 'count'`: by (count, total size), like `by_count()`); exact
 *   ties keep the order in which the types first appear in the dump (meliae's
 *   order there depends on its hash table).
 * - `%` columns are `int(x * 100.0 / total)` (truncated, as Python's `%4d` of a
 *   float); `Cum` is the size percentage of this row and all rows above it.
 * - The text form prints the first 20 rows; `rows` holds every type.
 */
import type { AllocationTable } from '../../../src/model/allocations.ts';
import type { ObjectTable } from '../../../src/model/objects.ts';
import { StringTable } from '../../../src/model/strings.ts';
import { inDegrees } from './reverse.ts';

export interface MeliaeSummaryRow {
  index: number;
  kind: string;
  count: number;
  /** Truncated percentage of all objects. */
  countPct: number;
  size: number;
  /** Truncated percentage of all bytes. */
  sizePct: number;
  /** Truncated percentage of all bytes held by this row and the rows above it. */
  cumPct: number;
  max: number;
  /** Row (in the input's tables) of the first object of this type with the max size. */
  maxRow: number;
}

export interface MeliaeSummary {
  totalCount: number;
  totalSize: number;
  types: number;
  /** Instance dicts folded into their owner (0 without collapse). */
  collapsed: number;
  rows: MeliaeSummaryRow[];
  /** meliae's printed form (header line, column line, first 20 rows). */
  text: string;
}

export interface MeliaeSummaryOptions {
  /** Fold instance dicts into their owners first, as `meliae.loader.load()` does; default true. */
  collapse?: boolean;
  by?: 'size' | 'count';
}

const NO_COLLAPSE = new Set(['str', 'dict', 'tuple', 'list', 'type', 'function', 'wrapper_descriptor', 'code', 'classobj', 'int', 'weakref']);

/**
 * Sizes after meliae's `collapse_instance_dicts`: returns per-row sizes (owners
 * grown) and a mask of the dict rows folded away.
 */
export function collapseInstanceDicts(table: AllocationTable, objects: ObjectTable): { sizes: Float64Array; removed: Uint8Array; collapsed: number } {
  const n = table.rows;
  const strings = new StringTable(table.strings);
  const sizes = Float64Array.from(table.size);
  const removed = new Uint8Array(n);
  const deg = inDegrees(objects);
  const dangling = new Uint8Array(n);
  for (const r of objects.dangling) dangling[r] = 1;
  const skip = new Uint8Array(strings.size);
  const isModule = new Uint8Array(strings.size);
  const isDict = new Uint8Array(strings.size);
  const isType = new Uint8Array(strings.size);
  for (let id = 1; id < strings.size; id++) {
    const s = strings.get(id);
    skip[id] = NO_COLLAPSE.has(s) ? 1 : 0;
    isModule[id] = s === 'module' ? 1 : 0;
    isDict[id] = s === 'dict' ? 1 : 0;
    isType[id] = s === 'type' ? 1 : 0;
  }
  const { refStart, refTarget } = objects;
  let collapsed = 0;
  for (let r = 0; r < n; r++) {
    const t = table.type[r];
    if (skip[t] || dangling[r]) continue;
    const a = refStart[r];
    const len = refStart[r + 1] - a;
    let dict: number;
    if (isModule[t] && len === 1) {
      dict = refTarget[a];
      if (!isDict[table.type[dict]]) continue;
    } else {
      if (len !== 2) continue;
      const c1 = refTarget[a];
      const c2 = refTarget[a + 1];
      if (isDict[table.type[c1]] && isType[table.type[c2]]) dict = c1;
      else continue; // old-style `instance` objects (Python 2) are not handled
    }
    if (deg[dict] !== 1) continue;
    sizes[r] += table.size[dict];
    removed[dict] = 1;
    collapsed++;
  }
  return { sizes, removed, collapsed };
}

/** meliae's `summarize()` of a dump (see the module comment for the exact rules). */
export function meliaeSummary(table: AllocationTable, objects: ObjectTable, opts: MeliaeSummaryOptions = {}): MeliaeSummary {
  const n = table.rows;
  let sizes = table.size;
  let removed: Uint8Array | null = null;
  let collapsed = 0;
  if (opts.collapse !== false) {
    const c = collapseInstanceDicts(table, objects);
    sizes = c.sizes;
    removed = c.removed;
    collapsed = c.collapsed;
  }
  const strings = new StringTable(table.strings);
  const slot = new Int32Array(strings.size).fill(-1);
  const kinds: number[] = [];
  const count: number[] = [];
  const size: number[] = [];
  const max: number[] = [];
  const maxRow: number[] = [];
  let totalCount = 0;
  let totalSize = 0;
  for (let r = 0; r < n; r++) {
    if (removed && removed[r]) continue;
    const t = table.type[r];
    let k = slot[t];
    if (k < 0) {
      k = slot[t] = kinds.length;
      kinds.push(t);
      count.push(0);
      size.push(0);
      max.push(0);
      maxRow.push(-1);
    }
    const s = sizes[r];
    count[k]++;
    size[k] += s;
    if (s > max[k]) {
      max[k] = s;
      maxRow[k] = r;
    }
    totalCount++;
    totalSize += s;
  }
  const order = kinds.map((_, k) => k);
  if (opts.by === 'count') order.sort((a, b) => count[b] - count[a] || size[b] - size[a]);
  else order.sort((a, b) => size[b] - size[a] || count[b] - count[a]);
  let cum = 0;
  const rows: MeliaeSummaryRow[] = order.map((k, index) => {
    cum += size[k];
    return {
      index,
      kind: strings.get(kinds[k]),
      count: count[k],
      countPct: Math.trunc((count[k] * 100) / totalCount),
      size: size[k],
      sizePct: totalSize > 0 ? Math.trunc((size[k] * 100) / totalSize) : 0,
      cumPct: totalSize > 0 ? Math.trunc((cum * 100) / totalSize) : 0,
      max: max[k],
      maxRow: maxRow[k],
    };
  });
  const lines = [
    `Total ${totalCount} objects, ${rows.length} types, Total size = ${fixed1(totalSize / 1024 / 1024)}MiB (${totalSize} bytes)`,
    ' Index   Count   %      Size   % Cum     Max Kind',
  ];
  for (const r of rows.slice(0, 20)) {
    lines.push(
      pad(r.index, 6) + pad(r.count, 8) + pad(r.countPct, 4) + pad(r.size, 10) + pad(r.sizePct, 4) + pad(r.cumPct, 4) + pad(r.max, 8) + ' ' + r.kind,
    );
  }
  return { totalCount, totalSize, types: rows.length, collapsed, rows, text: lines.join('\n') };
}

function pad(v: number, w: number): string {
  return String(v).padStart(w);
}

/** Python's `'%.1f' % x`: correctly rounded, ties to even (JS `toFixed` rounds exact ties up). */
function fixed1(x: number): string {
  const s = x.toFixed(1);
  const t = x * 10;
  if (Number.isInteger(t * 2) && !Number.isInteger(t)) {
    // An exact tie (x*10 ends in .5 exactly): round to the even tenth.
    const down = Math.floor(t);
    const even = down % 2 === 0 ? down : down + 1;
    return (even / 10).toFixed(1);
  }
  return s;
}
