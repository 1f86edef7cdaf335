/**
 * The main arena's runs: the ranges of memory holding its chunks.
 *
 * While brk works the main arena is one contiguous run ending at its top
 * chunk's end, `system_mem` bytes long (the front alignment correction
 * included, so the first chunk is the first MALLOC_ALIGNMENT-aligned one).
 * When brk fails, malloc maps memory instead (at least 1 MiB), marks the
 * arena NONCONTIGUOUS, frees what is left of the old top and closes the old
 * run with two fencepost chunks (2 × SIZE_SZ each, PREV_INUSE set); the top
 * chunk then lives in the newest mapped run. So runs are looked for where they
 * are: the run ending at top, checked by walking its chunks to top; any
 * other run is a page-aligned first chunk (prev_size 0, PREV_INUSE only) whose
 * chunk chain ends in a double fencepost, in writable memory no heap, mapped
 * file or earlier run claims — until the runs add up to system_mem.
 */
import type { ArenaState } from './discovery.ts';
import { firstChunkAt, type ArenaLayout } from './layout.ts';
import { hex, PAGE, type Mem, type Range } from './memory.ts';
import type { MainRunWalk } from './walk.ts';

export interface Run {
  start: number;
  end: number;
  /** First chunk. */
  first: number;
  /** True for the run holding the top chunk. */
  hasTop: boolean;
  /** Its chunks, when they were walked to check the run (`walkTop`). */
  walked?: MainRunWalk;
}

/** Steps allowed for chain walks while looking for runs (a hostile core cannot make this quadratic). */
const RUN_SCAN_STEPS = 1 << 24;

/**
 * Where a chunk chain from `first` ends, at most at `limit`: 'top' when it
 * reaches `top`, 'fence' (with the end) at a double fencepost, null when a
 * chunk header is not a main-arena chunk's.
 */
async function chainEnd(mem: Mem, l: ArenaLayout, first: number, limit: number, top: number, budget: { left: number }): Promise<{ kind: 'top' | 'fence'; end: number } | null> {
  const w = mem.w;
  const { minSize, align } = l.params;
  const alignPow2 = (align & (align - 1)) === 0;
  let c = first;
  const WINDOW = 1 << 20;
  let dv: DataView | null = null;
  let base = 0;
  while (c + 2 * w <= limit) {
    if (--budget.left < 0) return null;
    if (c === top) return { kind: 'top', end: c };
    if (!dv || c + 2 * w > base + dv.byteLength) {
      await mem.step();
      base = c;
      dv = await mem.readWindow(c, Math.min(WINDOW, limit - c));
      if (!dv) return null;
    }
    const sf = mem.wordIn(dv, c - base + w);
    const size = sf < 2147483648 ? sf & ~7 : sf - (sf % 8); // integer arithmetic when it fits (a double's % is a library call)
    if (sf & 6) return null;
    if (size === 2 * w && size < minSize) {
      // A fencepost: the second one must follow.
      const n = c + size;
      const sf2 = n + 2 * w <= base + dv.byteLength ? mem.wordIn(dv, n - base + w) : await mem.word(n + w);
      if (sf2 !== null && sf2 - (sf2 % 8) === 2 * w && (sf2 & 6) === 0) return { kind: 'fence', end: n + 2 * w };
      return null;
    }
    if (size < minSize || (size < 2147483648 && alignPow2 ? size & (align - 1) : size % align) !== 0 || c + size > limit) return null;
    c += size;
  }
  return null;
}

/**
 * `walkTop`, when given, checks the usual run by walking its chunks (walk.ts's `mainRunWalker`), as `chainEnd` would
 * check it: the run then carries its chunks, and the heap bytes of the main arena are read once, not twice.
 */
export async function mainArenaRuns(mem: Mem, l: ArenaLayout, main: ArenaState, claimed: Range[], walkTop?: (run: Run, budget: { left: number }) => Promise<MainRunWalk | null | undefined>): Promise<Run[]> {
  const w = mem.w;
  const budget = { left: RUN_SCAN_STEPS };
  const tsf = await mem.word(main.top + w);
  if (tsf === null) {
    mem.warn(`the main arena's top chunk at ${hex(main.top)} is not in the core; the main arena's chunks are not listed`);
    return [];
  }
  const topEnd = main.top + (tsf - (tsf % 8));
  const runs: Run[] = [];
  // The usual case: one contiguous run of system_mem bytes ending at top.
  const start = topEnd - main.size;
  const first = firstChunkAt(start, l.params);
  if (start >= 0) {
    const run: Run = { start, end: topEnd, first, hasTop: true };
    const walked = walkTop ? await walkTop(run, budget) : undefined;
    if (walked !== undefined ? walked !== null : (await chainEnd(mem, l, first, topEnd, main.top, budget))?.kind === 'top') {
      runs.push(walked ? { ...run, walked } : run);
      if ((main.flags & 2) === 0) return runs;
    }
  }
  // Otherwise runs are looked for page by page in unclaimed writable memory.
  const isClaimed = (a: number): Range | undefined => claimed.find((r) => a >= r.start && a < r.end) ?? runs.find((r) => a >= r.start && a < r.end);
  let total = runs.reduce((n, r) => n + (r.end - r.start), 0);
  const segs = mem.writable().filter((s) => !(main.top >= s.start && main.top < s.end));
  const topSeg = mem.writable().find((s) => main.top >= s.start && main.top < s.end);
  // The segment holding top first (its run is the one that matters most), then the others.
  for (const seg of topSeg ? [topSeg, ...segs] : segs) {
    for (let p = Math.ceil(seg.start / PAGE) * PAGE; p + 4 * w <= seg.end && total < main.size && budget.left > 0; ) {
      await mem.step();
      const c = isClaimed(p);
      if (c) {
        p = Math.ceil(c.end / PAGE) * PAGE;
        continue;
      }
      const dv = await mem.read(p, 4 * w);
      const first = firstChunkAt(p, l.params);
      const pv = dv ? mem.wordIn(dv, first - p) : 1;
      const sf = dv ? mem.wordIn(dv, first - p + w) : 0;
      if (pv !== 0 || (sf & 7) !== 1 || sf - 1 < l.params.minSize) {
        p += PAGE;
        continue;
      }
      const hasTop = main.top >= p && main.top < seg.end && !runs.some((r) => r.hasTop);
      const e = await chainEnd(mem, l, first, hasTop ? topEnd : seg.end, hasTop ? main.top : -1, budget);
      if (!e) {
        p += PAGE;
        continue;
      }
      const end = e.kind === 'top' ? topEnd : e.end;
      runs.push({ start: p, end, first, hasTop: e.kind === 'top' });
      total += end - p;
      p = Math.ceil(end / PAGE) * PAGE;
    }
  }
  if (budget.left <= 0) mem.warn('looking for the main arena\'s runs took too many steps (a corrupt or hostile core); some of its chunks may not be listed');
  runs.sort((a, b) => a.start - b.start);
  if (!runs.some((r) => r.hasTop)) mem.warn(`no run of main-arena chunks reaches the top chunk at ${hex(main.top)}; its chunks before top are not listed`);
  if (total < main.size) {
    mem.warn(`the main arena's runs found add up to ${total.toLocaleString('en-US')} bytes, less than its system_mem (${main.size.toLocaleString('en-US')}); chunks in the rest are not listed`);
  }
  return runs;
}
