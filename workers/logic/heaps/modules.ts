/**
 * Modules (mapped ELF files) of a core and their writable ranges, as chap's
 * module directory gives them: a module's writable ranges come from its own
 * ELF program headers, read from the core (PT_LOAD with PF_W: `.data` and
 * `.bss`), each extended to the end of the core segment holding its last
 * byte; without headers, the writable core segments among its mappings and
 * the anonymous one right after (`.bss`). Allocators whose state lives in a
 * module's static data (CPython's obmalloc, gperftools tcmalloc, jemalloc)
 * look for it there.
 */
import type { CoreFile } from '../formats/elf/core-file.ts';
import { elfHeadersAt, PF_W, PT_LOAD } from '../formats/elf/elf.ts';
import { lastAtOrBelowBy } from '../../../src/model/sorted.ts';

export interface Module {
  path: string;
  /** Lowest and highest address of its mappings. */
  start: number;
  end: number;
  /** Writable ranges, in address order. */
  writable: { start: number; end: number }[];
}

/** PT_LOAD segments with PF_W of the ELF mapped at `base`, relocated; null when its headers are not in the core. */
async function writableLoads(core: CoreFile, base: number): Promise<{ start: number; end: number }[] | null> {
  const at = await elfHeadersAt(core, base);
  if (!at) return null;
  let bias: number | null = null;
  const loads: { va: number; memsz: number; flags: number }[] = [];
  for (const p of at.phs) {
    if (p.type !== PT_LOAD) continue;
    if (bias === null && p.offset === 0) bias = base - p.vaddr;
    loads.push({ va: p.vaddr, memsz: p.memsz, flags: p.flags });
  }
  if (bias === null) return null;
  const b = bias;
  return loads.filter((l) => (l.flags & PF_W) !== 0 && l.memsz > 0).map((l) => ({ start: b + l.va, end: b + l.va + l.memsz }));
}

/** The mapped files whose base name matches `name`, with their writable ranges. */
export async function findModules(core: CoreFile, name: RegExp): Promise<Module[]> {
  const byPath = new Map<string, { start: number; end: number; base: number | null }>();
  for (const f of core.files) {
    const base = f.path.slice(f.path.lastIndexOf('/') + 1);
    if (!name.test(base) || f.path.indexOf('/') < 0) continue;
    const m = byPath.get(f.path) ?? { start: f.start, end: f.end, base: null };
    m.start = Math.min(m.start, f.start);
    m.end = Math.max(m.end, f.end);
    if (f.fileOffset === 0 && (m.base === null || f.start < m.base)) m.base = f.start;
    byPath.set(f.path, m);
  }
  const out: Module[] = [];
  for (const [path, m] of byPath) {
    let writable = m.base !== null ? await writableLoads(core, m.base) : null;
    if (!writable) {
      writable = [];
      for (const s of core.segments) {
        if ((s.flags & 2) === 0) continue;
        const inside = s.vaddr >= m.start && s.vaddr < m.end;
        const follows = writable.length > 0 && s.vaddr === writable[writable.length - 1].end;
        if (inside || follows) writable.push({ start: s.vaddr, end: s.vaddr + s.memsz });
      }
    } else {
      writable = writable.map((r) => {
        const seg = core.segmentAt(r.end - 1);
        return { start: r.start, end: seg ? Math.max(r.end, seg.vaddr + seg.memsz) : r.end };
      });
    }
    out.push({ path, start: m.start, end: m.end, writable: writable.sort((a, b) => a.start - b.start) });
  }
  return out;
}

/**
 * The readable stretches of [start, end) in `core`, in address order: what a scan of a module's writable range word
 * by word can find anything in (a segment's bytes not in the file, and gaps, read as nothing). A hostile core whose
 * segment claims 2 GiB over 8 KiB of file made such a scan take 268M steps (issue 13's fuzz campaign: 93 s); it now
 * costs the readable bytes plus one binary search per gap.
 */
export function readableRuns(core: Pick<CoreFile, 'readableEnd' | 'segments'>, start: number, end: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const segs = core.segments;
  let a = start;
  while (a < end) {
    const e = Math.min(end, core.readableEnd(a));
    if (e > a) {
      out.push({ start: a, end: e });
      a = e;
      continue;
    }
    // Not readable at a: on to the first segment starting after it.
    const next = lastAtOrBelowBy(segs.length, (i) => segs[i].vaddr, a) + 1;
    if (next === segs.length) break;
    a = segs[next].vaddr;
  }
  return out;
}
