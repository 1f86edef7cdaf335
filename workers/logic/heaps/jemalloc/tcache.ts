/**
 * Regions in jemalloc's thread caches. Each thread's `tcache_t` (in its TSD,
 * thread-local storage) holds an array of `cache_bin_t`, one per size class
 * from 0, 24 bytes each: `{ void **stack_head; uint64 nrequests;
 * uint16 low_water, full, empty }`; the bin's cached regions are the
 * pointers from `stack_head` up to the address whose low 16 bits are `empty`.
 * A bin array is recognised as a whole: each bin's pointers are regions (or
 * large allocations) of its own size class, in use for the extent map, at
 * least one bin non-empty. Regions are marked once.
 */
import { AllocState } from '../../../../src/model/allocations.ts';
import type { Mem } from '../glibc/memory.ts';

export interface Regions {
  addr: Float64Array;
  size: Float64Array;
  state: Uint8Array;
  indexOf(a: number): number;
  sizes: number[];
  /** Memory holding the extents (user memory, not scanned). */
  userRanges: { start: number; end: number }[];
}

const BIN = 24;
const MAX_CACHED = 1 << 13;

export async function markTcaches(mem: Mem, o: Regions): Promise<number> {
  let n = 0;
  const inUser = (a: number): boolean => o.userRanges.some((r) => a >= r.start && a < r.end);
  const classOf = new Map(o.sizes.map((s, c) => [s, c]));
  const tried = new Set<number>();

  /** The rows cached by the bin at `at` for class `c`, or null when it is not such a bin. */
  const bin = async (at: number, c: number): Promise<number[] | null> => {
    const dv = await mem.read(at, BIN);
    if (!dv) return null;
    const head = mem.wordIn(dv, 0);
    const empty = dv.getUint16(20, true);
    if (head === 0 || head % 8) return null;
    const count = (((empty - (head % 65536)) % 65536) + 65536) % 65536 / 8;
    if (!Number.isInteger(count) || count > MAX_CACHED) return null;
    if (count === 0) return [];
    const items = await mem.read(head, count * 8);
    if (!items) return null;
    const rows: number[] = [];
    for (let k = 0; k < count; k++) {
      await mem.step();
      const i = o.indexOf(mem.wordIn(items, k * 8));
      if (i < 0 || o.state[i] !== AllocState.Used || o.size[i] !== o.sizes[c]) return null;
      rows.push(i);
    }
    return rows;
  };

  for (const seg of mem.writable()) {
    for (let base = seg.start; base < seg.end; base += 1 << 20) {
      mem.checkCancel();
      const len = Math.min(1 << 20, seg.end - base);
      const dv = await mem.read(base, len);
      if (!dv) continue;
      for (let off = 0; off + BIN <= len; off += 8) {
        const at = base + off;
        if (inUser(at)) continue;
        const head = mem.wordIn(dv, off);
        if (head === 0 || head % 8) continue;
        const first = mem.wordIn(dv, off);
        // A non-empty bin's stack_head points at its first cached region pointer.
        const region = await mem.word(first);
        if (region === null) continue;
        const i = o.indexOf(region);
        if (i < 0 || o.state[i] !== AllocState.Used) continue;
        const c = classOf.get(o.size[i]);
        if (c === undefined) continue;
        const arr = at - c * BIN;
        if (tried.has(arr)) continue;
        tried.add(arr);
        // The whole array: bins 0 … while they check out; at least this one non-empty.
        const all: number[][] = [];
        let ok = true;
        for (let k = 0; k < o.sizes.length; k++) {
          const rows = await bin(arr + k * BIN, k);
          if (rows === null) {
            if (k <= c) ok = false;
            break;
          }
          all.push(rows);
        }
        if (!ok) continue;
        for (const rows of all) {
          for (const r of rows) {
            if (o.state[r] === AllocState.Used) {
              o.state[r] = AllocState.ThreadCachedFree;
              n++;
            }
          }
        }
      }
    }
  }
  return n;
}
