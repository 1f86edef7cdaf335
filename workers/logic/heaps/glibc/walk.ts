/**
 * The chunk walk: every chunk of every heap and main-arena run, in address
 * order, and the mmapped chunks. A heap chunk is used when the next chunk's
 * PREV_INUSE bit is set; the top chunk is free. Sizes are chap's: a heap
 * chunk's allocation is at chunk + 2 words with size chunksize − 1 word (the
 * next chunk's prev_size field is usable), the top chunk and mmapped chunks
 * give chunksize − 2 words.
 */
import type { Infrastructure } from './discovery.ts';
import { Segment } from './chunk-store.ts';
import { fastbinChunkSize, firstChunkAt, tcacheChunkSize, TCACHE_MAX_BINS, type ChunkParams } from './layout.ts';
import { hex, PAGE, xorWord, type Mem, type Range } from './memory.ts';
import type { Run } from './runs.ts';
import { StageMeter } from '../../io/stream.ts';

export type RegionKind = 'main-arena' | 'heap' | 'mmapped';

/** A range of memory holding allocations: a heap, a main-arena run, or mmapped chunks of one segment. */
export interface Region {
  kind: RegionKind;
  start: number;
  end: number;
  /** Arena address (0 for mmapped chunks). */
  arena: number;
}

/**
 * Which first words the walk keeps (chunk-store.ts): those of chunks small enough for a fastbin or a tcache bin
 * that are 0 or, read plainly or undone as safe-linked, an 8-aligned address in the heaps' span. Any other word a
 * free list needs is read from the core (the same word: answers do not depend on this choice).
 */
export class LinkFilter {
  constructor(
    readonly maxChunk: number,
    readonly lo: number,
    readonly hi: number,
    readonly tagged: boolean,
  ) {}

  static of(p: ChunkParams, infra: Infrastructure, runs: Run[], tagged: boolean): LinkFilter {
    let lo = Infinity;
    let hi = 0;
    for (const h of infra.heaps.values()) {
      lo = Math.min(lo, h.start);
      hi = Math.max(hi, h.start + infra.heapMax);
    }
    for (const r of runs) {
      lo = Math.min(lo, r.start);
      hi = Math.max(hi, r.end);
    }
    const maxChunk = Math.max(fastbinChunkSize(p.word, p.nfastbins - 1), tcacheChunkSize(p, TCACHE_MAX_BINS - 1));
    return new LinkFilter(maxChunk, lo, hi, tagged);
  }

  keeps(user: number, chunkSize: number, hi: number, lo: number): boolean {
    if (chunkSize > this.maxChunk) return false;
    if (hi === 0 && lo === 0) return true;
    if (this.tagged) return true;
    const plain = hi * 4294967296 + lo;
    if (this.near(plain)) return true;
    return this.near(xorWord(hi, lo, Math.floor(user / PAGE), false));
  }

  private near(v: number): boolean {
    return v === 0 || (v >= this.lo && v < this.hi && v % 8 === 0);
  }
}

const WINDOW = 1 << 20;

/** Walks chunks in [first, end) of `region`; stops at `top` (listed free) or at a fencepost. */
export async function walkRegion(mem: Mem, p: ChunkParams, heapMax: number, region: Region, first: number, end: number, top: number, links: LinkFilter, progress?: (walked: number) => void): Promise<Segment> {
  const w = mem.w;
  const core = mem.core;
  const out = new Segment(region, w);
  const alignPow2 = (p.align & (p.align - 1)) === 0;
  let c = first;
  let dv: DataView | null = null;
  let bufStart = 0;
  let prevChunk = -1;
  let prevSize = 0;
  let prevKept = false;
  let prevHi = 0;
  let prevLo = 0;
  const readable = core.readableEnd(first);
  const limit = Math.min(end, readable);
  if (readable < end) mem.warn(`the ${region.kind === 'heap' ? 'heap' : 'main arena run'} at ${hex(region.start)} is cut short at ${hex(readable)} (bytes missing from the core)`);
  while (c + 2 * w <= limit) {
    if (!dv || c + 2 * w > bufStart + dv.byteLength) {
      await mem.step(1 << 12);
      progress?.(c - first);
      bufStart = c;
      dv = await mem.readWindow(c, Math.min(WINDOW, limit - c));
      if (!dv) break;
    }
    const sf = mem.wordIn(dv, c - bufStart + w);
    const size = sf < 2147483648 ? sf & ~7 : sf - (sf % 8); // integer arithmetic when it fits (a double's % is a library call)
    // A thread heap glibc left for a new one ends with a zero-size fencepost 2 words before its end; as chap,
    // neither it nor the chunk just before it (the old top marked in use, when too small to free) is listed.
    const lastFencepost = size === 0 && region.kind === 'heap' && c + 2 * w === end;
    if (prevChunk >= 0 && !lastFencepost) out.pushWord(prevChunk + 2 * w, prevSize - w, (sf & 1) === 1, prevKept, prevHi, prevLo);
    prevChunk = -1;
    if (lastFencepost) break;
    if (c === top) {
      let topBytes = size - 2 * w;
      if (region.kind === 'heap') {
        // As chap: the top allocation of a thread heap runs to the end of the writable mapping (within the heap's reservation).
        const seg = core.segmentAt(c);
        if (seg) topBytes = Math.min(seg.vaddr + seg.memsz, region.start + heapMax) - (c + 2 * w);
      }
      out.push(c + 2 * w, topBytes, false, null);
      break;
    }
    if (size < p.minSize || (size < 2147483648 && alignPow2 ? size & (p.align - 1) : size % p.align) !== 0 || c + size > end) {
      // A fencepost (2 words, at the end of a heap or of a main-arena run) ends the walk.
      if (size >= 2 * w && size < p.minSize && c + size <= end) break;
      mem.anomaly('corrupt-chunk', hex(c), (n, ex) => `${n} chunk header(s) are corrupt (${ex}); the rest of each of those heaps is not listed`);
      break;
    }
    prevChunk = c;
    prevSize = size;
    prevKept = false;
    if (size <= links.maxChunk && c + 3 * w <= bufStart + dv.byteLength) {
      const o = c - bufStart + 2 * w;
      const lo = dv.getUint32(o, true);
      const hi = w === 8 ? dv.getUint32(o + 4, true) : 0;
      if (links.keeps(c + 2 * w, size, hi, lo)) {
        prevKept = true;
        prevHi = hi;
        prevLo = lo;
      }
    }
    c += size;
  }
  if (prevChunk >= 0) {
    // Ran off the end without meeting top: the last chunk's status is unknown; chap counts it as used.
    out.pushWord(prevChunk + 2 * w, prevSize - w, true, prevKept, prevHi, prevLo);
  }
  return out;
}

/** Every heap and main-arena run, walked. */
export async function walkArenas(mem: Mem, infra: Infrastructure, runs: Run[]): Promise<Segment[]> {
  const { layout, heapMax, heapInfoSize } = infra;
  const p = layout.params;
  const links = LinkFilter.of(p, infra, runs, mem.tagged);
  const out: Segment[] = [];
  const missing = new Set<number>();
  const heaps = [...infra.heaps.values()].sort((a, b) => a.start - b.start).filter((h) => infra.arenas.has(h.arena));
  // Progress: bytes of the heaps and main-arena runs walked, of all of them (reported once per window read).
  const total = heaps.reduce((n, h) => n + h.size, 0) + (infra.mainArena ? runs.reduce((n, r) => n + Math.max(0, r.end - r.first), 0) : 0);
  const meter = new StageMeter(mem.ctl, mem.name, 'walk', total, 'bytes');
  let before = 0;
  const at = (walked: number): void => meter.at(before + walked);
  for (const h of heaps) {
    const arena = infra.arenas.get(h.arena)!;
    const isFirst = h.arena - (h.arena % heapMax) === h.start;
    const first = isFirst ? firstChunkAt(h.arena + layout.size, p) : h.start + heapInfoSize;
    out.push(await walkRegion(mem, p, heapMax, { kind: 'heap', start: h.start, end: h.start + h.size, arena: h.arena }, first, h.start + h.size, arena.top, links, (x) => at(x + first - h.start)));
    before += h.size;
  }
  for (const a of infra.arenas.values()) if (!a.isMain && ![...infra.heaps.values()].some((h) => h.arena === a.address)) missing.add(a.address);
  if (missing.size) mem.warn(`${missing.size} arena(s) of the ring have no heap in the core (${[...missing].slice(0, 3).map(hex).join(', ')}); their chunks are not listed`);
  if (infra.mainArena) {
    const m = infra.arenas.get(infra.mainArena)!;
    for (const r of runs) {
      out.push(await walkRegion(mem, p, heapMax, { kind: 'main-arena', start: r.start, end: r.end, arena: infra.mainArena }, r.first, r.end, r.hasTop ? m.top : -1, links, at));
      before += Math.max(0, r.end - r.first);
    }
  }
  meter.end();
  return out;
}

/**
 * mmapped chunks: in writable memory no heap, run or mapped file claims (and
 * not a thread's stack), a chunk at the page offset MALLOC_ALIGNMENT asks for
 * (0, or 8 with 4-byte words and 16-byte alignment) whose prev_size holds that
 * offset, IS_MMAPPED set (and not NON_MAIN_ARENA), and whose mapping ends on a page.
 */
export async function findMmapped(mem: Mem, p: ChunkParams, claimed: Range[]): Promise<Segment[]> {
  const w = mem.w;
  const core = mem.core;
  const out: Segment[] = [];
  const corr = (p.align - 2 * w) % p.align;
  const sps = core.threads.map((t) => t.registers.rsp ?? t.registers.sp ?? t.registers.esp).filter((x): x is number => x !== undefined);
  const sorted = [...claimed].sort((a, b) => a.start - b.start);
  for (const seg of mem.writable()) {
    if (sps.some((sp) => sp >= seg.start && sp < seg.end)) continue;
    let addr = Math.ceil(seg.start / PAGE) * PAGE;
    let walked: Segment | null = null;
    while (addr + PAGE <= seg.end) {
      await mem.step();
      const cl = sorted.find((r) => addr >= r.start && addr < r.end);
      if (cl) {
        addr = Math.ceil(cl.end / PAGE) * PAGE;
        continue;
      }
      const dv = await mem.read(addr + corr, 2 * w);
      if (!dv) break;
      const pv = mem.wordIn(dv, 0);
      const sf = mem.wordIn(dv, w);
      const size = sf - (sf % 8);
      if (pv === corr && (sf & 7) === 2 && size + corr >= PAGE && (size + corr) % PAGE === 0 && addr + corr + size <= seg.end) {
        if (!walked) {
          walked = new Segment({ kind: 'mmapped', start: addr, end: addr, arena: 0 }, w);
          out.push(walked);
        }
        walked.push(addr + corr + 2 * w, size - 2 * w, true, null);
        walked.region.end = addr + corr + size;
        addr += corr + size;
      } else addr += PAGE;
    }
  }
  return out;
}
