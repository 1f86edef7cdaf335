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
import { hex, PAGE, type Mem, type Range } from './memory.ts';
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

  /**
   * Whether the first word (`hi`, `lo`) of the allocation at `user` is kept: 0, or read plainly or undone as
   * safe-linked (XOR with the allocation's page number), 0 or an 8-aligned address in the heaps' span. Runs for
   * every small chunk the walk meets: alignment is read off the low half (a double's % is a library call), the
   * XOR is done on the halves.
   */
  keeps(user: number, chunkSize: number, hi: number, lo: number): boolean {
    if (chunkSize > this.maxChunk) return false;
    if (hi === 0 && lo === 0) return true;
    if (this.tagged) return true;
    if ((lo & 7) === 0) {
      const plain = hi * 4294967296 + lo;
      if (plain >= this.lo && plain < this.hi) return true;
    }
    const k = Math.floor(user / PAGE);
    const xLo = (lo ^ (k >>> 0)) >>> 0;
    const xHi = (hi ^ Math.floor(k / 4294967296)) >>> 0;
    if (xLo === 0 && xHi === 0) return true;
    if ((xLo & 7) !== 0) return false;
    const x = xHi * 4294967296 + xLo;
    return x >= this.lo && x < this.hi;
  }
}

const WINDOW = 1 << 20;

/** Walks chunks in [first, end) of `region`; stops at `top` (listed free) or at a fencepost. */
export async function walkRegion(mem: Mem, p: ChunkParams, heapMax: number, region: Region, first: number, end: number, top: number, links: LinkFilter, progress?: (walked: number) => void): Promise<Segment> {
  return (await walkChunks(mem, p, heapMax, region, first, end, top, links, progress, null))!;
}

/**
 * `walkRegion`, or with `check` the walk of a main-arena run that is taken only if its chunk chain reaches `top`
 * as runs.ts's `chainEnd` asks (every chunk before top a main-arena chunk: IS_MMAPPED and NON_MAIN_ARENA clear;
 * no fencepost; at most `check.left` steps, which it uses up as chainEnd does): null when it does not, with
 * nothing warned. Walking the run once this way replaces checking it with a chain walk and then walking it.
 */
async function walkChunks(mem: Mem, p: ChunkParams, heapMax: number, region: Region, first: number, end: number, top: number, links: LinkFilter, progress: ((walked: number) => void) | undefined, check: { left: number } | null): Promise<Segment | null> {
  const readable = mem.core.readableEnd(first);
  const limit = Math.min(end, readable);
  if (check && readable < end) throw new Error('a main-arena run is checked by its walk only when the core holds all of it');
  if (readable < end) mem.warn(`the ${region.kind === 'heap' ? 'heap' : 'main arena run'} at ${hex(region.start)} is cut short at ${hex(readable)} (bytes missing from the core)`);
  const walk = new ChunkWalk(mem, p, heapMax, region, first, end, limit, top, links, check);
  let dv: DataView | null = null;
  let bufStart = 0;
  for (;;) {
    const r = walk.run(dv, bufStart);
    if (r === REJECT) return null;
    if (r === STOP) break;
    // MORE: the next chunk's header is past the window.
    await mem.step(1 << 12);
    progress?.(walk.c - first);
    bufStart = walk.c;
    dv = await mem.readWindow(bufStart, Math.min(WINDOW, limit - bufStart));
    if (!dv) break;
  }
  return walk.finish();
}

const MORE = 0;
const STOP = 1;
const REJECT = 2;

/**
 * One walk's state between windows. `run` walks the chunks whose headers are in the window it is given, in a
 * synchronous method (V8 optimises its loop; a loop inside an async function runs several times slower).
 */
class ChunkWalk {
  readonly out: Segment;
  c: number;
  private prevChunk = -1;
  private prevSize = 0;
  private prevKept = false;
  private prevHi = 0;
  private prevLo = 0;
  private atTop = false;
  /** The chunk at `c` was counted against `check` before its window was read. */
  private counted = false;
  private readonly alignPow2: boolean;
  /** `run`'s chunk and previous chunk on entry (see there). */
  private readonly regs = new Float64Array(2);

  constructor(
    private readonly mem: Mem,
    private readonly p: ChunkParams,
    private readonly heapMax: number,
    private readonly region: Region,
    first: number,
    private readonly end: number,
    private readonly limit: number,
    private readonly top: number,
    private readonly links: LinkFilter,
    private readonly check: { left: number } | null,
  ) {
    this.out = new Segment(region, mem.w);
    this.c = first;
    this.alignPow2 = (p.align & (p.align - 1)) === 0;
  }

  /** Walks from `c` while the headers are in `dv` (read at `bufStart`; null: none yet): MORE, STOP or REJECT. */
  run(dv: DataView | null, bufStart: number): number {
    const { mem, p, region, end, limit, top, links, check, out } = this;
    const w = mem.w;
    // The loop's chunk addresses enter it from a Float64Array, not from the fields: the loop's address values then
    // start as doubles (from the fields they were heap numbers: ~12 MB fewer allocated in the walk of the bench core,
    // 52–54 against 34–44 MB sampled). The link's halves are int32 (`| 0`): small integers, no heap number when they
    // are passed on (`Segment.pushWord`).
    const regs = this.regs;
    regs[0] = this.c;
    regs[1] = this.prevChunk;
    let c = regs[0];
    let prevChunk = regs[1];
    let prevSize = this.prevSize;
    let prevKept = this.prevKept;
    let prevHi = this.prevHi | 0;
    let prevLo = this.prevLo | 0;
    let result = STOP;
    const bufEnd = dv ? bufStart + dv.byteLength : 0;
    while (c + 2 * w <= limit) {
      if (check && !this.counted && --check.left < 0) {
        result = REJECT;
        break;
      }
      this.counted = false;
      if (!dv || c + 2 * w > bufEnd) {
        this.counted = check !== null;
        result = MORE;
        break;
      }
      const sf = mem.wordIn(dv, c - bufStart + w);
      if (check && c !== top && sf & 6) {
        result = REJECT;
        break;
      }
      const size = sf < 2147483648 ? sf & ~7 : sf - (sf % 8); // integer arithmetic when it fits (a double's % is a library call)
      // A thread heap glibc left for a new one ends with a zero-size fencepost 2 words before its end; as chap,
      // neither it nor the chunk just before it (the old top marked in use, when too small to free) is listed.
      const lastFencepost = size === 0 && region.kind === 'heap' && c + 2 * w === end;
      if (prevChunk >= 0 && !lastFencepost) {
        const a = prevChunk + 2 * w;
        out.pushWord(Math.floor(a / 4294967296), a | 0, prevSize - w, (sf & 1) === 1, prevKept, prevHi, prevLo);
      }
      prevChunk = -1;
      if (lastFencepost) break;
      if (c === top) {
        let topBytes = size - 2 * w;
        if (region.kind === 'heap') {
          // As chap: the top allocation of a thread heap runs to the end of the writable mapping (within the heap's reservation).
          const seg = mem.core.segmentAt(c);
          if (seg) topBytes = Math.min(seg.vaddr + seg.memsz, region.start + this.heapMax) - (c + 2 * w);
        }
        out.push(c + 2 * w, topBytes, false, null);
        this.atTop = true;
        break;
      }
      if (size < p.minSize || (size < 2147483648 && this.alignPow2 ? size & (p.align - 1) : size % p.align) !== 0 || c + size > end) {
        if (check) {
          result = REJECT; // a fencepost or a corrupt header before top: not the run ending at top
          break;
        }
        // A fencepost (2 words, at the end of a heap or of a main-arena run) ends the walk.
        if (size >= 2 * w && size < p.minSize && c + size <= end) break;
        mem.anomaly('corrupt-chunk', hex(c), (n, ex) => `${n} chunk header(s) are corrupt (${ex}); the rest of each of those heaps is not listed`);
        break;
      }
      prevChunk = c;
      prevSize = size;
      prevKept = false;
      if (size <= links.maxChunk && c + 3 * w <= bufEnd) {
        const o = c - bufStart + 2 * w;
        const lo = dv.getUint32(o, true);
        const hi = w === 8 ? dv.getUint32(o + 4, true) : 0;
        if (links.keeps(c + 2 * w, size, hi, lo)) {
          prevKept = true;
          prevHi = hi | 0;
          prevLo = lo | 0;
        }
      }
      c += size;
    }
    this.c = c;
    this.prevChunk = prevChunk;
    this.prevSize = prevSize;
    this.prevKept = prevKept;
    this.prevHi = prevHi;
    this.prevLo = prevLo;
    return result;
  }

  /** The walk's chunks once it stopped (null: a checked run whose chain did not reach top). */
  finish(): Segment | null {
    if (this.check && !this.atTop) return null; // the chain did not reach top
    if (this.prevChunk >= 0) {
      // Ran off the end without meeting top: the last chunk's status is unknown; chap counts it as used.
      const a = this.prevChunk + 2 * this.mem.w;
      this.out.pushWord(Math.floor(a / 4294967296), a | 0, this.prevSize - this.mem.w, true, this.prevKept, this.prevHi, this.prevLo);
    }
    return this.out;
  }
}

/**
 * The walk stage's progress over every walk in it: bytes of the heaps and main-arena runs walked, of all of them
 * (reported once per window read). The main arena's run ending at top is walked while its runs are found (`walkTop`),
 * before the heaps: the stage starts then, and its total grows only by a run walked for nothing (a chain that did
 * not reach top).
 */
export class WalkProgress {
  private meter: StageMeter | null = null;
  /** Bytes of the walks before the current one. */
  before = 0;
  /** Bytes of the current walk so far. */
  private walked = 0;

  constructor(private readonly mem: Mem) {}

  /** `more` bytes are left to walk after `before`: the stage's total (the stage starts at the first call). */
  expect(more: number): void {
    if (this.meter) this.meter.total = this.before + more;
    else this.meter = new StageMeter(this.mem.ctl, this.mem.name, 'walk', this.before + more, 'bytes');
  }

  readonly at = (walked: number): void => {
    this.walked = walked;
    this.meter?.at(this.before + walked);
  };

  /** The current walk is over, after `bytes` (what it walked when not given). */
  done(bytes = this.walked): void {
    this.before += bytes;
    this.walked = 0;
  }

  end(): void {
    this.meter?.end();
  }
}

/** Heaps of arenas in the ring, in address order: the ones walked. */
function walkedHeaps(infra: Infrastructure) {
  return [...infra.heaps.values()].sort((a, b) => a.start - b.start).filter((h) => infra.arenas.has(h.arena));
}

/**
 * The main arena's run ending at top, walked as `mainArenaRuns` checks that its chunks reach top (runs.ts's
 * `walkTop`): its chunks when they do, null when they do not (nothing warned; `budget` used as `chainEnd` uses
 * it), undefined when the core lacks part of the run (`chainEnd` checks it then, and the walk comes later).
 */
export function mainRunWalker(mem: Mem, infra: Infrastructure, progress: WalkProgress): (run: Run, budget: { left: number }) => Promise<MainRunWalk | null | undefined> {
  return async (run, budget) => {
    if (!run.hasTop || mem.core.readableEnd(run.first) < run.end) return undefined;
    const p = infra.layout.params;
    const links = LinkFilter.of(p, infra, [run], mem.tagged);
    const span = Math.max(0, run.end - run.first);
    progress.expect(walkedHeaps(infra).reduce((n, h) => n + h.size, 0) + span);
    const region: Region = { kind: 'main-arena', start: run.start, end: run.end, arena: infra.mainArena };
    const seg = await walkChunks(mem, p, infra.heapMax, region, run.first, run.end, infra.arenas.get(infra.mainArena)!.top, links, progress.at, budget);
    progress.done(seg ? span : undefined);
    return seg ? { seg, links } : null;
  };
}

/** A main-arena run's chunks walked while finding the run, and the link filter they were walked with. */
export interface MainRunWalk {
  seg: Segment;
  links: LinkFilter;
}

const sameFilter = (a: LinkFilter, b: LinkFilter): boolean => a.maxChunk === b.maxChunk && a.lo === b.lo && a.hi === b.hi && a.tagged === b.tagged;

/** Every heap and main-arena run, walked (a run walked while it was found is taken as it is). */
export async function walkArenas(mem: Mem, infra: Infrastructure, runs: Run[], progress = new WalkProgress(mem)): Promise<Segment[]> {
  const { layout, heapMax, heapInfoSize } = infra;
  const p = layout.params;
  const links = LinkFilter.of(p, infra, runs, mem.tagged);
  const out: Segment[] = [];
  const missing = new Set<number>();
  const heaps = walkedHeaps(infra);
  // A run walked with another link filter (more runs were found after it) is walked again: the kept words depend on it.
  const taken = (r: Run): Segment | null => (r.walked && sameFilter(r.walked.links, links) ? r.walked.seg : null);
  const left = heaps.reduce((n, h) => n + h.size, 0) + (infra.mainArena ? runs.reduce((n, r) => n + (taken(r) ? 0 : Math.max(0, r.end - r.first)), 0) : 0);
  progress.expect(left);
  for (const h of heaps) {
    const arena = infra.arenas.get(h.arena)!;
    const isFirst = h.arena - (h.arena % heapMax) === h.start;
    const first = isFirst ? firstChunkAt(h.arena + layout.size, p) : h.start + heapInfoSize;
    out.push(await walkRegion(mem, p, heapMax, { kind: 'heap', start: h.start, end: h.start + h.size, arena: h.arena }, first, h.start + h.size, arena.top, links, (x) => progress.at(x + first - h.start)));
    progress.done(h.size);
  }
  for (const a of infra.arenas.values()) if (!a.isMain && ![...infra.heaps.values()].some((h) => h.arena === a.address)) missing.add(a.address);
  if (missing.size) mem.warn(`${missing.size} arena(s) of the ring have no heap in the core (${[...missing].slice(0, 3).map(hex).join(', ')}); their chunks are not listed`);
  if (infra.mainArena) {
    const m = infra.arenas.get(infra.mainArena)!;
    for (const r of runs) {
      const seg = taken(r);
      if (seg) {
        out.push(seg);
        continue;
      }
      out.push(await walkRegion(mem, p, heapMax, { kind: 'main-arena', start: r.start, end: r.end, arena: infra.mainArena }, r.first, r.end, r.hasTop ? m.top : -1, links, progress.at));
      progress.done(Math.max(0, r.end - r.first));
    }
  }
  progress.end();
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
