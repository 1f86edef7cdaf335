/**
 * CPython's small-object allocator (obmalloc) in a core, found and walked as
 * chap finds and walks it (re-derived from CPython's Objects/obmalloc.c; the
 * structures are the same from 2.7 to 3.13, 64-bit):
 *
 *   struct arena_object {            // 6 words
 *     uintptr_t address;             // 0: the arena, 0 when the slot is unused
 *     block *pool_address;           // 1w: next pool to carve (the "pools limit")
 *     uint nfreepools, ntotalpools;  // 2w, 2w+4
 *     pool_header *freepools;        // 3w: pools emptied and linked by nextpool
 *     arena_object *nextarena, *prevarena;   // 4w, 5w
 *   };
 *   struct pool_header {             // 4 words + 4 uints = 0x30 on 64-bit
 *     union { block *_padding; uint count; } ref;   // 0: used blocks
 *     block *freeblock;              // 1w: free list through the blocks' first word
 *     pool_header *nextpool, *prevpool;             // 2w, 3w
 *     uint arenaindex, szidx, nextoffset, maxnextoffset;   // 4w, +4, +8, +12
 *   };
 *
 * Finding the arena array (no symbols needed; the `arenas` pointer moved from a
 * static in obmalloc.c to `_PyRuntime` in 3.8 and to the interpreter state in
 * 3.12, but always lies in the writable data of libpython or the executable):
 * every word of those ranges is tried as a pointer to arena_object[0]; the
 * first arena must be allocated and consistent; the pool size is derived from
 * (pool_address - address) / (ntotalpools - never-carved pools) rounded down to
 * pages; the array is followed while its slots stay consistent (unused slots
 * link only into the array, one null `nextarena` ends the unused list). The
 * candidate with the most valid slots wins.
 *
 * Walking: for each allocated arena in address order, every pool from the
 * first pool-aligned address to the last whole pool: a pool whose `ref.count`
 * is 0 (or whose block size is the pool size) is one free allocation of the
 * pool's size; otherwise its blocks from offset 0x30 are allocations of the
 * block size, used when below `nextoffset` and not on the `freeblock` list.
 */
import type { CoreFile } from '../../formats/elf/core-file.ts';
import type { CancelCheck } from '../../io/stream.ts';
import { InputError, type InputWarning } from '../../io/errors.ts';
import { readableRuns } from '../modules.ts';
import { findPythonModules, type PythonModule } from './modules.ts';
import { Reader } from './reader.ts';
import type { PythonArenaInfo } from '../../../../src/model/python-heap.ts';

export interface ObmallocInfo {
  /** Module whose data holds the arena array pointer. */
  module: string;
  /** Address of the pointer to the array (in the module's data). */
  arrayPointer: number;
  arenaStructArray: number;
  /** End of the valid part of the array. */
  arenaStructArrayLimit: number;
  arenaStructSize: number;
  arenaSize: number;
  poolSize: number;
  poolHeaderSize: number;
  /** Allocated arenas (arena_object.address), in address order. */
  arenas: number[];
  /** The arena_object address of each of `arenas`. */
  arenaStructs: number[];
  allArenasAligned: boolean;
}

/** Blocks and free pools of every arena, in address order. */
export interface ObmallocBlocks {
  count: number;
  addr: Float64Array;
  size: Float64Array;
  used: Uint8Array;
  /** Index into `ObmallocInfo.arenas` of the arena holding each row. */
  arena: Uint32Array;
}

/** An arena's figures as the model gives them (`PythonArenaInfo`), its address a number, and the pools carved so far. */
export interface ArenaTally extends Omit<PythonArenaInfo, 'address'> {
  address: number;
  poolsCarved: number;
}

export interface ObmallocHeap {
  info: ObmallocInfo;
  blocks: ObmallocBlocks;
  arenas: ArenaTally[];
  warnings: InputWarning[];
}

const BAD = 0xbad;
const MAX_ARENA_STRUCTS = 1 << 24;
/** Most free pools followed in one arena's list (real arenas have 64–256 pools; a cycle would go on up to 2^32 times). */
const MAX_FREE_POOLS = 1 << 16;
/** Most free-pool links followed over the whole search for the arena array (a real core needs a few hundred). */
export const MAX_FREE_POOL_STEPS = 1 << 24;

/** `a & (m - 1)` for non-negative integers below 2^53 and m a power of two. */
function low(a: number, m: number): number {
  return a % m;
}
const aligned = (a: number, w: number): boolean => a % w === 0;

interface Candidate {
  array: number;
  limit: number;
  poolSize: number;
  arenaSize: number;
  maxAligned: number;
}

async function tryArray(r: Reader, w: number, s0: number, budget: { steps: number }): Promise<Candidate | null> {
  const size = 6 * w;
  if (s0 === 0 || !aligned(s0, w)) return null;
  const a0 = await r.word(s0, BAD);
  if (a0 === 0 || !aligned(a0, w)) return null;
  const pl0 = await r.word(s0 + w, BAD);
  if (low(pl0, 0x1000) !== 0 || pl0 < a0) return null;
  const nf0 = await r.u32(s0 + 2 * w, BAD);
  const mp0 = await r.u32(s0 + 2 * w + 4, BAD);
  if (mp0 === 0 || nf0 > mp0) return null;
  let neverCarved = nf0;
  const firstFree = await r.word(s0 + 3 * w, BAD);
  if (firstFree !== 0) {
    // Each free pool is a carved page between the arena and pool_address: a longer list is a cycle or a lie.
    let left = Math.min(MAX_FREE_POOLS, Math.floor((pl0 - a0) / 0x1000) + 1);
    let p = firstFree;
    while (p !== 0) {
      if (low(p, 0x1000) !== 0 || neverCarved === 0 || left-- === 0) break;
      if (--budget.steps < 0) {
        throw new InputError(
          r.core.name,
          `the search for CPython's obmalloc arena array followed more than ${MAX_FREE_POOL_STEPS.toLocaleString('en-US')} free-pool links (the limit): refused as hostile or corrupt`,
        );
      }
      neverCarved--;
      p = await r.word(p + 2 * w, BAD);
    }
    if (p !== 0) return null;
  }
  const carved = mp0 - neverCarved;
  if (carved === 0) return null;
  const poolSize = Math.floor((pl0 - a0) / carved) - (Math.floor((pl0 - a0) / carved) % 0x1000);
  if (poolSize === 0 || low(pl0, poolSize) !== 0) return null;
  let arenaSize = mp0 * poolSize;
  if (low(a0, poolSize) !== 0) arenaSize += poolSize;
  const maxAligned = arenaSize / poolSize;
  const maxNotAligned = maxAligned - 1;

  let s = s0 + size;
  let trailer = false;
  for (let n = 0; n < MAX_ARENA_STRUCTS; n++, s += size) {
    const arena = await r.word(s, BAD);
    const next = await r.word(s + 4 * w, BAD);
    if (arena === 0) {
      if (next !== 0) {
        if (next < s0 || (next - s0) % size !== 0) break;
      } else {
        if (trailer) break;
        trailer = true;
      }
    } else {
      const nf = await r.u32(s + 2 * w, BAD);
      const mp = await r.u32(s + 2 * w + 4, BAD);
      if (mp !== (low(arena, poolSize) === 0 ? maxAligned : maxNotAligned)) break;
      if (nf > mp) break;
      const pl = await r.word(s + w, BAD);
      if (pl < arena || pl > arena + arenaSize || low(pl, poolSize) !== 0) break;
    }
  }
  let limit = s;
  for (s -= size; s > s0; s -= size) {
    if ((await r.word(s, BAD)) === 0 && (await r.word(s + 4 * w, BAD)) > limit) limit = s;
  }
  return { array: s0, limit, poolSize, arenaSize, maxAligned };
}

/**
 * Finds obmalloc's arena array in `core`, or null when the core has no CPython
 * module or no consistent array (then there are no obmalloc blocks to list).
 */
export async function findObmalloc(core: CoreFile, modules?: PythonModule[], cancel?: CancelCheck): Promise<ObmallocInfo | null> {
  if (core.pointerSize !== 8) return null;
  const w = core.pointerSize;
  const mods = modules ?? (await findPythonModules(core));
  const r = new Reader(core);
  const budget = { steps: MAX_FREE_POOL_STEPS };
  // chap looks in the library first and in the executable only when the library gave nothing.
  const lib = mods.filter((m) => m.isLibrary).pop();
  const exe = mods.filter((m) => !m.isLibrary).pop();
  for (const mod of [lib, exe]) {
    if (!mod) continue;
    let best: (Candidate & { pointer: number }) | null = null;
    let bestCount = 0;
    // Only readable words can hold the array's pointer (an unreadable one reads as BAD, which tryArray refuses).
    // Each stretch starts on the range's own word grid.
    const grid = (x: { start: number; end: number }) => (r: { start: number; end: number }) => ({ start: x.start + Math.ceil((r.start - x.start) / w) * w, end: r.end });
    for (const range of mod.writable.flatMap((x) => readableRuns(core, x.start, x.end).map(grid(x)))) {
      for (let a = range.start; a + w <= range.end; a += w) {
        cancel?.tick();
        const s0 = await r.word(a, BAD);
        const c = await tryArray(r, w, s0, budget);
        if (!c) continue;
        const count = Math.floor((c.limit - c.array) / (6 * w));
        if (count > bestCount) {
          bestCount = count;
          best = { ...c, pointer: a };
        }
      }
    }
    if (!best) continue;
    const size = 6 * w;
    const structs: { arena: number; struct: number }[] = [];
    let allAligned = true;
    for (let s = best.array; s < best.limit; s += size) {
      const arena = await r.word(s, 0);
      if (arena !== 0) {
        structs.push({ arena, struct: s });
        if (low(arena, best.poolSize) !== 0) allAligned = false;
      }
    }
    structs.sort((x, y) => x.arena - y.arena);
    return {
      module: mod.path,
      arrayPointer: best.pointer,
      arenaStructArray: best.array,
      arenaStructArrayLimit: best.limit,
      arenaStructSize: size,
      arenaSize: best.arenaSize,
      poolSize: best.poolSize,
      poolHeaderSize: 4 * w + 16,
      arenas: structs.map((x) => x.arena),
      arenaStructs: structs.map((x) => x.struct),
      allArenasAligned: allAligned,
    };
  }
  return null;
}

class Rows {
  addr = new Float64Array(1 << 16);
  size = new Float64Array(1 << 16);
  used = new Uint8Array(1 << 16);
  arena = new Uint32Array(1 << 16);
  count = 0;
  push(addr: number, size: number, used: boolean, arena: number): void {
    if (this.count === this.addr.length) {
      const n = this.count * 2;
      const g = <T extends Float64Array | Uint8Array | Uint32Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(n);
        b.set(a);
        return b;
      };
      this.addr = g(this.addr);
      this.size = g(this.size);
      this.used = g(this.used);
      this.arena = g(this.arena);
    }
    const i = this.count++;
    this.addr[i] = addr;
    this.size[i] = size;
    this.used[i] = used ? 1 : 0;
    this.arena[i] = arena;
  }
  freeze(): ObmallocBlocks {
    const n = this.count;
    return { count: n, addr: this.addr.slice(0, n), size: this.size.slice(0, n), used: this.used.slice(0, n), arena: this.arena.slice(0, n) };
  }
}

/** Walks every arena of `info`: blocks (used and free) and unused pools, in address order. */
export async function walkObmalloc(core: CoreFile, info: ObmallocInfo, cancel?: CancelCheck): Promise<ObmallocHeap> {
  const w = core.pointerSize;
  const warnings: InputWarning[] = [];
  const warn = (message: string): void => {
    if (warnings.length < 100) warnings.push({ file: core.name, message });
  };
  const { poolSize, arenaSize, poolHeaderSize: H } = info;
  const rows = new Rows();
  const tallies: ArenaTally[] = [];
  const usedInPool = new Uint8Array(Math.floor((poolSize - H) / w) + 1);
  for (let k = 0; k < info.arenas.length; k++) {
    const arena = info.arenas[k];
    const t: ArenaTally = { address: arena, poolsCarved: 0, pools: 0, poolsInUse: 0, usedBlocks: 0, usedBytes: 0, freeBlocks: 0, freeBytes: 0 };
    const poolAddress = await core.readWord(info.arenaStructs[k] + w);
    const first = Math.ceil(arena / poolSize) * poolSize;
    const limit = Math.floor((arena + arenaSize) / poolSize) * poolSize;
    for (let pool = first; pool < limit; pool += poolSize) {
      cancel?.tick();
      t.pools++;
      if (poolAddress !== null && pool < poolAddress) t.poolsCarved++;
      const bytes = await core.read(pool, poolSize);
      const dv = bytes ? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null;
      const u32 = (o: number): number => (dv ? dv.getUint32(o, true) : 0);
      const wordIn = (o: number): number => (dv ? dv.getUint32(o + 4, true) * 4294967296 + dv.getUint32(o, true) : 0);
      const count = u32(0);
      const blockSize = poolSize - u32(4 * w + 12);
      if (count === 0 || blockSize === poolSize || blockSize <= 0 || blockSize > poolSize - H) {
        if (count !== 0 && blockSize !== poolSize) warn(`the pool at 0x${pool.toString(16)} has an impossible block size (${blockSize}); it is listed as one free pool`);
        rows.push(pool, poolSize, false, k);
        t.freeBlocks++;
        t.freeBytes += poolSize;
        continue;
      }
      const block0 = pool + H;
      const numBlocks = Math.floor((poolSize - H) / blockSize);
      const blocksLimit = block0 + numBlocks * blockSize;
      const nextOffset = u32(4 * w + 8);
      let everUsed = Math.floor((nextOffset - H) / blockSize);
      if (nextOffset < H || everUsed > numBlocks || nextOffset !== H + everUsed * blockSize) {
        warn(`probable corruption in the header of the Python pool at 0x${pool.toString(16)}; its blocks are taken as all used`);
        everUsed = numBlocks;
      }
      usedInPool.fill(1, 0, everUsed);
      usedInPool.fill(0, everUsed, numBlocks);
      let fb = wordIn(w);
      for (let steps = 0; fb !== 0; steps++) {
        if (fb < block0 || fb >= blocksLimit || steps > numBlocks) {
          warn(`probable corrupt free list in the Python pool at 0x${pool.toString(16)}; its free status cannot be trusted`);
          break;
        }
        usedInPool[Math.floor((fb - block0) / blockSize)] = 0;
        fb = wordIn(fb - pool);
      }
      let anyUsed = false;
      for (let i = 0; i < numBlocks; i++) {
        const used = usedInPool[i] === 1;
        rows.push(block0 + i * blockSize, blockSize, used, k);
        if (used) {
          anyUsed = true;
          t.usedBlocks++;
          t.usedBytes += blockSize;
        } else {
          t.freeBlocks++;
          t.freeBytes += blockSize;
        }
      }
      if (anyUsed) t.poolsInUse++;
    }
    tallies.push(t);
  }
  return { info, blocks: rows.freeze(), arenas: tallies, warnings };
}
