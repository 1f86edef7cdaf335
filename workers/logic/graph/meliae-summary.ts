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
 * How meliae computes it (meliae 0.5.1, loader.py: `_ObjSummary`, `_TypeSummary`,
 * `ObjManager.collapse_instance_dicts`; the rules are in ./meliae-loader.ts):
 * - `load()` first collapses instance dicts: an object of a type outside meliae's
 *   list referring to exactly (dict, type), a `module` referring to exactly one
 *   dict, or a Python 2 old-style `instance` referring to (classobj, dict) absorbs
 *   the dict whatever the dict's other referrers (the instance takes its class's
 *   name); absorbed dicts leave the collection. (`collapse: false` skips this,
 *   like `load(path, collapse=False)`.)
 * - Per type: count, total size, max size. Rows sorted by (total size, count)
 *   descending (`by: 'count'`: by (count, total size), like `by_count()`); exact
 *   ties keep the order in which the types first appear in meliae's own
 *   iteration order (its address hash table, `tableOrder`).
 * - `%` columns are `int(x * 100.0 / total)` (truncated, as Python's `%4d` of a
 *   float); `Cum` is the size percentage of this row and all rows above it.
 * - The text form prints the first 20 rows; `rows` holds every type.
 */
import type { AllocationTable } from '../../../src/model/allocations.ts';
import type { ObjectTable } from '../../../src/model/objects.ts';
import { meliaeLoad, type MeliaeLoaded } from './meliae-loader.ts';

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
  /** meliae 0.3's collapse rule (see ./meliae-loader.ts). */
  singleReferrer?: boolean;
}

/**
 * Sizes after meliae's `collapse_instance_dicts`: per-row sizes (owners grown),
 * a mask of the dict rows folded away, and the loader's whole state.
 */
export function collapseInstanceDicts(table: AllocationTable, objects: ObjectTable): { sizes: Float64Array; removed: Uint8Array; collapsed: number; loaded: MeliaeLoaded } {
  const loaded = meliaeLoad(table, objects);
  return { sizes: loaded.size, removed: loaded.removed, collapsed: loaded.collapsed, loaded };
}

/** meliae's `summarize()` of a dump (see the module comment for the exact rules). */
export function meliaeSummary(table: AllocationTable, objects: ObjectTable, opts: MeliaeSummaryOptions = {}, loaded?: MeliaeLoaded): MeliaeSummary {
  const m = loaded ?? meliaeLoad(table, objects, { collapse: opts.collapse, singleReferrer: opts.singleReferrer });
  const sizes = m.size;
  const removed = m.removed;
  const collapsed = m.collapsed;
  const slot = new Int32Array(m.kinds.length).fill(-1);
  const kinds: number[] = [];
  const count: number[] = [];
  const size: number[] = [];
  const max: number[] = [];
  const maxRow: number[] = [];
  let totalCount = 0;
  let totalSize = 0;
  for (const r of m.order) {
    if (removed[r]) continue;
    const t = m.kind[r];
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
      kind: m.kinds[kinds[k]],
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
