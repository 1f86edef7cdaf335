/**
 * Objects tcmalloc holds in caches rather than on their span's free list:
 *
 * - thread caches: each `ThreadCache` has an array `list_[size class]` of
 *   `FreeList { void* list_; uint32 length_; …}` records (24 or 32 bytes
 *   apart), each a NULL-terminated chain of exactly `length_` free objects of
 *   its class. A record is recognised by its whole array: every entry empty
 *   (0, length 0) or such a chain, at least one not empty. Thread caches live
 *   in tcmalloc's metadata, anywhere outside the spans, so all writable memory
 *   outside the spans is looked at.
 * - the central caches' transfer slots: `TCEntry { head, tail }` pairs in
 *   libtcmalloc's static data, each a NULL-terminated chain from head to tail
 *   of objects of one class.
 *
 * Their objects are counted and marked thread-cached free; the finder lists
 * them as used unless asked otherwise (chap lists them as used). Each object
 * is marked once; chains are bounded by the objects there are.
 */
import { AllocState } from '../../../../src/model/allocations.ts';
import type { Mem } from '../glibc/memory.ts';
import type { Module } from '../modules.ts';

export interface Objects {
  addr: Float64Array;
  size: Float64Array;
  state: Uint8Array;
  /** Row of the object starting at `a`, or -1. */
  indexOf(a: number): number;
  sizes: number[];
  /** Memory holding the spans (not scanned for caches). */
  spanRanges: { start: number; end: number }[];
  module: Module;
}

const MAX_CHAIN = 1 << 16;

/** The rows of the NULL-terminated chain from `head`, all used objects of size `size`, exactly `want` long (or any length when `want` is -1, ending at `tail`). */
async function chain(mem: Mem, o: Objects, head: number, size: number, want: number, tail = -1): Promise<number[] | null> {
  const rows: number[] = [];
  const seen = new Set<number>();
  for (let a = head; a !== 0; ) {
    await mem.step();
    const i = o.indexOf(a);
    if (i < 0 || o.size[i] !== size || o.state[i] !== AllocState.Used || seen.has(i)) return null;
    seen.add(i);
    rows.push(i);
    if (rows.length > (want >= 0 ? want : MAX_CHAIN)) return null;
    const next = await mem.word(a);
    if (next === null) return null;
    if (next === 0 && tail >= 0 && a !== tail) return null;
    a = next;
  }
  if (want >= 0 && rows.length !== want) return null;
  return rows;
}

export async function markCached(mem: Mem, o: Objects): Promise<number> {
  let n = 0;
  const mark = (rows: number[]): void => {
    for (const i of rows) {
      if (o.state[i] === AllocState.Used) {
        o.state[i] = AllocState.ThreadCachedFree;
        n++;
      }
    }
  };
  const classOf = new Map(o.sizes.map((s, c) => [s, c]));
  const inSpans = (a: number): boolean => o.spanRanges.some((r) => a >= r.start && a < r.end);
  const triedBases = new Set<number>();

  /** A thread cache's FreeList array at `base` with `stride`: the chains of every class, or null. */
  const freeListArray = async (base: number, stride: number): Promise<number[][] | null> => {
    const dv = await mem.read(base, stride * o.sizes.length);
    if (!dv) return null;
    const lists: number[][] = [];
    let nonEmpty = 0;
    for (let c = 1; c < o.sizes.length; c++) {
      const head = mem.wordIn(dv, c * stride);
      const len = dv.getUint32(c * stride + 8, true);
      if (head === 0) {
        if (len !== 0) return null;
        continue;
      }
      const rows = await chain(mem, o, head, o.sizes[c], len);
      if (!rows) return null;
      lists.push(rows);
      nonEmpty++;
    }
    return nonEmpty ? lists : null;
  };

  for (const seg of mem.writable()) {
    for (let base = seg.start; base < seg.end; base += 1 << 20) {
      mem.checkCancel();
      const len = Math.min(1 << 20, seg.end - base);
      if (inSpans(base) && inSpans(base + len - 1)) continue;
      const dv = await mem.read(base, len);
      if (!dv) continue;
      for (let off = 0; off + 16 <= len; off += 8) {
        const at = base + off;
        if (inSpans(at)) continue;
        const v = mem.wordIn(dv, off);
        if (v === 0) continue;
        const i = o.indexOf(v);
        if (i < 0 || o.state[i] !== AllocState.Used) continue;
        const c = classOf.get(o.size[i]);
        if (c === undefined || c === 0) continue;
        const inModule = o.module.writable.some((r) => at >= r.start && at < r.end);
        // A transfer slot: { head, tail } in the module's data.
        if (inModule) {
          const tail = mem.wordIn(dv, off + 8);
          const ti = tail ? o.indexOf(tail) : -1;
          if (ti >= 0 && o.size[ti] === o.size[i]) {
            const rows = await chain(mem, o, v, o.size[i], -1, tail);
            if (rows && rows[rows.length - 1] === ti) {
              mark(rows);
              continue;
            }
          }
        }
        // A thread cache's FreeList: its whole array must check out.
        const length = dv.getUint32(off + 8, true);
        if (length === 0 || length > MAX_CHAIN) continue;
        for (const stride of [32, 24]) {
          const arr = at - c * stride;
          if (triedBases.has(arr)) continue;
          triedBases.add(arr);
          const lists = await freeListArray(arr, stride);
          if (lists) {
            for (const rows of lists) mark(rows);
            break;
          }
        }
      }
    }
  }
  return n;
}
