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

export interface Module {
  path: string;
  /** Lowest and highest address of its mappings. */
  start: number;
  end: number;
  /** Writable ranges, in address order. */
  writable: { start: number; end: number }[];
}

function u16(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}
function u32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}
function u64(b: Uint8Array, o: number): number {
  return u32(b, o + 4) * 4294967296 + u32(b, o);
}

/** PT_LOAD segments with PF_W of the ELF mapped at `base`, relocated; null when its headers are not in the core. */
async function writableLoads(core: CoreFile, base: number): Promise<{ start: number; end: number }[] | null> {
  const h = await core.read(base, 64);
  if (!h || h[0] !== 0x7f || h[1] !== 0x45 || h[2] !== 0x4c || h[3] !== 0x46) return null;
  const is64 = h[4] === 2;
  const phoff = is64 ? u64(h, 32) : u32(h, 28);
  const phentsize = u16(h, is64 ? 54 : 42);
  const phnum = u16(h, is64 ? 56 : 44);
  if (phnum === 0 || phnum > 256 || phentsize < (is64 ? 56 : 32)) return null;
  const ph = await core.read(base + phoff, phnum * phentsize);
  if (!ph) return null;
  let bias: number | null = null;
  const loads: { va: number; memsz: number; flags: number }[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = i * phentsize;
    if (u32(ph, o) !== 1) continue;
    const flags = is64 ? u32(ph, o + 4) : u32(ph, o + 24);
    const off = is64 ? u64(ph, o + 8) : u32(ph, o + 4);
    const va = is64 ? u64(ph, o + 16) : u32(ph, o + 8);
    const memsz = is64 ? u64(ph, o + 40) : u32(ph, o + 20);
    if (bias === null && off === 0) bias = base - va;
    loads.push({ va, memsz, flags });
  }
  if (bias === null) return null;
  const b = bias;
  return loads.filter((l) => (l.flags & 2) !== 0 && l.memsz > 0).map((l) => ({ start: b + l.va, end: b + l.va + l.memsz }));
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
