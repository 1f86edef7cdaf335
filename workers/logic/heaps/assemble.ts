/**
 * One allocation table from the contributions of several allocators, as chap's
 * allocation directory merges its finders: rows in address order (at one
 * address the larger first); an allocation lying wholly inside an earlier one
 * is kept (a block inside a container, e.g. an obmalloc block inside a glibc
 * chunk); one that starts inside an earlier one and runs past its end is
 * dropped, and the drops are counted in a warning. Region ids become global
 * (1-based, contributions in order); per-region, per-arena and per-allocator
 * used/free tallies are summed from the final rows.
 */
import { addUsedFreeOf, AllocationTableBuilder, AllocState, isInUse, noUsedFree, rowAddress, type AllocationTable, type UsedFree } from '../../../src/model/allocations.ts';
import type { AllocatorInfo, ArenaInfo, HeapRegionInfo } from '../../../src/model/heap-layout.ts';
import type { InputWarning } from '../io/errors.ts';
import type { HeapContribution } from './allocator.ts';

export interface Assembled {
  table: AllocationTable;
  allocators: AllocatorInfo[];
  regions: HeapRegionInfo[];
  warnings: InputWarning[];
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/**
 * Rows taken one at a time in their order: `add` is true while merging them would keep them as they are —
 * addresses strictly increasing, no row partly overlapping an earlier one (one wholly inside another is kept).
 */
export class KeptAsIs {
  private readonly limits: number[] = [];
  private last = -1;

  add(address: number, size: number): boolean {
    if (address <= this.last) return false;
    this.last = address;
    const limit = address + size;
    const limits = this.limits;
    while (limits.length && limit > limits[limits.length - 1]) {
      if (address < limits[limits.length - 1]) return false;
      limits.pop();
    }
    limits.push(limit);
    return true;
  }
}

/**
 * One pass over a lone contribution's table: when merging it alone changes nothing (addresses strictly increasing,
 * no row partly overlapping an earlier one: `KeptAsIs` for every row), its used / free sums by region (4 per region
 * id from 0: used count, used bytes, free count, free bytes); else null (it is merged, then summed). A plain function
 * over the typed columns, the open rows' ends in a typed stack: the check and the sums were two passes, ~250 ms each
 * on the 6 GB core's 25M rows.
 */
function aloneSums(t: AllocationTable, regions: number): Float64Array | null {
  if (!t.region) return null;
  const sums = new Float64Array((regions + 1) * 4);
  const open: OpenEnds = { limits: new Float64Array(64), top: 0 };
  // 65,536 rows per call of a plain function: one loop over millions of rows runs as on-stack-replaced code, slower.
  for (let from = 0; from < t.rows; from += 65536) if (!keptAsIsSums(t, from, Math.min(t.rows, from + 65536), open, sums)) return null;
  return sums;
}

/** The rows still open (their ends, innermost last) while `keptAsIsSums` goes through a table. */
interface OpenEnds {
  limits: Float64Array;
  top: number;
}

/** `aloneSums` for rows `[from, to)`: false when one is not kept as it is. */
function keptAsIsSums(t: AllocationTable, from: number, to: number, open: OpenEnds, sums: Float64Array): boolean {
  const { addrHi: hi, addrLo: lo, size, state } = t;
  const region = t.region!;
  let limits = open.limits;
  let top = open.top;
  for (let i = from; i < to; i++) {
    const a = hi[i] * 4294967296 + lo[i];
    // Against the row before, read again: a double carried from one turn of this loop to the next (beside the
    // inner loop) was a heap number made per row (42 MB for the bench core's 2.5M rows).
    if (i > 0 && a <= hi[i - 1] * 4294967296 + lo[i - 1]) return false;
    const sz = size[i];
    const limit = a + sz;
    while (top > 0 && limit > limits[top - 1]) {
      if (a < limits[top - 1]) return false;
      top--;
    }
    if (top === limits.length) {
      const g = new Float64Array(top * 2);
      g.set(limits);
      limits = open.limits = g;
    }
    limits[top++] = limit;
    const g = region[i] * 4 + (isInUse(state[i]) ? 0 : 2);
    sums[g]++;
    sums[g + 1] += sz;
  }
  open.top = top;
  return true;
}

export function assemble(file: string, parts: readonly HeapContribution[]): Assembled {
  const warnings: InputWarning[] = [];
  // Global region ids: contributions in order, each one's regions in its order.
  const base: number[] = [];
  const regions: HeapRegionInfo[] = [];
  for (const p of parts) {
    base.push(regions.length);
    for (const r of p.regions) {
      regions.push({ id: regions.length + 1, allocator: p.info.id, kind: r.kind, start: hex(r.start), end: hex(r.end), arena: hex(r.arena), ...noUsedFree() });
    }
  }
  const total = parts.reduce((n, p) => n + p.table.rows, 0);
  // One allocator whose rows need no merging (the usual core): its table is the table, not a copy.
  const sumsAlone = parts.length === 1 ? aloneSums(parts[0].table, regions.length) : null;
  const alone = sumsAlone ? parts[0].table : null;
  const b = new AllocationTableBuilder({ expectedRows: alone ? 0 : total, region: true });
  const owner = new Uint8Array(alone ? 0 : total);
  // k-way merge by (address ascending, size descending).
  const at = parts.map(() => 0);
  const limits: number[] = [];
  let dropped = 0;
  const firstDropped: string[] = [];
  for (; !alone; ) {
    let best = -1;
    let bestAddr = 0;
    let bestSize = 0;
    for (let k = 0; k < parts.length; k++) {
      const t = parts[k].table;
      if (at[k] >= t.rows) continue;
      const a = rowAddress(t, at[k]);
      const s = t.size[at[k]];
      if (best < 0 || a < bestAddr || (a === bestAddr && s > bestSize)) {
        best = k;
        bestAddr = a;
        bestSize = s;
      }
    }
    if (best < 0) break;
    const t = parts[best].table;
    const i = at[best]++;
    const limit = bestAddr + bestSize;
    let overlaps = false;
    while (limits.length && limit > limits[limits.length - 1]) {
      if (bestAddr < limits[limits.length - 1]) {
        overlaps = true;
        break;
      }
      limits.pop();
    }
    if (overlaps) {
      dropped++;
      if (firstDropped.length < 3) firstDropped.push(`${hex(bestAddr)} (${parts[best].info.id})`);
      continue;
    }
    limits.push(limit);
    const row = b.add(t.addrHi[i], t.addrLo[i], t.size[i], t.state[i] as AllocState, t.type[i]);
    const local = t.region ? t.region[i] : 0;
    b.region!.set(row, local ? base[best] + local : 0);
    owner[row] = best;
  }
  if (dropped) {
    warnings.push({
      file,
      message: `${dropped.toLocaleString('en-US')} allocation(s) overlap an earlier one without lying inside it and are not listed (first: ${firstDropped.join(', ')})`,
    });
  }
  const table = alone ?? b.freeze();
  const allocators: AllocatorInfo[] = parts.map((p) => ({ ...p.info, ...noUsedFree() }));
  // Used / free counts and bytes per allocator and per region, summed in typed arrays (index 2k: used, 2k + 1:
  // free), then given to the objects once: the same sums (integers), without an object update per row.
  const byPart = new Float64Array(parts.length * 4);
  let byRegion: Float64Array;
  if (sumsAlone) {
    // The lone allocator's sums are every region's (region 0 included).
    byRegion = sumsAlone;
    for (let g = 0; g < byRegion.length; g++) byPart[g & 3] += byRegion[g];
  } else {
    byRegion = new Float64Array((regions.length + 1) * 4);
    const { state, size } = table;
    const region = table.region!;
    for (let row = 0, n = table.rows; row < n; row++) {
      const f = isInUse(state[row]) ? 0 : 2;
      const sz = size[row];
      const k = owner[row] * 4 + f;
      byPart[k]++;
      byPart[k + 1] += sz;
      const g = region[row] * 4 + f;
      byRegion[g]++;
      byRegion[g + 1] += sz;
    }
  }
  const give = (x: UsedFree, sums: Float64Array, at: number): void => {
    x.usedCount += sums[at];
    x.usedBytes += sums[at + 1];
    x.freeCount += sums[at + 2];
    x.freeBytes += sums[at + 3];
  };
  allocators.forEach((a, k) => give(a, byPart, k * 4));
  regions.forEach((r, i) => give(r, byRegion, (i + 1) * 4));
  parts.forEach((p, k) => {
    if (!p.arenas) return;
    const arenas: ArenaInfo[] = p.arenas.map((s) => ({
      address: hex(s.address),
      isMain: s.isMain,
      ...(s.top !== undefined ? { top: hex(s.top) } : {}),
      size: s.size,
      ...(s.maxSize !== undefined ? { maxSize: s.maxSize } : {}),
      ...noUsedFree(),
    }));
    const byAddr = new Map(arenas.map((x) => [x.address, x]));
    for (let j = 0; j < p.regions.length; j++) {
      const r = regions[base[k] + j];
      const ar = p.regions[j].arena ? byAddr.get(r.arena) : undefined;
      if (!ar) continue;
      addUsedFreeOf(ar, r);
    }
    allocators[k].arenas = arenas;
  });
  for (const p of parts) warnings.push(...p.warnings);
  return { table, allocators, regions, warnings };
}

