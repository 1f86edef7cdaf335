/**
 * The glibc walk's rows: the walked regions in address order become one chunk
 * store (chunk-store.ts) for the free lists, then the contribution's allocation table
 * (state Used / Free / thread-cached as chosen; `region` = 1-based index of
 * the region). Rows that would go backwards (overlapping regions) are not
 * listed, and counted in a warning.
 */
import { AllocationTableBuilder, AllocState, type AllocationTable } from '../../../../src/model/allocations.ts';
import { ChunkStore, F_TCACHED, F_USED, type Segment } from './chunk-store.ts';
import type { Mem } from './memory.ts';

/** The walked segments as one store, in region order (sorted by region start). */
export function gather(walked: Segment[]): ChunkStore {
  return new ChunkStore(walked);
}

/** The allocation table of the store's rows. */
export function buildTable(mem: Mem, store: ChunkStore, tcacheState: AllocState): AllocationTable {
  const b = new AllocationTableBuilder({ expectedRows: store.length, region: true });
  let last = -1;
  let backwards = 0;
  for (const batch of store.batches()) {
    const { addr, size, flags, region } = batch;
    for (let j = 0; j < batch.length; j++) {
      const a = addr[j];
      if (a <= last) {
        backwards++;
        continue;
      }
      last = a;
      const f = flags[j];
      const state = !(f & F_USED) ? AllocState.Free : f & F_TCACHED ? tcacheState : AllocState.Used;
      const row = b.add(Math.floor(a / 4294967296), a >>> 0, size[j], state);
      b.region!.array[row] = region;
    }
  }
  if (backwards) mem.warn(`${backwards.toLocaleString('en-US')} chunk(s) lie at or below an earlier one (overlapping heap regions) and are not listed`);
  return b.freeze();
}
