/**
 * Synthetic glibc heaps, laid out as a given glibc version lays them out, in a
 * core written by test-support/elf-core-writer.ts — with the allocations chap
 * would list, known by construction. Lets the tests check the walk on layouts
 * this machine's glibc cannot produce: 2.22 (no attached_threads), 2.23–2.26,
 * tcache with char (2.26–2.29) or uint16 (2.30+) counts, 2.27+ have_fastchunks,
 * safe-linking (2.32+), 48-byte heap_info (2.35+), i386's MALLOC_ALIGNMENT 16
 * (11 fastbins), aarch64 tagged links, a main arena in several runs after brk
 * failed, a non-default HEAP_MAX_SIZE — and hostile variations of them.
 */
import { AllocState } from '../../../../src/model/allocations.ts';
import { writeCore, type CoreSegment } from '../../../../test-support/elf-core-writer.ts';
import { arenaLayout, defaultHeapMaxSize, fastbinChunkSize, firstChunkAt, heapInfoSizes, NBINS, tcacheChunkSize, tcacheChunkSizes, type ArenaLayout, type ChunkParams } from './layout.ts';

export interface SynthOptions {
  bits: 32 | 64;
  machine?: number;
  /** MALLOC_ALIGNMENT; 2 words by default. */
  align?: number;
  haveFastchunks: boolean;
  attachedThreads: boolean;
  tcache?: 'none' | 'u8' | 'u16';
  safeLinking?: boolean;
  /** heap_info with the pagesize field (2.35+). */
  heapInfo235?: boolean;
  threadArena?: boolean;
  /** HEAP_MAX_SIZE the process was built with (default glibc's). */
  heapMax?: number;
  /** The main arena in two runs: brk, then an mmapped one (brk failed). */
  brkFailure?: boolean;
  /** Top-byte tag put on every list link (aarch64 TBI). */
  tag?: number;
  /** An mmapped chunk. */
  mmapped?: boolean;
  /** Make fastbin 0 of the main arena cyclic. */
  cyclicFastbin?: boolean;
  /**
   * A used chunk placed where the main arena's first safe-linked tcache link,
   * read as a plain pointer, points (32-bit: `&link >> 12` changes only the low
   * 20 bits, so a mangled link can land on an allocation): of the bin's own size
   * or of another. Only with `safeLinking`.
   */
  decoy?: 'same-size' | 'other-size';
  /**
   * The thread arena in two heaps: the first left for a new one as glibc's sysmalloc leaves it (its old top turned
   * into fenceposts): 'freed' — an old top of MINSIZE or more, freed, then a 2-word fencepost and a zero-size one;
   * 'tiny' — an old top too small to free (3 words of slack on 64-bit), marked in use, then the zero-size fencepost.
   */
  fullHeap?: 'freed' | 'tiny';
  /** Fake tcache_perthread_structs (used chunks shaped like one, counts 65535, heads pointing into a long chain). */
  fakeTcaches?: number;
  libcPath?: string;
}

export interface SynthRow {
  addr: number;
  size: number;
  state: AllocState;
}

export interface Synth {
  core: Uint8Array;
  truth: SynthRow[];
  layout: ArenaLayout;
  mainArena: number;
  threadArena: number;
  heapInfoSize: number;
  /** Chunks put on fastbins and in tcaches. */
  fast: number;
  tcache: number;
}

type Kind = 'used' | 'free' | 'fast' | 'tcache' | 'tstruct';

/** A little-endian image of one segment. */
class Image {
  readonly bytes: Uint8Array;
  private readonly v: DataView;
  constructor(
    readonly base: number,
    size: number,
    readonly w: number,
  ) {
    this.bytes = new Uint8Array(size);
    this.v = new DataView(this.bytes.buffer);
  }
  has(a: number): boolean {
    return a >= this.base && a < this.base + this.bytes.length;
  }
  word(a: number, x: number, tag = 0): void {
    const o = a - this.base;
    if (this.w === 8) {
      this.v.setUint32(o, x >>> 0, true);
      this.v.setUint32(o + 4, (Math.floor(x / 2 ** 32) + tag * 2 ** 24) >>> 0, true);
    } else this.v.setUint32(o, x >>> 0, true);
  }
  u32(a: number, x: number): void {
    this.v.setUint32(a - this.base, x >>> 0, true);
  }
  u16(a: number, x: number): void {
    this.v.setUint16(a - this.base, x, true);
  }
  u8(a: number, x: number): void {
    this.v.setUint8(a - this.base, x);
  }
}

interface Chunk {
  c: number;
  size: number;
  kind: Kind;
}

class Run {
  chunks: Chunk[] = [];
  at: number;
  constructor(
    readonly img: Image,
    readonly p: ChunkParams,
    first: number,
    readonly nonMain: boolean,
  ) {
    this.at = first;
  }
  add(size: number, kind: Kind): Chunk {
    const ch = { c: this.at, size, kind };
    this.chunks.push(ch);
    this.at += size;
    return ch;
  }
  /** Writes every header; the top chunk runs to `topEnd`. Returns the top chunk. */
  finish(topEnd: number, fenceposts = false): number {
    const w = this.p.word;
    const flag = this.nonMain ? 4 : 0;
    let prevUsed = 1;
    for (const ch of this.chunks) {
      this.img.word(ch.c + w, ch.size | prevUsed | flag);
      prevUsed = ch.kind === 'free' ? 0 : 1;
      if (ch.kind === 'free') this.img.word(ch.c + ch.size, ch.size);
    }
    const top = this.at;
    if (fenceposts) {
      // The old top, freed, then two fenceposts (the first with PREV_INUSE clear, as _int_free leaves it).
      const oldSize = topEnd - top - 4 * w - ((topEnd - top - 4 * w) % this.p.align);
      this.img.word(top + w, oldSize | prevUsed | flag);
      this.img.word(top + oldSize + w, (2 * w) | 0);
      this.img.word(top + oldSize + 2 * w + w, (2 * w) | 1);
      this.chunks.push({ c: top, size: oldSize, kind: 'free' });
      return -1;
    }
    this.img.word(top + w, (topEnd - top) | prevUsed | flag);
    return top;
  }
  /**
   * Writes every header of a thread heap glibc left for a new one (sysmalloc, when the heap cannot grow): the old
   * top, rounded down to a multiple of MALLOC_ALIGNMENT after keeping MINSIZE, is freed when at least MINSIZE, with a
   * 2-word fencepost after it; else it is marked in use with what is left; a zero-size fencepost ends the heap.
   * Chunks chap lists are added to `chunks` (it lists no fencepost, nor an in-use old top just before the last one).
   */
  finishFull(topEnd: number): void {
    const w = this.p.word;
    let prevUsed = 1;
    for (const ch of this.chunks) {
      this.img.word(ch.c + w, ch.size | prevUsed | 4);
      prevUsed = ch.kind === 'free' ? 0 : 1;
      if (ch.kind === 'free') this.img.word(ch.c + ch.size, ch.size);
    }
    const top = this.at;
    const oldSize = topEnd - top - this.p.minSize - ((topEnd - top - this.p.minSize) % this.p.align);
    this.img.word(top + oldSize + 2 * w + w, 0 | 1);
    if (oldSize >= this.p.minSize) {
      this.img.word(top + w, oldSize | prevUsed | 4);
      this.img.word(top + oldSize, oldSize);
      this.img.word(top + oldSize + w, 2 * w);
      this.img.word(top + oldSize + 2 * w, 2 * w);
      this.chunks.push({ c: top, size: oldSize, kind: 'free' });
    } else {
      this.img.word(top + w, (oldSize + 2 * w) | 1);
      this.img.word(top + oldSize + 2 * w, oldSize + 2 * w);
    }
  }
}

export function synthesize(o: SynthOptions): Synth {
  const w = o.bits === 64 ? 8 : 4;
  const align = o.align ?? 2 * w;
  const l = arenaLayout(w, align, o.haveFastchunks, o.attachedThreads);
  const p = l.params;
  const heapMax = o.heapMax ?? defaultHeapMaxSize(w);
  const his = heapInfoSizes(w, align)[o.heapInfo235 ? heapInfoSizes(w, align).length - 1 : 0];
  const A = o.bits === 64 ? { libc: 0x7f1234560000, brk: 0x555555560000, heap: 0x7f1200000000, mm: 0x7f1100000000, mmrun: 0x7f1000000000 } : { libc: 0xf7f00000, brk: 0x08100000, heap: 0xf6000000, mm: 0xf5000000, mmrun: 0xf4000000 };
  // Aligned to HEAP_MAX_SIZE, and to nothing larger when it is not the default.
  const heapAt = A.heap + (heapMax < defaultHeapMaxSize(w) ? heapMax : 0);
  const tag = o.tag ?? 0;
  const segments: CoreSegment[] = [];
  const truth: SynthRow[] = [];
  const libc = new Image(A.libc, 0x2000, w);
  const mainArena = A.libc + 0x100;
  const tcacheShape = o.tcache && o.tcache !== 'none' ? tcacheChunkSizes(p)[o.tcache === 'u16' ? 0 : 1] : null;
  let fastCount = 0;
  let tcacheCount = 0;

  const fastSizes = [fastbinChunkSize(w, 0) >= p.minSize ? fastbinChunkSize(w, 0) : fastbinChunkSize(w, 2), fastbinChunkSize(w, 4)].filter((s) => s % align === 0);
  const tSize = tcacheChunkSize(p, 3);
  /** The chunk pattern of one arena run. */
  const fill = (run: Run, n: number): void => {
    if (tcacheShape) run.add(tcacheShape.chunk, 'tstruct');
    for (let i = 0; i < n; i++) {
      run.add(fastSizes[i % fastSizes.length], i % 5 === 1 ? 'fast' : 'used');
      run.add(tSize, i % 4 === 2 && tcacheShape ? 'tcache' : 'used');
      run.add(p.align * 20, i % 7 === 3 ? 'free' : 'used');
      if (i % 7 === 3) run.add(p.align * 3, 'used');
    }
    for (let i = 0; i < (o.fakeTcaches ?? 0) && tcacheShape; i++) run.add(tcacheShape.chunk, 'used');
  };
  const mangle = (pos: number, ptr: number): number => (o.safeLinking && ptr ? xor(Math.floor(pos / 4096), ptr) : ptr);

  /** Links the run's fastbin and tcache chunks into `arena`'s lists; returns its fastbin heads. */
  const link = (parts: { img: Image; run: Run }[], arenaAddr: number, arenaImg: Image): void => {
    const imgs = parts.map((x) => x.img);
    const all = parts.flatMap((x) => x.run.chunks);
    const at = (a: number): Image => imgs.find((m) => m.has(a))!;
    const img = { word: (a: number, x: number, t = 0) => at(a).word(a, x, t), u16: (a: number, x: number) => at(a).u16(a, x), u8: (a: number, x: number) => at(a).u8(a, x) };
    const run = { chunks: all };
    const fast = new Map<number, Chunk[]>();
    const tc = new Map<number, Chunk[]>();
    for (const ch of all) {
      if (ch.kind === 'fast') {
        const i = (ch.size >>> (w === 8 ? 4 : 3)) - 2;
        fast.set(i, [...(fast.get(i) ?? []), ch]);
      } else if (ch.kind === 'tcache') {
        const i = (ch.size - p.minSize) / p.align;
        tc.set(i, [...(tc.get(i) ?? []), ch]);
      }
    }
    for (const [i, list] of fast) {
      arenaImg.word(arenaAddr + l.fastbins + i * w, list[0].c, tag);
      list.forEach((ch, k) => {
        const next = k + 1 < list.length ? list[k + 1].c : o.cyclicFastbin && arenaAddr === mainArena && i === [...fast.keys()][0] ? list[0].c : 0;
        img.word(ch.c + 2 * w, mangle(ch.c + 2 * w, next), next ? tag : 0);
      });
      fastCount += list.length;
    }
    const ts = run.chunks.find((c) => c.kind === 'tstruct');
    if (ts && tcacheShape) {
      const user = ts.c + 2 * w;
      for (const [i, list] of tc) {
        if (tcacheShape.countBytes === 2) img.u16(user + 2 * i, list.length);
        else img.u8(user + i, list.length);
        img.word(user + 64 * tcacheShape.countBytes + i * w, list[0].c + 2 * w, tag);
        list.forEach((ch, k) => {
          const next = k + 1 < list.length ? list[k + 1].c + 2 * w : 0;
          img.word(ch.c + 2 * w, mangle(ch.c + 2 * w, next), next ? tag : 0);
          img.word(ch.c + 3 * w, user);
        });
        tcacheCount += list.length;
      }
      // Fake structs: every count 65535 (or 255), every head the first tcache-sized chunk, whose chain is long.
      const fakes = run.chunks.filter((c) => c.kind === 'used' && c.size === tcacheShape.chunk);
      const firstT = run.chunks.find((c) => c.size === tSize);
      for (const f of fakes) {
        const u = f.c + 2 * w;
        for (let i = 0; i < 64; i++) {
          if (tcacheShape.countBytes === 2) img.u16(u + 2 * i, 65535);
          else img.u8(u + i, 255);
          if (firstT) img.word(u + 64 * tcacheShape.countBytes + i * w, firstT.c + 2 * w);
        }
      }
    }
  };

  const writeArena = (img: Image, a: number, top: number, next: number, sys: number, flags = 0): void => {
    img.u32(a + 4, flags);
    img.word(a + l.top, top);
    for (let i = 0; i < NBINS - 1; i++) {
      const self = a + l.bins + 2 * i * w - 2 * w;
      img.word(a + l.bins + 2 * i * w, self);
      img.word(a + l.bins + 2 * i * w + w, self);
    }
    img.word(a + l.next, next);
    if (l.attachedThreads) img.word(a + l.systemMem - w, 1);
    img.word(a + l.systemMem, sys);
    img.word(a + l.maxSystemMem, sys + 0x1000);
  };

  const record = (run: Run, top: number, topBytes: number): void => {
    for (const ch of run.chunks) {
      const state = ch.kind === 'free' || ch.kind === 'fast' ? AllocState.Free : AllocState.Used;
      truth.push({ addr: ch.c + 2 * w, size: ch.size - w, state });
    }
    if (top >= 0) truth.push({ addr: top + 2 * w, size: topBytes, state: AllocState.Free });
  };

  // Main arena: one brk run (or a brk run closed by fenceposts, then an mmapped run).
  const brkSize = o.fakeTcaches ? 0x800000 : 0x21000;
  const brk = new Image(A.brk, brkSize, w);
  segments.push({ vaddr: A.brk, bytes: brk.bytes });
  const run1 = new Run(brk, p, firstChunkAt(A.brk, p), false);
  fill(run1, 40);
  if (o.decoy) placeDecoy(run1, o.decoy === 'same-size' ? tSize : tSize + p.align);
  let mainTop: number;
  let sys: number;
  let flags = 0;
  let runs: { run: Run; img: Image; top: number; topBytes: number }[];
  if (o.brkFailure) {
    run1.finish(A.brk + brkSize, true);
    const mmSize = 0x20000;
    const mm = new Image(A.mmrun, mmSize, w);
    segments.push({ vaddr: A.mmrun, bytes: mm.bytes });
    const run2 = new Run(mm, p, firstChunkAt(A.mmrun, p), false);
    fill(run2, 20);
    mainTop = run2.finish(A.mmrun + mmSize);
    sys = brkSize + mmSize;
    flags = 2;
    runs = [
      { run: run1, img: brk, top: -1, topBytes: 0 },
      { run: run2, img: mm, top: mainTop, topBytes: A.mmrun + mmSize - mainTop - 2 * w },
    ];
  } else {
    mainTop = run1.finish(A.brk + brkSize);
    sys = brkSize;
    runs = [{ run: run1, img: brk, top: mainTop, topBytes: A.brk + brkSize - mainTop - 2 * w }];
  }
  let threadArena = 0;
  if (o.threadArena) {
    const heapSize = 0x21000;
    const heap = new Image(heapAt, heapSize, w);
    segments.push({ vaddr: heapAt, bytes: heap.bytes });
    threadArena = heapAt + his;
    heap.word(heapAt, threadArena);
    heap.word(heapAt + w, 0);
    heap.word(heapAt + 2 * w, heapSize);
    heap.word(heapAt + 3 * w, heapSize);
    if (o.heapInfo235) heap.word(heapAt + 4 * w, 4096);
    const run = new Run(heap, p, firstChunkAt(threadArena + l.size, p), true);
    fill(run, 30);
    if (o.fullHeap) {
      // Slack left at the end of the first heap: 3 words on 64-bit ('tiny': MINSIZE + 1 word, not freeable), or MINSIZE + 10 alignments.
      const slack = o.fullHeap === 'tiny' ? p.minSize + p.align : p.minSize + 10 * p.align;
      run.add(heapAt + heapSize - run.at - slack, 'used');
      run.finishFull(heapAt + heapSize);
      const heap2At = heapAt + heapMax;
      const heap2 = new Image(heap2At, heapSize, w);
      segments.push({ vaddr: heap2At, bytes: heap2.bytes });
      heap2.word(heap2At, threadArena);
      heap2.word(heap2At + w, heapAt);
      heap2.word(heap2At + 2 * w, heapSize);
      heap2.word(heap2At + 3 * w, heapSize);
      if (o.heapInfo235) heap2.word(heap2At + 4 * w, 4096);
      const run2 = new Run(heap2, p, firstChunkAt(heap2At + his, p), true);
      for (let i = 0; i < 12; i++) run2.add(p.align * (4 + i), i % 3 === 1 ? 'free' : 'used');
      const top2 = run2.finish(heap2At + heapSize);
      writeArena(heap, threadArena, top2, mainArena, 2 * heapSize);
      link([{ img: heap, run }, { img: heap2, run: run2 }], threadArena, heap);
      record(run, -1, 0);
      record(run2, top2, heap2At + heapSize - top2 - 2 * w);
    } else {
      const top = run.finish(heapAt + heapSize);
      writeArena(heap, threadArena, top, mainArena, heapSize);
      link([{ img: heap, run }], threadArena, heap);
      record(run, top, heapAt + heapSize - top - 2 * w);
    }
  }
  writeArena(libc, mainArena, mainTop, threadArena || mainArena, sys, flags);
  link(runs, mainArena, libc);
  for (const r of runs) record(r.run, r.top, r.topBytes);
  if (o.mmapped) {
    const corr = (align - 2 * w) % align;
    const size = 0x3000;
    const mm = new Image(A.mm, size, w);
    mm.word(A.mm + corr, corr);
    mm.word(A.mm + corr + w, (size - corr) | 2);
    segments.push({ vaddr: A.mm, bytes: mm.bytes });
    truth.push({ addr: A.mm + corr + 2 * w, size: size - corr - 2 * w, state: AllocState.Used });
  }
  segments.push({ vaddr: A.libc, bytes: libc.bytes });
  truth.sort((a, b) => a.addr - b.addr);
  const core = writeCore({
    bits: o.bits,
    machine: o.machine ?? (o.bits === 64 ? 62 : 3),
    segments,
    files: [{ start: A.libc, end: A.libc + 0x2000, path: o.libcPath ?? '/usr/lib/libc.so.6' }],
  });
  return { core, truth, layout: l, mainArena, threadArena, heapInfoSize: his, fast: fastCount, tcache: tcacheCount };
}

/** Pads `run` so that a used chunk of `size` starts where its first tcache link, taken as a plain pointer, points. */
function placeDecoy(run: Run, size: number): void {
  const w = run.p.word;
  const [t1, t2] = run.chunks.filter((c) => c.kind === 'tcache');
  if (!t2) throw new Error('a decoy needs a tcache list of two entries');
  const stored = xor(Math.floor((t1.c + 2 * w) / 4096), t2.c + 2 * w);
  const pad = stored - 2 * w - run.at;
  if (pad < run.p.minSize || pad % run.p.align !== 0) throw new Error(`no room for a decoy at ${stored.toString(16)} (run at ${run.at.toString(16)})`);
  run.add(pad, 'used');
  run.add(size, 'used');
}

function xor(a: number, b: number): number {
  const hi = (Math.floor(a / 2 ** 32) ^ Math.floor(b / 2 ** 32)) >>> 0;
  return hi * 2 ** 32 + (((a >>> 0) ^ (b >>> 0)) >>> 0);
}
