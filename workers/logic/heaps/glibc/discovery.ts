/**
 * Finding glibc malloc's infrastructure in a core without symbols, deriving
 * its layout from the data (the approach of chap's libc malloc infrastructure
 * finder; our own code):
 *
 * 1. Non-main heaps: HEAP_MAX_SIZE-aligned addresses in writable memory whose
 *    `heap_info` is self-consistent (first heap ⇔ prev 0 and ar_ptr right
 *    after the heap_info; sizes page multiples within HEAP_MAX_SIZE).
 * 2. The malloc_state layout: every layout glibc has used for the pointer size
 *    (layout.ts) is scored against every arena found — the top chunk ends
 *    where its heap ends, bins are empty or doubly linked, fastbin heads hold
 *    chunks of their bin's size, `next` leads to a known arena, system_mem is
 *    the sum of the arena's heap sizes (≤ max_system_mem, page multiples) —
 *    and the best one wins. NFASTBINS and MALLOC_ALIGNMENT come with it.
 * 3. The arena ring through `next`: the one arena of the ring that is not in a
 *    heap is the main arena. In a single-arena process (or when the ring is
 *    broken) the main arena is found by scanning writable memory, libc's data
 *    first, for a malloc_state whose `next` is itself or a known arena.
 * 4. HEAP_MAX_SIZE from the heaps seen: arenas of the ring whose heap is not
 *    aligned to the default, or larger than it, give the size, and the heaps
 *    are looked for again.
 * 5. The main arena's runs (runs.ts).
 */
import { arenaLayouts, defaultHeapMaxSize, fastbinChunkSize, heapInfoSizes, NBINS, type ArenaLayout } from './layout.ts';
import { PAGE, type Mem, type Range } from './memory.ts';

export interface HeapInfo {
  start: number;
  arena: number;
  prev: number;
  size: number;
  mprotect: number;
}

export interface ArenaState {
  address: number;
  isMain: boolean;
  top: number;
  next: number;
  flags: number;
  /** system_mem, max_system_mem. */
  size: number;
  maxSize: number;
}

export interface Infrastructure {
  layout: ArenaLayout;
  heapInfoSize: number;
  heapMax: number;
  heaps: Map<number, HeapInfo>;
  arenas: Map<number, ArenaState>;
  /** 0 when not found. */
  mainArena: number;
  /** How the layout was chosen, for the heap view. */
  votes: string;
}

const MAX_RING = 4096;
const MAX_SCAN_BYTES = 64 << 20;

export class Discovery {
  heapMax: number;
  heaps = new Map<number, HeapInfo>();
  private readonly sizes: number[];

  constructor(readonly mem: Mem) {
    this.heapMax = defaultHeapMaxSize(mem.w);
    this.sizes = [...new Set([...heapInfoSizes(mem.w, 2 * mem.w), ...heapInfoSizes(mem.w, 16)])];
  }

  /** Step 1: heap_info candidates at HEAP_MAX_SIZE-aligned addresses. */
  async findHeaps(): Promise<void> {
    const { mem } = this;
    const w = mem.w;
    const M = this.heapMax;
    this.heaps.clear();
    for (const seg of mem.writable()) {
      for (let h = Math.ceil(seg.start / M) * M; h + PAGE <= seg.end; h += M) {
        await mem.step();
        const dv = await mem.read(h, 4 * w);
        if (!dv) continue;
        const ar = mem.wordIn(dv, 0);
        const prev = mem.wordIn(dv, w);
        const size = mem.wordIn(dv, 2 * w);
        const mprotect = mem.wordIn(dv, 3 * w);
        if (!this.sizes.includes(ar % M)) continue;
        if (prev % M !== 0 || size === 0 || size % PAGE !== 0 || mprotect === 0 || mprotect % PAGE !== 0 || size > M || mprotect > M) continue;
        const first = ar - (ar % M) === h;
        if (first !== (prev === 0)) continue;
        this.heaps.set(h, { start: h, arena: ar, prev, size, mprotect });
      }
    }
  }

  heapArenas(): number[] {
    return [...new Set([...this.heaps.values()].map((h) => h.arena))].sort((a, b) => a - b);
  }

  heapOf(addr: number): HeapInfo | undefined {
    return this.heaps.get(addr - (addr % this.heapMax));
  }

  /**
   * How well `a` reads as a malloc_state of layout `l` (higher is better; < 0:
   * impossible). `main`: it is expected outside any heap.
   */
  async score(a: number, l: ArenaLayout, main: boolean, known: ReadonlySet<number>): Promise<number> {
    const { mem } = this;
    const w = mem.w;
    const dv = await mem.read(a, l.size);
    if (!dv) return -1;
    let s = 0;
    // Bins: each empty (both links to itself) or linked both ways.
    let empty = 0;
    for (let i = 0; i < NBINS - 1; i++) {
      const at = l.bins + 2 * i * w;
      const fd = mem.wordIn(dv, at);
      const bk = mem.wordIn(dv, at + w);
      const self = a + at - 2 * w;
      if (fd === self && bk === self) empty++;
      else if (fd === self || bk === self || fd === 0 || bk === 0 || fd % w || bk % w) return -1;
    }
    if (empty < 8) return -1;
    s += 2;
    // Top: a chunk header ending at its heap's end (non-main) or on a page (main).
    const top = mem.wordIn(dv, l.top);
    if (top === 0 || (top + 2 * w) % l.params.align !== 0) return -1;
    const tsf = await mem.word(top + w);
    if (tsf === null || (tsf & 2) !== 0 || tsf - (tsf % 8) < l.params.minSize) return -1;
    const topEnd = top + (tsf - (tsf % 8));
    const heap = this.heapOf(top);
    if (main) {
      if (heap || topEnd % PAGE !== 0) return -1;
    } else if (!heap || heap.arena !== a || topEnd !== heap.start + heap.size) return -1;
    s += 2;
    // next: itself (one arena) or a known arena.
    const next = mem.wordIn(dv, l.next);
    if (next === a || known.has(next)) s += 2;
    else if (next === 0 || next % w) return -1;
    // system_mem ≤ max_system_mem; for a non-main arena the sum of its heaps' sizes.
    const sys = mem.wordIn(dv, l.systemMem);
    const max = mem.wordIn(dv, l.maxSystemMem);
    if (sys === 0 || max < sys) return -1;
    if (main) {
      if (sys % PAGE === 0) s += 1;
    } else {
      let sum = 0;
      for (const h of this.heaps.values()) if (h.arena === a) sum += h.size;
      if (sum === sys) s += 3;
      else if (sys % PAGE === 0) s += 1;
    }
    if (l.attachedThreads) {
      const at = mem.wordIn(dv, l.systemMem - w);
      if (at < 1 << 16) s += 1;
      else s -= 2;
    }
    if (l.haveFastchunks) {
      const hfc = dv.getUint32(8, true);
      if (hfc > 1) s -= 2;
    }
    // Fastbin heads hold chunks of their bin's size.
    for (let i = 0; i < l.params.nfastbins; i++) {
      const head = mem.wordIn(dv, l.fastbins + i * w);
      if (head === 0) continue;
      const sf = await mem.word(head + w);
      if (sf !== null && sf - (sf % 8) === fastbinChunkSize(w, i)) s += 2;
      else s -= 2;
    }
    return s;
  }

  /** Step 2: the layout the heap arenas agree on best (null when none fits any). */
  async chooseLayout(arenas: number[]): Promise<{ layout: ArenaLayout; votes: string } | null> {
    const known = new Set(arenas);
    let best: ArenaLayout | null = null;
    let bestScore = -1;
    let bestFit = 0;
    const tally: string[] = [];
    for (const l of arenaLayouts(this.mem.w)) {
      let total = 0;
      let fit = 0;
      for (const a of arenas) {
        const s = await this.score(a, l, false, known);
        if (s >= 0) {
          total += s;
          fit++;
        }
      }
      tally.push(`${l.name}${l.params.align !== 2 * this.mem.w ? ` (MALLOC_ALIGNMENT ${l.params.align})` : ''}: ${fit}/${arenas.length}`);
      if (fit > bestFit || (fit === bestFit && total > bestScore)) {
        best = l;
        bestScore = total;
        bestFit = fit;
      }
    }
    return best && bestFit > 0 ? { layout: best, votes: tally.join(', ') } : null;
  }

  /** Step 3: the arena ring from the heap arenas; returns the main arena (0 if the ring leaves no main arena). */
  async ringMain(l: ArenaLayout, arenas: number[]): Promise<number> {
    const known = new Set(arenas);
    for (const a of arenas) {
      let at = a;
      const seen = new Set<number>();
      for (let i = 0; i < MAX_RING && !seen.has(at); i++) {
        await this.mem.step();
        seen.add(at);
        const next = await this.mem.word(at + l.next);
        if (!next) break;
        if (!known.has(next)) {
          if ((await this.score(next, l, true, known)) >= 0) return next;
          break;
        }
        at = next;
      }
    }
    return 0;
  }

  /**
   * Step 3 without a ring: writable memory (libc's data first) scanned for a
   * malloc_state whose `next` is itself or a known arena. Tries every layout
   * when `layout` is null; returns the best-scoring arena.
   */
  async scanMain(layout: ArenaLayout | null, known: ReadonlySet<number>): Promise<{ address: number; layout: ArenaLayout } | null> {
    const { mem } = this;
    const w = mem.w;
    const layouts = layout ? [layout] : arenaLayouts(w);
    const libc = mem.core.files.filter((f) => /\/libc[.-]/.test(f.path));
    const near = (s: Range): boolean => libc.some((f) => s.start >= f.start && s.start <= f.end + 0x400000);
    const segs = mem.writable();
    const ordered = [...segs.filter(near), ...segs.filter((s) => !near(s))];
    const nexts = [...new Set(layouts.map((l) => l.next))];
    for (const seg of ordered) {
      if (seg.end - seg.start > MAX_SCAN_BYTES) continue;
      let best: { address: number; layout: ArenaLayout; score: number } | null = null;
      for (let base = seg.start; base < seg.end; base += 1 << 20) {
        mem.checkCancel();
        const len = Math.min(1 << 20, seg.end - base);
        const dv = await mem.read(base, len);
        if (!dv) continue;
        for (let o = 0; o + w <= len; o += w) {
          const v = mem.wordIn(dv, o);
          if (v === 0 || v % w) continue;
          for (const n of nexts) {
            const a = base + o - n;
            if (v !== a && !known.has(v)) {
              // `next` to an arena no heap scan found (HEAP_MAX_SIZE not the default): the last bins
              // of a malloc_state are nearly always empty (pointing to themselves); then the ring must close.
              const lastBin = n - 16 - 2 * w;
              const lb = o - n + lastBin;
              if (lb < 0 || mem.wordIn(dv, lb) !== a + lastBin - 2 * w) continue;
              if (!(await this.ringCloses(a, v, n))) continue;
            }
            for (const l of layouts) {
              if (l.next !== n) continue;
              await mem.step();
              const s = await this.score(a, l, true, known);
              if (s >= 0 && (!best || s > best.score)) best = { address: a, layout: l, score: s };
            }
          }
        }
      }
      if (best) return best;
    }
    return null;
  }

  /**
   * Step 4: HEAP_MAX_SIZE from the arenas of the ring that are in no heap at
   * the current size (a glibc built with another HEAP_MAX_SIZE, or heaps made
   * larger for huge pages): the heap under such an arena gives a size; the
   * heaps are looked for again. Returns true when it changed.
   */
  async adjustHeapMax(l: ArenaLayout, main: number): Promise<boolean> {
    const { mem } = this;
    const w = mem.w;
    const ring = (await this.ring(l, main)).slice(1);
    let want = 0;
    for (const a of ring) {
      if ([...this.heaps.values()].some((h) => h.arena === a && h.prev === 0)) continue;
      const his = heapInfoSizes(w, l.params.align).find((s) => (a - s) % 0x10000 === 0);
      if (his === undefined) continue;
      const h = a - his;
      const dv = await mem.read(h, 4 * w);
      if (!dv || mem.wordIn(dv, 0) !== a || mem.wordIn(dv, w) !== 0) continue;
      const need = Math.max(mem.wordIn(dv, 2 * w), mem.wordIn(dv, 3 * w));
      // The largest power of two that aligns the heap, at least its size.
      let m = 0x10000;
      while (m < need) m *= 2;
      if (h % m !== 0) continue;
      while (m * 2 <= 1 << 30 && h % (m * 2) === 0 && m < this.heapMax) m *= 2;
      // Every heap is aligned to HEAP_MAX_SIZE: the smallest such alignment bounds it.
      want = want ? Math.min(want, m) : m;
    }
    if (!want || want === this.heapMax) return false;
    mem.warn(`HEAP_MAX_SIZE is 0x${want.toString(16)} in this process, not glibc's default 0x${this.heapMax.toString(16)} (found from the heaps of the arena ring)`);
    this.heapMax = want;
    await this.findHeaps();
    return true;
  }

  /** Whether following `next` (at offset `n`) from `from` comes back to `a` within a few hops. */
  private async ringCloses(a: number, from: number, n: number): Promise<boolean> {
    let at = from;
    for (let i = 0; i < 64; i++) {
      await this.mem.step();
      const next = await this.mem.word(at + n);
      if (next === null || next === 0) return false;
      if (next === a) return true;
      at = next;
    }
    return false;
  }

  /** The arenas reached from `main` through `next` (main included). */
  async ring(l: ArenaLayout, main: number): Promise<number[]> {
    const out = [main];
    let at = main;
    for (let i = 0; i < MAX_RING; i++) {
      const next = await this.mem.word(at + l.next);
      if (!next || out.includes(next)) break;
      out.push(next);
      at = next;
    }
    return out;
  }

  async arenaState(a: number, isMain: boolean, l: ArenaLayout): Promise<ArenaState> {
    const dv = await this.mem.read(a, l.size);
    const word = (o: number): number => (dv ? this.mem.wordIn(dv, o) : 0);
    return { address: a, isMain, top: word(l.top), next: word(l.next), flags: dv ? dv.getUint32(l.flags, true) : 0, size: word(l.systemMem), maxSize: word(l.maxSystemMem) };
  }
}

/** Runs steps 1–4; null when no arena of any layout is found. */
export async function discover(mem: Mem): Promise<Infrastructure | null> {
  const d = new Discovery(mem);
  await d.findHeaps();
  let arenas = d.heapArenas();
  let chosen = arenas.length ? await d.chooseLayout(arenas) : null;
  let main = 0;
  if (chosen) main = await d.ringMain(chosen.layout, arenas);
  if (!main) {
    const found = await d.scanMain(chosen?.layout ?? null, new Set(arenas));
    if (found) {
      main = found.address;
      if (!chosen) chosen = { layout: found.layout, votes: `${found.layout.name}: the main arena alone` };
    }
  }
  if (!chosen) return null;
  const layout = chosen.layout;
  // sizeof(heap_info): where first heaps put their arena.
  const firsts = [...d.heaps.values()].filter((h) => h.prev === 0).map((h) => h.arena - h.start);
  const candidates = heapInfoSizes(mem.w, layout.params.align);
  let heapInfoSize = firsts.length ? mode(firsts) : candidates[candidates.length - 1];
  if (main && (await d.adjustHeapMax(layout, main))) {
    arenas = d.heapArenas();
    const f2 = [...d.heaps.values()].filter((h) => h.prev === 0).map((h) => h.arena - h.start);
    if (f2.length) heapInfoSize = mode(f2);
  }
  // Heaps whose arena is neither in the ring nor a sound arena are false heaps.
  const good = new Set<number>(main ? await d.ring(layout, main) : []);
  const known = new Set(arenas);
  for (const a of arenas) if (!good.has(a) && (await d.score(a, layout, false, known)) >= 0) good.add(a);
  good.delete(main);
  let falseHeaps = 0;
  for (const [k, h] of d.heaps) {
    if (!good.has(h.arena)) {
      d.heaps.delete(k);
      falseHeaps++;
    }
  }
  if (falseHeaps) mem.warn(`${falseHeaps} heap_info-shaped page(s) name no sound arena and are not walked as heaps`);
  const states = new Map<number, ArenaState>();
  for (const a of good) states.set(a, await d.arenaState(a, false, layout));
  if (main) states.set(main, await d.arenaState(main, true, layout));
  return { layout, heapInfoSize, heapMax: d.heapMax, heaps: d.heaps, arenas: states, mainArena: main, votes: chosen.votes };
}

function mode(xs: number[]): number {
  const c = new Map<number, number>();
  for (const x of xs) c.set(x, (c.get(x) ?? 0) + 1);
  return [...c.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
}

