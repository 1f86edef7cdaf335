/**
 * The glibc walk's rows: the walked regions in address order become one set
 * of rows for the free lists, then the contribution's allocation table
 * (state Used / Free / thread-cached as chosen; `region` = 1-based index of
 * the region). Rows that would go backwards (overlapping regions) are not
 * listed, and counted in a warning.
 */
import { AllocationTableBuilder, AllocState, type AllocationTable } from '../../../../src/model/allocations.ts';
import type { Rows } from './free-lists.ts';
import type { Mem } from './memory.ts';
import type { Region, Walked } from './walk.ts';

export interface Gathered {
  rows: Rows;
  regions: Region[];
  /** 1-based region of each row. */
  regionOf: Uint32Array;
}

/** Concatenates the walked regions (sorted by start), releasing their arrays. */
export function gather(walked: Walked[]): Gathered {
  walked.sort((a, b) => a.region.start - b.region.start);
  let n = 0;
  for (const r of walked) n += r.length;
  const rows: Rows = {
    addrs: new Float64Array(n),
    sizes: new Float64Array(n),
    used: new Uint8Array(n),
    tcached: new Uint8Array(n),
    fdRead: new Uint8Array(n),
    fdHi: new Uint32Array(n),
    fdLo: new Uint32Array(n),
    kind: (row) => regions[regionOf[row] - 1].kind,
  };
  const regionOf = new Uint32Array(n);
  const regions: Region[] = [];
  let i = 0;
  walked.forEach((r, k) => {
    regions.push(r.region);
    rows.addrs.set(r.addr.subarray(0, r.length), i);
    rows.sizes.set(r.size.subarray(0, r.length), i);
    rows.used.set(r.used.subarray(0, r.length), i);
    rows.fdRead.set(r.fdRead.subarray(0, r.length), i);
    rows.fdHi.set(r.fdHi.subarray(0, r.length), i);
    rows.fdLo.set(r.fdLo.subarray(0, r.length), i);
    regionOf.fill(k + 1, i, i + r.length);
    i += r.length;
    r.release();
  });
  return { rows, regions, regionOf };
}

/** The allocation table of the gathered rows. */
export function buildTable(mem: Mem, g: Gathered, tcacheState: AllocState): AllocationTable {
  const { rows, regionOf } = g;
  const n = rows.addrs.length;
  const b = new AllocationTableBuilder({ expectedRows: n, region: true });
  let last = -1;
  let backwards = 0;
  for (let k = 0; k < n; k++) {
    const a = rows.addrs[k];
    if (a <= last) {
      backwards++;
      continue;
    }
    last = a;
    const state = !rows.used[k] ? AllocState.Free : rows.tcached[k] ? tcacheState : AllocState.Used;
    const row = b.add(Math.floor(a / 4294967296), a >>> 0, rows.sizes[k], state);
    b.region!.array[row] = regionOf[k];
  }
  if (backwards) mem.warn(`${backwards.toLocaleString('en-US')} chunk(s) lie at or below an earlier one (overlapping heap regions) and are not listed`);
  return b.freeze();
}
