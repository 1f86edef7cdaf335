/**
 * glibc malloc heap walk over a core's memory, classifying used and free the
 * way chap does.
 *
 * Finding the infrastructure without libc symbols (the approach chap takes,
 * re-derived from glibc's malloc.c / arena.c):
 * 1. Non-main heaps: every HEAP_MAX_SIZE-aligned address in a writable segment
 *    whose `heap_info` is self-consistent (ar_ptr in a heap at offset
 *    sizeof(heap_info) for a first heap, prev/size/mprotect_size aligned).
 * 2. Arena layout (glibc < 2.27 or >= 2.27) by vote: the layout whose `top`
 *    field gives a top chunk that ends exactly where its heap ends.
 * 3. Main arena: reached through the `next` ring of the non-main arenas, or,
 *    in a single-arena process, found by scanning writable memory for a
 *    malloc_state whose `next` points to itself, whose empty bins point to
 *    themselves, and whose top chunk ends on a page boundary.
 * 4. Main arena pages: [top + topsize - system_mem, top + topsize).
 * 5. Chunks are walked from the start of each heap to the arena's top; a chunk
 *    is used when the next chunk's PREV_INUSE bit is set, except chunks on a
 *    fastbin list, which are free (as chap lists them). Chunks in a thread's
 *    tcache (found through self-consistent `tcache_perthread_struct` chunks)
 *    are counted in `tcacheFree`; chap lists them as used, and so does the
 *    table unless `WalkOptions.tcache` says otherwise. The top chunk is a
 *    free allocation. Safe-linked pointers (glibc >= 2.32) are decoded.
 * 6. mmapped chunks: page-aligned chunks with prev_size 0 and IS_MMAPPED in
 *    writable segments that no heap, arena or mapped file claims.
 *
 * Sizes are chap's: a heap chunk's allocation is at chunk + 2 words with size
 * chunksize - 1 word (the next chunk's prev_size field is usable), the top
 * chunk and mmapped chunks give chunksize - 2 words.
 */
import { AllocationTableBuilder, AllocState, type AllocationTable } from '../../../../src/model/allocations.ts';
import type { CoreFile } from '../../formats/elf/core-file.ts';
import { CancelledError, type InputWarning } from '../../io/errors.ts';
import { isCancelled, type ReadControl } from '../../io/stream.ts';
import type { Absent, AllocatorFinder, HeapContribution } from '../allocator.ts';
import { isAbsent } from '../allocator.ts';
import type { HeapRegionInfo } from '../../../../src/model/heap-layout.ts';
import { assemble } from '../assemble.ts';
import { glibcVersion } from './version.ts';
import { arenaLayouts, heapMaxSize, NBINS, NFASTBINS, tcacheChunkSizes, TCACHE_MAX_BINS, type ArenaLayout } from './layout.ts';

const PAGE = 0x1000;
const WINDOW = 4 << 20;

/** One malloc arena with what the walk found in it (chap's `describe arenas`). */
export interface ArenaSummary {
  address: number;
  isMain: boolean;
  top: number;
  /** system_mem and max_system_mem of the arena. */
  size: number;
  maxSize: number;
  usedCount: number;
  usedBytes: number;
  freeCount: number;
  freeBytes: number;
}

/** A range of memory holding allocations: a heap, the main arena's pages, or mmapped chunks of one segment. */
export interface HeapRegion {
  /** 1-based id, stored in the table's `region` column. */
  id: number;
  kind: 'main-arena' | 'heap' | 'mmapped';
  start: number;
  end: number;
  /** Arena address (0 for mmapped chunks). */
  arena: number;
  usedCount: number;
  usedBytes: number;
  freeCount: number;
  freeBytes: number;
}

export interface GlibcHeap {
  table: AllocationTable;
  arenas: ArenaSummary[];
  regions: HeapRegion[];
  mainArena: number;
  layout: 'glibc<2.27' | 'glibc>=2.27' | 'unknown';
  /** Chunks found on fastbin lists and in tcaches (counted as free). */
  fastbinFree: number;
  tcacheFree: number;
  safeLinking: boolean;
  warnings: InputWarning[];
}

export interface WalkOptions {
  /**
   * State given to chunks sitting in a thread's tcache. chap lists them as Used
   * (their chunk bits say in use, and chap's `list used` includes them), which is
   * the default so that counts equal chap's; 'thread-cached-free' marks them
   * `AllocState.ThreadCachedFree` instead.
   */
  tcache?: 'used' | 'thread-cached-free';
}

interface Heap {
  start: number;
  arena: number;
  size: number;
  prev: number;
}

/** Chunks of one region, in address order, in growable typed arrays. */
class Walked {
  addr = new Float64Array(1024);
  size = new Float64Array(1024);
  used = new Uint8Array(1024);
  /** First word of the allocation (fd / tcache next), NaN when not read. */
  fd = new Float64Array(1024);
  length = 0;
  constructor(readonly region: HeapRegion) {}

  /** Drops the arrays once copied into the table (keeps peak memory down). */
  release(): void {
    this.addr = this.size = this.fd = new Float64Array(0);
    this.used = new Uint8Array(0);
  }

  push(addr: number, size: number, used: boolean, fd: number): void {
    if (this.length === this.addr.length) {
      const grow = <T extends Float64Array | Uint8Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.addr = grow(this.addr);
      this.size = grow(this.size);
      this.used = grow(this.used);
      this.fd = grow(this.fd);
    }
    const i = this.length++;
    this.addr[i] = addr;
    this.size[i] = size;
    this.used[i] = used ? 1 : 0;
    this.fd[i] = fd;
  }
}

function u64(dv: DataView, o: number): number {
  return dv.getUint32(o + 4, true) * 4294967296 + dv.getUint32(o, true);
}

class Walker {
  readonly w: number;
  readonly warnings: InputWarning[] = [];
  heaps = new Map<number, Heap>();
  arenas = new Map<number, ArenaSummary>();
  layout: ArenaLayout | null = null;
  mainArena = 0;
  regions: HeapRegion[] = [];
  walked: Walked[] = [];
  safeLinking = false;
  readonly maxHeap: number;
  readonly heapInfoSizes: number[];

  constructor(
    readonly core: CoreFile,
    readonly ctl?: ReadControl,
  ) {
    this.w = core.pointerSize;
    this.maxHeap = heapMaxSize(this.w);
    this.heapInfoSizes = [4 * this.w, 6 * this.w].map((n) => Math.ceil(n / 16) * 16);
  }

  warn(message: string): void {
    this.warnings.push({ file: this.core.name, message });
  }

  word(_b: Uint8Array, dv: DataView, o: number): number {
    return this.w === 8 ? u64(dv, o) : dv.getUint32(o, true);
  }

  async rw(addr: number): Promise<number | null> {
    return this.core.readWord(addr);
  }

  writableSegments(): { start: number; end: number }[] {
    const out: { start: number; end: number }[] = [];
    for (const s of this.core.segments) {
      if ((s.flags & 6) !== 6) continue;
      const end = this.core.readableEnd(s.vaddr);
      if (end > s.vaddr) out.push({ start: s.vaddr, end: Math.min(end, s.vaddr + s.memsz) });
    }
    return out;
  }

  async findHeaps(): Promise<void> {
    const w = this.w;
    const M = this.maxHeap;
    for (const seg of this.writableSegments()) {
      for (let h = Math.ceil(seg.start / M) * M; h + PAGE <= seg.end; h += M) {
        const b = await this.core.read(h, 4 * w);
        if (!b) continue;
        const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
        const ar = this.word(b, dv, 0);
        const prev = this.word(b, dv, w);
        const size = this.word(b, dv, 2 * w);
        const mprotect = this.word(b, dv, 3 * w);
        const first = ar - (ar % M) === h;
        // sizeof(heap_info): 4 words up to glibc 2.34, 6 since 2.35 (pagesize field, padded).
        if (!this.heapInfoSizes.includes(ar % M)) continue;
        if (prev % M !== 0 || size === 0 || size % PAGE !== 0 || mprotect === 0 || mprotect % PAGE !== 0 || size > M) continue;
        if (first !== (prev === 0)) continue;
        this.heaps.set(h, { start: h, arena: ar, size, prev });
      }
    }
  }

  /** Picks the malloc_state layout by checking top chunks of the heap-resident arenas. */
  async chooseLayout(): Promise<void> {
    const layouts = arenaLayouts(this.w);
    const arenas = [...new Set([...this.heaps.values()].map((h) => h.arena))];
    let best: ArenaLayout | null = null;
    let bestVotes = 0;
    for (const l of layouts) {
      let votes = 0;
      for (const a of arenas) if (await this.topLooksRight(a, l)) votes++;
      if (votes > bestVotes) {
        best = l;
        bestVotes = votes;
      }
    }
    this.layout = best;
  }

  /** The top chunk of arena `a` under layout `l` ends at its heap's end (non-main) or on a page (main). */
  async topLooksRight(a: number, l: ArenaLayout): Promise<boolean> {
    const top = await this.rw(a + l.top);
    if (!top || top % (2 * this.w) !== 0) return false;
    const sz = await this.rw(top + this.w);
    if (sz === null || (sz & 2) !== 0 || sz < 4 * this.w) return false;
    const end = top + (sz - (sz % 8));
    const heap = this.heaps.get(top - (top % this.maxHeap));
    if (heap) return end === heap.start + heap.size;
    return end % PAGE === 0;
  }

  /** Follows `next` from the non-main arenas to the main arena. */
  async findMainArenaByRing(): Promise<boolean> {
    const l = this.layout!;
    for (const a of new Set([...this.heaps.values()].map((h) => h.arena))) {
      let at = a;
      const seen = new Set<number>();
      for (let i = 0; i < 4096 && !seen.has(at); i++) {
        seen.add(at);
        const next = await this.rw(at + l.next);
        if (!next) break;
        const h = this.heaps.get(next - (next % this.maxHeap));
        if (!h || h.arena !== next) {
          if (await this.isArena(next, l, true)) {
            this.mainArena = next;
            return true;
          }
          break;
        }
        at = next;
      }
    }
    return false;
  }

  /** Self-consistency of a malloc_state at `a`: bins empty (pointing to themselves) or pointing into memory, sane top. */
  async isArena(a: number, l: ArenaLayout, main: boolean): Promise<boolean> {
    const b = await this.core.read(a, l.size);
    if (!b) return false;
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    let empty = 0;
    for (let i = 0; i < NBINS - 1; i++) {
      const at = l.bins + 2 * i * this.w;
      const fd = this.word(b, dv, at);
      const bk = this.word(b, dv, at + this.w);
      const self = a + at - 2 * this.w;
      if (fd === self && bk === self) empty++;
      else if (fd === self || bk === self || fd === 0 || bk === 0 || fd % this.w || bk % this.w) return false;
    }
    if (empty < 8) return false;
    if (main && !(await this.topLooksRight(a, l))) return false;
    return true;
  }

  /** Single-arena process: scan writable memory for a malloc_state whose next is itself. */
  async scanForMainArena(): Promise<boolean> {
    const segs = this.writableSegments();
    const libc = this.core.files.filter((f) => /\/libc[.-]/.test(f.path));
    // libc's writable data first (main_arena lives there), then everything else small enough.
    const near = (s: { start: number; end: number }): boolean => libc.some((f) => s.start >= f.start && s.start <= f.end + 0x400000);
    const ordered = [...segs.filter(near), ...segs.filter((s) => !near(s))];
    for (const seg of ordered) {
      if (seg.end - seg.start > 64 << 20) continue;
      const b = await this.core.read(seg.start, seg.end - seg.start);
      if (!b) continue;
      const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      for (const l of this.layout ? [this.layout] : arenaLayouts(this.w)) {
        for (let o = l.next; o + this.w <= b.length; o += this.w) {
          const a = seg.start + o - l.next;
          if (this.word(b, dv, o) !== a) continue;
          if (await this.isArena(a, l, true)) {
            this.layout = l;
            this.mainArena = a;
            return true;
          }
        }
      }
    }
    return false;
  }

  async arenaSummary(a: number, isMain: boolean): Promise<ArenaSummary> {
    const l = this.layout!;
    return {
      address: a,
      isMain,
      top: (await this.rw(a + l.top)) ?? 0,
      size: (await this.rw(a + l.systemMem)) ?? 0,
      maxSize: (await this.rw(a + l.maxSystemMem)) ?? 0,
      usedCount: 0,
      usedBytes: 0,
      freeCount: 0,
      freeBytes: 0,
    };
  }

  /** Walks chunks in [first, end) of `region`; stops at the arena's top chunk (counted as free). */
  async walk(region: HeapRegion, first: number, end: number, top: number): Promise<Walked> {
    const w = this.w;
    const out = new Walked(region);
    let c = first;
    let buf: Uint8Array | null = null;
    let dv: DataView | null = null;
    let bufStart = 0;
    let prevChunk = -1;
    let prevSize = 0;
    let prevFd = NaN;
    const readable = this.core.readableEnd(first);
    const limit = Math.min(end, readable);
    if (readable < end) this.warn(`the heap at 0x${region.start.toString(16)} is cut short at 0x${readable.toString(16)} (bytes missing from the core)`);
    while (c + 2 * w <= limit) {
      if (!buf || c + 2 * w > bufStart + buf.length) {
        if (isCancelled(this.ctl)) throw new CancelledError(this.core.name);
        bufStart = c;
        buf = await this.core.read(c, Math.min(WINDOW, limit - c));
        if (!buf) break;
        dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      }
      const sf = this.word(buf, dv!, c - bufStart + w);
      const size = sf - (sf % 8);
      if (prevChunk >= 0) {
        out.push(prevChunk + 2 * w, prevSize - w, (sf & 1) === 1, prevFd);
      }
      if (c === top) {
        let topBytes = size - 2 * w;
        if (region.kind === 'heap') {
          // As chap: the top allocation of a thread heap runs to the end of the writable mapping (within the heap's reservation).
          const seg = this.core.segmentAt(c);
          if (seg) topBytes = Math.min(seg.vaddr + seg.memsz, region.start + this.maxHeap) - (c + 2 * w);
        }
        out.push(c + 2 * w, topBytes, false, NaN);
        prevChunk = -1;
        break;
      }
      if (size < 4 * w || size % (2 * w) !== 0 || c + size > end) {
        if (size >= 2 * w && size < 4 * w && c + size + 2 * w <= end) {
          // Fencepost at the end of a non-main heap: not an allocation.
          prevChunk = -1;
          break;
        }
        this.warn(`corrupt chunk header at 0x${c.toString(16)} (size field 0x${sf.toString(16)}); the rest of that heap is skipped`);
        prevChunk = -1;
        break;
      }
      prevChunk = c;
      prevSize = size;
      prevFd = c + 3 * w <= bufStart + buf.length ? this.word(buf, dv!, c - bufStart + 2 * w) : NaN;
      c += size;
    }
    if (prevChunk >= 0) {
      // Ran off the end without meeting top: the last chunk's status is unknown; chap counts it as used.
      out.push(prevChunk + 2 * w, prevSize - w, true, prevFd);
    }
    return out;
  }

  async walkArenas(): Promise<void> {
    const w = this.w;
    const l = this.layout!;
    // Non-main heaps.
    const firstOffset = (heapInfoEnd: number): number => {
      let p = heapInfoEnd;
      const mis = (p + 2 * w) % 16;
      if (mis) p += 16 - mis;
      return p;
    };
    for (const h of [...this.heaps.values()].sort((a, b) => a.start - b.start)) {
      if (!this.arenas.has(h.arena)) this.arenas.set(h.arena, await this.arenaSummary(h.arena, false));
      const arena = this.arenas.get(h.arena)!;
      const first = h.arena - (h.arena % this.maxHeap) === h.start ? firstOffset(h.arena + l.size) : firstOffset(h.start + (h.arena % this.maxHeap));
      const region: HeapRegion = { id: 0, kind: 'heap', start: h.start, end: h.start + h.size, arena: h.arena, usedCount: 0, usedBytes: 0, freeCount: 0, freeBytes: 0 };
      this.walked.push(await this.walk(region, first, h.start + h.size, arena.top));
    }
    if (this.mainArena) {
      const m = await this.arenaSummary(this.mainArena, true);
      this.arenas.set(this.mainArena, m);
      const ts = await this.rw(m.top + w);
      if (ts !== null) {
        const topEnd = m.top + (ts - (ts % 8));
        let base = topEnd - m.size;
        if (!(await this.plausibleFirstChunk(base, topEnd))) {
          const seg = this.core.segmentAt(m.top);
          base = seg ? seg.vaddr : m.top;
          this.warn(`the main arena's pages do not start at 0x${(topEnd - m.size).toString(16)} as system_mem says; walking from 0x${base.toString(16)}`);
        }
        const region: HeapRegion = { id: 0, kind: 'main-arena', start: base, end: topEnd, arena: this.mainArena, usedCount: 0, usedBytes: 0, freeCount: 0, freeBytes: 0 };
        this.walked.push(await this.walk(region, base, topEnd, m.top));
      } else {
        this.warn(`the main arena's top chunk at 0x${m.top.toString(16)} is not in the core`);
      }
    }
  }

  async plausibleFirstChunk(base: number, end: number): Promise<boolean> {
    const sf = await this.rw(base + this.w);
    const p = await this.rw(base);
    if (sf === null || p === null) return false;
    const size = sf - (sf % 8);
    return p === 0 && (sf & 7) === 1 && size >= 4 * this.w && base + size <= end;
  }

  async findMmapped(): Promise<void> {
    const w = this.w;
    const claimed: [number, number][] = [];
    for (const h of this.heaps.values()) claimed.push([h.start, h.start + this.maxHeap]);
    for (const r of this.walked) claimed.push([r.region.start, r.region.end]);
    for (const f of this.core.files) claimed.push([f.start, f.end]);
    const sps = this.core.threads.map((t) => t.registers.rsp ?? t.registers.sp ?? t.registers.esp).filter((x): x is number => x !== undefined);
    for (const seg of this.writableSegments()) {
      if (sps.some((sp) => sp >= seg.start && sp < seg.end)) continue;
      let addr = Math.ceil(seg.start / PAGE) * PAGE;
      let region: HeapRegion | null = null;
      let walked: Walked | null = null;
      while (addr + PAGE <= seg.end) {
        const cl = claimed.find(([s, e]) => addr >= s && addr < e);
        if (cl) {
          addr = Math.ceil(cl[1] / PAGE) * PAGE;
          continue;
        }
        const b = await this.core.read(addr, 2 * w);
        if (!b) break;
        const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
        const p = this.word(b, dv, 0);
        const sf = this.word(b, dv, w);
        if (p === 0 && sf % PAGE === 2 && sf >= PAGE && addr + sf - 2 <= seg.end) {
          const size = sf - 2;
          if (!region) {
            region = { id: 0, kind: 'mmapped', start: addr, end: addr, arena: 0, usedCount: 0, usedBytes: 0, freeCount: 0, freeBytes: 0 };
            walked = new Walked(region);
            this.walked.push(walked);
          }
          walked!.push(addr + 2 * w, size - 2 * w, true, NaN);
          region.end = addr + size;
          addr += size;
        } else addr += PAGE;
      }
    }
  }

  /** Marks fastbin and tcache chunks free. Returns counts. */
  async freeLists(
    addrs: Float64Array,
    sizes: Float64Array,
    regionOf: Uint32Array,
    used: Uint8Array,
    tcached: Uint8Array,
    fds: Float64Array,
  ): Promise<{ fast: number; tcache: number }> {
    const w = this.w;
    const indexOf = (a: number): number => {
      let lo = 0;
      let hi = addrs.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const v = addrs[mid];
        if (v < a) lo = mid + 1;
        else if (v > a) hi = mid - 1;
        else return mid;
      }
      return -1;
    };
    /** First word of the allocation at user address `a` (recorded by the walk, else read). */
    const firstWord = async (a: number): Promise<number | null> => {
      const idx = indexOf(a);
      if (idx >= 0 && !Number.isNaN(fds[idx])) return fds[idx];
      return this.rw(a);
    };
    /** Next pointer of a list node, raw or safe-linked (glibc >= 2.32: stored = (pos >> 12) ^ ptr). */
    const follow = (pos: number, stored: number, toUser: number): number => {
      if (stored === 0) return 0;
      if (indexOf(stored + toUser) >= 0) return stored;
      const demangled = xor(Math.floor(pos / PAGE), stored);
      if (demangled === 0) return 0;
      if (indexOf(demangled + toUser) >= 0) {
        this.safeLinking = true;
        return demangled;
      }
      return -1;
    };
    let fast = 0;
    const l = this.layout!;
    for (const a of this.arenas.keys()) {
      for (let i = 0; i < NFASTBINS; i++) {
        let node = await this.rw(a + l.fastbins + i * w);
        let steps = 0;
        while (node && node > 0 && steps++ < 1_000_000) {
          const idx = indexOf(node + 2 * w);
          if (idx < 0) {
            this.warn(`fastbin list of arena 0x${a.toString(16)} has a node 0x${node.toString(16)} that is not an allocation; the rest of that list is ignored`);
            break;
          }
          if (used[idx]) {
            used[idx] = 0;
            fast++;
          }
          const stored = await firstWord(node + 2 * w);
          if (stored === null) break;
          const next = follow(node + 2 * w, stored, 2 * w);
          // A safe-linked head is stored in clear; only fd pointers are mangled.
          node = next;
        }
        if (node === -1) this.warn(`a fastbin list of arena 0x${a.toString(16)} has an undecodable link; the rest of that list is ignored`);
      }
    }
    // An arena whose mutex is held may be in the middle of consolidating a fastbin list it has
    // already detached: a thread with a register pointing at the arena's fastbin heads holds the
    // detached chain in another register. The longest such chain of used chunks is free.
    for (const a of this.arenas.keys()) {
      const mutex = await this.rw(a);
      if (mutex === null || (mutex & 1) === 0) continue;
      const fastStart = a + l.fastbins;
      const fastLimit = a + l.top;
      const isMain = a === this.mainArena;
      let best: number[] = [];
      for (const t of this.core.threads) {
        const regs = Object.values(t.registers);
        if (!regs.some((r) => r >= fastStart && r < fastLimit && r % w === 0)) continue;
        for (const r of regs) {
          if ((r >= a && r < fastLimit) || r % (2 * w) !== 0) continue;
          const sf = await this.rw(r + w);
          if (sf === null || (sf & 6) !== (isMain ? 0 : 4)) continue;
          if (!isMain && (await this.rw(r - (r % this.maxHeap))) !== a) continue;
          const chain: number[] = [];
          for (let node = r; node > 0 && chain.length < 1_000_000; ) {
            const idx = indexOf(node + 2 * w);
            if (idx < 0 || !used[idx]) break;
            chain.push(idx);
            const stored = await firstWord(node + 2 * w);
            if (stored === null) break;
            node = follow(node + 2 * w, stored, 2 * w);
          }
          if (chain.length > best.length) best = chain;
        }
      }
      for (const idx of best) {
        used[idx] = 0;
        fast++;
      }
    }
    // tcache_perthread_struct candidates: used chunks of the struct's size whose entries all point to allocations.
    let tcache = 0;
    const shapes = tcacheChunkSizes(w);
    for (const shape of shapes) {
      for (let k = 0; k < addrs.length; k++) {
        if (sizes[k] !== shape.chunk - w || !used[k] || this.regions[regionOf[k] - 1].kind === 'mmapped') continue;
        tcache += await this.tcacheAt(addrs[k], shape.countBytes, used, tcached, indexOf, follow, firstWord);
      }
      if (tcache > 0) break;
    }
    return { fast, tcache };
  }

  async tcacheAt(
    user: number,
    countBytes: number,
    used: Uint8Array,
    tcached: Uint8Array,
    indexOf: (a: number) => number,
    follow: (pos: number, stored: number, toUser: number) => number,
    firstWord: (a: number) => Promise<number | null>,
  ): Promise<number> {
    const w = this.w;
    const b = await this.core.read(user, TCACHE_MAX_BINS * (countBytes + w));
    if (!b) return 0;
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const entriesAt = TCACHE_MAX_BINS * countBytes;
    const heads: { head: number; count: number }[] = [];
    for (let i = 0; i < TCACHE_MAX_BINS; i++) {
      const count = countBytes === 2 ? dv.getUint16(2 * i, true) : b[i];
      const head = this.word(b, dv, entriesAt + i * w);
      if ((count === 0) !== (head === 0)) return 0;
      if (head !== 0 && indexOf(head) < 0) return 0;
      if (head !== 0) heads.push({ head, count });
    }
    let n = 0;
    for (const { head, count } of heads) {
      let e = head;
      for (let steps = 0; e > 0 && steps < count; steps++) {
        const idx = indexOf(e);
        if (idx < 0) break;
        if (used[idx] && !tcached[idx]) {
          tcached[idx] = 1;
          n++;
        }
        const stored = await firstWord(e);
        if (stored === null) break;
        e = follow(e, stored, 0);
      }
    }
    return n;
  }
}

/** XOR of two non-negative integers below 2^53. */
function xor(a: number, b: number): number {
  const hi = (Math.floor(a / 4294967296) ^ Math.floor(b / 4294967296)) >>> 0;
  const lo = ((a >>> 0) ^ (b >>> 0)) >>> 0;
  return hi * 4294967296 + lo;
}

/** What the glibc walk found, beside its rows (tests, benchmarks, the CLI). */
export interface GlibcDetail {
  mainArena: number;
  layout: GlibcHeap['layout'];
  fastbinFree: number;
  tcacheFree: number;
  safeLinking: boolean;
}

/**
 * Walks the glibc malloc heap of `core`: every arena, heap and mmapped chunk.
 * Its allocations are in address order (state Used or Free exactly as chap
 * lists them; `region` = 1-based index of its `regions`). Never throws for odd
 * heaps: problems become warnings and the walk keeps what it could read.
 */
export async function findGlibc(core: CoreFile, ctl?: ReadControl, opts: WalkOptions = {}): Promise<HeapContribution<GlibcDetail> | Absent> {
  const wk = new Walker(core, ctl);
  await wk.findHeaps();
  await wk.chooseLayout();
  let found = false;
  if (wk.layout && wk.heaps.size > 0) found = await wk.findMainArenaByRing();
  if (!found) found = await wk.scanForMainArena();
  if (!wk.layout) {
    await wk.findMmapped();
    // mmapped-looking chunks alone do not make a glibc heap (other allocators' pages look alike).
    return { absent: 'no glibc malloc arena was found (no malloc_state in writable memory)', warnings: wk.warnings };
  }
  if (!found) wk.warn('the main arena was not found; only thread arenas and mmapped chunks are listed');
  await wk.walkArenas();
  await wk.findMmapped();

  wk.walked.sort((a, b) => a.region.start - b.region.start);
  let rows = 0;
  for (const r of wk.walked) rows += r.length;
  const addrs = new Float64Array(rows);
  const used = new Uint8Array(rows);
  const sizes = new Float64Array(rows);
  const region = new Uint32Array(rows);
  const fds = new Float64Array(rows);
  let i = 0;
  wk.walked.forEach((r, k) => {
    r.region.id = k + 1;
    wk.regions.push(r.region);
    for (let j = 0; j < r.length; j++, i++) {
      addrs[i] = r.addr[j];
      sizes[i] = r.size[j];
      used[i] = r.used[j];
      fds[i] = r.fd[j];
      region[i] = k + 1;
    }
    r.release();
  });
  const tcached = new Uint8Array(rows);
  const { fast, tcache } = await wk.freeLists(addrs, sizes, region, used, tcached, fds);
  const tcacheState = opts.tcache === 'thread-cached-free' ? AllocState.ThreadCachedFree : AllocState.Used;

  const b = new AllocationTableBuilder({ expectedRows: rows, region: true });
  let last = -1;
  let backwards = 0;
  for (let k = 0; k < rows; k++) {
    // Overlapping regions would break address order: rows that go backwards are not listed (counted below).
    if (addrs[k] <= last) {
      backwards++;
      continue;
    }
    last = addrs[k];
    const a = addrs[k];
    const row = b.add(Math.floor(a / 4294967296), a >>> 0, sizes[k], !used[k] ? AllocState.Free : tcached[k] ? tcacheState : AllocState.Used);
    b.region!.array[row] = region[k];
  }
  if (backwards) wk.warn(`${backwards.toLocaleString('en-US')} chunk(s) lie at or below an earlier one (overlapping heap regions) and are not listed`);
  const layout: GlibcHeap['layout'] = wk.layout.haveFastchunks ? 'glibc>=2.27' : 'glibc<2.27';
  const arenas = [...wk.arenas.values()].sort((x, y) => x.address - y.address);
  const version = await glibcVersion(core);
  const facts = [
    { label: 'malloc_state layout', value: layout },
    { label: 'main arena', value: `0x${wk.mainArena.toString(16)}` },
    ...(version ? [{ label: 'version from', value: version.source }] : []),
    { label: 'safe-linking', value: wk.safeLinking ? 'yes' : 'no' },
    { label: 'fastbin chunks', value: fast.toLocaleString('en-US') },
    { label: 'tcache entries', value: tcache.toLocaleString('en-US') },
  ];
  return {
    info: {
      id: 'glibc',
      description: `glibc${version ? ` ${version.version}` : ''} malloc, ${arenas.length} arena${arenas.length === 1 ? '' : 's'}`,
      ...(version ? { version: version.version } : {}),
      facts,
    },
    table: b.freeze(),
    regions: wk.regions.map((r) => ({ kind: r.kind, start: r.start, end: r.end, arena: r.arena })),
    arenas: arenas.map((a) => ({ address: a.address, isMain: a.isMain, top: a.top, size: a.size, maxSize: a.maxSize })),
    warnings: wk.warnings,
    detail: { mainArena: wk.mainArena, layout, fastbinFree: fast, tcacheFree: tcache, safeLinking: wk.safeLinking },
  };
}

/** The glibc finder for the allocator registry. */
export const glibcFinder: AllocatorFinder = {
  id: 'glibc',
  layer: 'base',
  find: (core, ctx) => findGlibc(core, ctx.ctl, ctx.opts),
};

/**
 * The glibc walk alone, assembled into a table with per-arena and per-region
 * tallies (tests, benchmarks). Callers that want every allocator use
 * `findAllocations` (../find-allocators.ts).
 */
export async function walkGlibcHeap(core: CoreFile, ctl?: ReadControl, opts: WalkOptions = {}): Promise<GlibcHeap> {
  const r = await findGlibc(core, ctl, opts);
  if (isAbsent(r)) {
    const b = new AllocationTableBuilder({ region: true });
    return {
      table: b.freeze(),
      arenas: [],
      regions: [],
      mainArena: 0,
      layout: 'unknown',
      fastbinFree: 0,
      tcacheFree: 0,
      safeLinking: false,
      warnings: [...(r.warnings ?? []), { file: core.name, message: `${r.absent}; it lists no allocations` }],
    };
  }
  const a = assemble(core.name, [r]);
  const n = (s: string): number => parseInt(s, 16);
  return {
    table: a.table,
    arenas: (a.allocators[0].arenas ?? []).map((x) => ({ ...x, address: n(x.address), top: n(x.top ?? '0'), maxSize: x.maxSize ?? 0 })),
    regions: a.regions.map((g) => ({ id: g.id, kind: g.kind as HeapRegion['kind'], start: n(g.start), end: n(g.end), arena: n(g.arena), usedCount: g.usedCount, usedBytes: g.usedBytes, freeCount: g.freeCount, freeBytes: g.freeBytes })),
    ...r.detail,
    warnings: a.warnings,
  };
}

/**
 * glibc's part of what the registry found, in the glibc walk's terms (numeric
 * regions with their ids in the merged table, main arena, layout); undefined
 * when the core has no glibc heap. The leak analysis claims chap's libc ranges from it.
 */
export function glibcLayoutOf(found: { regions: readonly HeapRegionInfo[]; contributions: readonly HeapContribution[] }): Pick<GlibcHeap, 'regions' | 'mainArena' | 'layout'> | undefined {
  const part = found.contributions.find((c) => c.info.id === 'glibc') as HeapContribution<GlibcDetail> | undefined;
  if (!part) return undefined;
  const n = (s: string): number => parseInt(s, 16);
  const regions = found.regions
    .filter((g) => g.allocator === 'glibc')
    .map((g) => ({ id: g.id, kind: g.kind as HeapRegion['kind'], start: n(g.start), end: n(g.end), arena: n(g.arena), usedCount: g.usedCount, usedBytes: g.usedBytes, freeCount: g.freeCount, freeBytes: g.freeBytes }));
  return { regions, mainArena: part.detail.mainArena, layout: part.detail.layout };
}
