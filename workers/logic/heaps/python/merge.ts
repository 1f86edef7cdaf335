/**
 * One allocation table from the glibc walk's table and obmalloc's blocks, in
 * address order, as chap's allocation directory merges its finders:
 * - at the same address the larger allocation comes first;
 * - an allocation inside an earlier one (an arena malloc()ed by CPython, whose
 *   glibc chunk holds the arena's blocks) is kept, and the chunk stays listed
 *   too (chap marks it a "wrapper");
 * - an allocation that starts inside an earlier one but ends beyond it is
 *   dropped (chap says it discards it), and counted in `discarded`.
 */
import { AllocationTableBuilder, AllocState, type AllocationTable } from '../../../../src/model/allocations.ts';
import { StringTable } from '../../../../src/model/strings.ts';
import type { ObmallocBlocks } from './obmalloc.ts';

export interface MergedTable {
  table: AllocationTable;
  /** Table row of each obmalloc block (-1 when dropped). */
  blockRow: Int32Array;
  /** Rows that contain other rows (malloc()ed arenas). */
  wrappers: number;
  discarded: number;
}

/**
 * Merges `glibc` (address-ordered, any optional columns) with `blocks`; blocks
 * get region `regionBase + arena index + 1` when the table has a region column.
 */
export function mergeObmalloc(glibc: AllocationTable, blocks: ObmallocBlocks, regionBase: number): MergedTable {
  const b = new AllocationTableBuilder({
    expectedRows: glibc.rows + blocks.count,
    region: !!glibc.region,
    requested: !!glibc.requested,
    site: !!glibc.site,
    flags: !!glibc.flags,
  });
  // Strings keep their ids: copy the glibc table's strings in order.
  const strings = new StringTable(glibc.strings);
  for (let i = 1; i < strings.size; i++) b.strings.intern(strings.get(i));
  const blockRow = new Int32Array(blocks.count).fill(-1);
  const limits: number[] = [];
  let wrappers = 0;
  let discarded = 0;
  const wrapped = new Set<number>();
  const limitRows: number[] = [];
  const consume = (addr: number, size: number): boolean => {
    const end = addr + size;
    while (limits.length && end > limits[limits.length - 1]) {
      if (addr < limits[limits.length - 1]) {
        discarded++;
        return false;
      }
      limits.pop();
      limitRows.pop();
    }
    if (limits.length) {
      const outer = limitRows[limitRows.length - 1];
      if (!wrapped.has(outer)) {
        wrapped.add(outer);
        wrappers++;
      }
    }
    limits.push(end);
    limitRows.push(b.rows);
    return true;
  };
  let i = 0;
  let j = 0;
  const gAddr = (k: number): number => glibc.addrHi[k] * 4294967296 + glibc.addrLo[k];
  while (i < glibc.rows || j < blocks.count) {
    const takeGlibc = j >= blocks.count || (i < glibc.rows && (gAddr(i) < blocks.addr[j] || (gAddr(i) === blocks.addr[j] && glibc.size[i] > blocks.size[j])));
    if (takeGlibc) {
      const a = gAddr(i);
      if (consume(a, glibc.size[i])) {
        const row = b.add(glibc.addrHi[i], glibc.addrLo[i], glibc.size[i], glibc.state[i] as AllocState, glibc.type[i]);
        if (b.region) b.region.array[row] = glibc.region![i];
        if (b.requested) b.requested.array[row] = glibc.requested![i];
        if (b.site) b.site.array[row] = glibc.site![i];
        if (b.flags) b.flags.array[row] = glibc.flags![i];
      }
      i++;
    } else {
      const a = blocks.addr[j];
      if (consume(a, blocks.size[j])) {
        const row = b.add(Math.floor(a / 4294967296), a >>> 0, blocks.size[j], blocks.used[j] ? AllocState.Used : AllocState.Free);
        if (b.region) b.region.array[row] = regionBase + blocks.arena[j] + 1;
        blockRow[j] = row;
      }
      j++;
    }
  }
  return { table: b.freeze(), blockRow, wrappers, discarded };
}
