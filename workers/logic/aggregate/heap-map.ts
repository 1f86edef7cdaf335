/**
 * Heap map: the address ranges that hold allocations, each cut into bins, with
 * the bytes of used and free allocations per bin, so fragmentation shows; and
 * the rows in an address range (what a click on the map lists).
 *
 * Ranges come from the core's heap regions when the table has a `region`
 * column and the caller passes them; otherwise (a chap list) from the
 * allocations themselves: sorted by address, a new range starts after a gap
 * of more than `gap` bytes.
 */
import { isInUse, rowsByAddress, type AllocationTable } from '../../../src/model/allocations.ts';
import { describeRows, type AllocationRow } from './allocation-row.ts';
import { lastAtOrBelowBy } from '../../../src/model/sorted.ts';

export interface MapRange {
  label: string;
  /**
   * What the bins cover: from the first allocation in the region to the end of
   * the last (exact numbers: user-space addresses are below 2^53), so a thread
   * heap that reserves 64 MiB and holds 130 KiB of chunks is drawn as its chunks.
   */
  start: number;
  end: number;
  /** The region as given (its reserved extent). */
  regionStart: number;
  regionEnd: number;
  usedBytes: Float64Array;
  freeBytes: Float64Array;
  usedCount: number;
  freeCount: number;
  usedTotal: number;
  freeTotal: number;
}

function addr(t: AllocationTable, i: number): number {
  return t.addrHi[i] * 4294967296 + t.addrLo[i];
}

/** Address ranges of the tables' allocations: runs separated by more than `gap` bytes. */
export function clusterRanges(tables: AllocationTable[], gap = 1 << 20): { start: number; end: number }[] {
  const spans: [number, number][] = [];
  for (const t of tables) for (const i of rowsByAddress(t)) spans.push([addr(t, i), addr(t, i) + t.size[i]]);
  spans.sort((x, y) => x[0] - y[0]);
  const out: { start: number; end: number }[] = [];
  for (const [a, e] of spans) {
    const last = out[out.length - 1];
    if (last && a - last.end <= gap) last.end = Math.max(last.end, e);
    else out.push({ start: a, end: e });
  }
  return out;
}

export function heapMap(tables: AllocationTable[], ranges: { start: number; end: number; label?: string }[], bins = 512): MapRange[] {
  const out: MapRange[] = ranges.map((r) => ({
    label: r.label ?? `0x${r.start.toString(16)} – 0x${r.end.toString(16)}`,
    start: r.start,
    end: r.end,
    regionStart: r.start,
    regionEnd: r.end,
    usedBytes: new Float64Array(bins),
    freeBytes: new Float64Array(bins),
    usedCount: 0,
    freeCount: 0,
    usedTotal: 0,
    freeTotal: 0,
  }));
  const starts = out.map((r) => r.start);
  const sortedIdx = starts.map((_, i) => i).sort((a, b) => starts[a] - starts[b]);
  const find = (a: number): MapRange | null => {
    const best = lastAtOrBelowBy(sortedIdx.length, (i) => out[sortedIdx[i]].start, a);
    if (best < 0) return null;
    const r = out[sortedIdx[best]];
    return a < r.end ? r : null;
  };
  // First pass: the extent of the allocations in each region (bins then cover just that).
  const lo = out.map(() => Infinity);
  const hi = out.map(() => -Infinity);
  const index = new Map(out.map((r, i) => [r, i]));
  for (const t of tables) for (let i = 0; i < t.rows; i++) {
    const a = addr(t, i);
    const r = find(a);
    if (!r) continue;
    const k = index.get(r)!;
    if (a < lo[k]) lo[k] = a;
    const e = Math.min(a + t.size[i], r.regionEnd);
    if (e > hi[k]) hi[k] = e;
  }
  const byRegion = out.map((r, k) => (lo[k] < hi[k] ? { start: lo[k], end: hi[k] } : { start: r.start, end: r.end }));
  for (const t of tables) for (let i = 0; i < t.rows; i++) {
    const a = addr(t, i);
    const found = find(a);
    if (!found) continue;
    const r = found;
    const ext = byRegion[index.get(r)!];
    const used = isInUse(t.state[i]);
    const size = t.size[i];
    if (used) {
      r.usedCount++;
      r.usedTotal += size;
    } else {
      r.freeCount++;
      r.freeTotal += size;
    }
    const binW = (ext.end - ext.start) / bins;
    // Spread the allocation over the bins it covers.
    // The bin index steps by one (recomputing it from a float sum of takes can land in the same bin
    // again and stop: a chunk over hundreds of bins was drawn as its first one).
    let s = a;
    const e = Math.min(a + size, ext.end);
    const col = used ? r.usedBytes : r.freeBytes;
    for (let b = Math.max(0, Math.min(bins - 1, Math.floor((s - ext.start) / binW))); s < e && b < bins; b++) {
      const binEnd = b === bins - 1 ? ext.end : ext.start + (b + 1) * binW;
      const take = Math.min(e, binEnd) - s;
      if (take > 0) {
        col[b] += take;
        s += take;
      }
    }
  }
  out.forEach((r, k) => {
    r.start = byRegion[k].start;
    r.end = byRegion[k].end;
  });
  return out;
}

export type RangeRow = AllocationRow;

/** Rows whose address is in [start, end), in address order (at most `limit`). */
export function rowsInRange(tables: AllocationTable[], start: number, end: number, limit = 5000): { rows: RangeRow[]; total: number } {
  const hits: [number, number, number][] = [];
  tables.forEach((t, input) => {
    for (let i = 0; i < t.rows; i++) {
      const a = addr(t, i);
      if (a >= start && a < end) hits.push([a, input, i]);
    }
  });
  hits.sort((x, y) => x[0] - y[0]);
  const refs = hits.slice(0, limit).map(([, input, row]) => ({ input, row }));
  return { total: hits.length, rows: describeRows(tables, refs, '') };
}
