/**
 * The modules (executable and shared objects) of a process, from its core:
 * NT_FILE mappings grouped per file, each module's ELF headers read from the
 * core's memory (load bias, executable ranges, build-id, `.dynsym` through
 * PT_DYNAMIC), the dynamic loader's names for them (`r_debug` → `link_map`
 * list, the names gdb prints), and the binaries the user dropped, matched by
 * build-id when both sides have one, else by file name.
 *
 * Symbols of a module come from its matched binary (`.symtab` + `.dynsym`),
 * else from the `.dynsym` still mapped in the core, else there are none and
 * addresses show as `module+0xOFFSET`.
 */
import type { Binary } from '../formats/elf/binary.ts';
import { buildIdFromNotes, elfHeadersAt, PF_X, PT_DYNAMIC, PT_LOAD, PT_NOTE } from '../formats/elf/elf.ts';
import { LE } from '../io/le.ts';
import type { ProcessMemory } from '../formats/elf/memory.ts';
import type { InputWarning } from '../io/errors.ts';
import { SymbolTableBuilder, type SymbolTable } from './symbol-table.ts';
import { lastAtOrBelow } from '../../../src/model/sorted.ts';

const DT_NULL = 0;
const DT_HASH = 4;
const DT_STRTAB = 5;
const DT_SYMTAB = 6;
const DT_STRSZ = 10;
const DT_SYMENT = 11;
const DT_DEBUG = 21;
const DT_GNU_HASH = 0x6ffffef5;
const AT_PHDR = 3;
const AT_ENTRY = 9;
const MAX_DYNSYMS = 1 << 20;

/** One mapped ELF file of the process. */
export interface Module {
  /** Path from NT_FILE (the kernel's, symlinks resolved). */
  path: string;
  /** Name the dynamic loader used (`link_map.l_name`), when found; gdb prints this one. */
  loaderName: string | null;
  /** Lowest mapped address and end of the highest mapping. */
  base: number;
  end: number;
  /** NT_FILE mappings of this file, sorted. */
  ranges: { start: number; end: number }[];
  /** Executable ranges (PT_LOAD with PF_X) in process addresses; empty when the headers are not readable. */
  exec: { start: number; end: number }[];
  /** Runtime address = file address + bias. */
  bias: number;
  buildId: string | null;
  /** Where the symbols came from. */
  symbolSource: 'binary' | 'core-dynsym' | 'none';
  symbols: SymbolTable | null;
  /** The dropped binary matched to this module, if any. */
  binary: Binary | null;
}

/** All modules plus a sorted range index. */
export interface ModuleMap {
  modules: Module[];
  /** Sorted, non-overlapping ranges → module index (NT_FILE mappings). */
  rangeStart: Float64Array;
  rangeEnd: Float64Array;
  rangeModule: Int32Array;
  warnings: InputWarning[];
}

function baseName(p: string): string {
  const i = p.lastIndexOf('/');
  return i >= 0 ? p.slice(i + 1) : p;
}

/** Reads a NUL-terminated string from process memory (up to `max` bytes), or null. */
export async function readCString(mem: ProcessMemory, addr: number, max = 4096): Promise<string | null> {
  if (!addr) return null;
  let out = '';
  let at = addr;
  while (at - addr < max) {
    // Read up to the next 256-byte boundary so a string ending just before unmapped memory still reads.
    const n = 256 - (at % 256);
    let b = await mem.read(at, n);
    if (!b) {
      // Fall back to single bytes near the end of the readable range.
      b = await mem.read(at, 1);
      if (!b) return out.length ? out : null;
    }
    const z = b.indexOf(0);
    out += new TextDecoder().decode(z >= 0 ? b.subarray(0, z) : b);
    if (z >= 0) return out;
    at += b.length;
  }
  return out;
}

/** Module index of the mapping holding `addr`, or -1. */
export function moduleIndexAt(map: ModuleMap, addr: number): number {
  const ans = lastAtOrBelow(map.rangeStart, addr);
  return ans >= 0 && addr < map.rangeEnd[ans] ? map.rangeModule[ans] : -1;
}

/** True when `addr` lies in an executable range of module `m` (or anywhere in it when its headers were unreadable). */
export function isExecutableIn(m: Module, addr: number): boolean {
  if (m.exec.length === 0) return m.ranges.some((r) => addr >= r.start && addr < r.end);
  for (const r of m.exec) if (addr >= r.start && addr < r.end) return true;
  return false;
}

interface Headers {
  bias: number;
  exec: { start: number; end: number }[];
  dynamic: number;
  buildId: string | null;
  is64: boolean;
}

async function readHeaders(mem: ProcessMemory, base: number): Promise<Headers | null> {
  const at = await elfHeadersAt(mem, base);
  if (!at) return null;
  const { header: h, phs } = at;
  const loads = phs.filter((p) => p.type === PT_LOAD);
  if (!loads.length) return null;
  const first = Math.min(...loads.map((p) => p.vaddr));
  const bias = base - (first - (first % 4096));
  const exec = loads.filter((p) => p.flags & PF_X).map((p) => ({ start: p.vaddr + bias, end: p.vaddr + bias + p.memsz }));
  const dyn = phs.find((p) => p.type === PT_DYNAMIC);
  let buildId: string | null = null;
  for (const p of phs) {
    if (p.type !== PT_NOTE || p.memsz > 1 << 16) continue;
    const nb = await mem.read(p.vaddr + bias, p.memsz);
    if (nb) buildId = buildIdFromNotes(nb);
    if (buildId) break;
  }
  return { bias, exec, dynamic: dyn ? dyn.vaddr + bias : 0, buildId, is64: h.is64 };
}

/** Reads the dynamic section at `addr` into a tag → value map (first value of each tag). */
async function readDynamic(mem: ProcessMemory, addr: number, is64: boolean): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  const ent = is64 ? 16 : 8;
  for (let i = 0; i < 512; i++) {
    const b = await mem.read(addr + i * ent, ent);
    if (!b) break;
    const r = new LE(b);
    const tag = r.word(0, is64);
    if (tag === DT_NULL) break;
    if (!out.has(tag)) out.set(tag, r.word(is64 ? 8 : 4, is64));
  }
  return out;
}

/** Number of `.dynsym` entries, from DT_GNU_HASH or DT_HASH. */
async function dynsymCount(mem: ProcessMemory, dyn: Map<number, number>, reloc: (v: number) => number, is64: boolean): Promise<number> {
  const hash = dyn.get(DT_HASH);
  if (hash) {
    const b = await mem.read(reloc(hash), 8);
    if (b) return new LE(b).u32(4);
  }
  const gnu = dyn.get(DT_GNU_HASH);
  if (gnu) {
    const at = reloc(gnu);
    const hb = await mem.read(at, 16);
    if (!hb) return 0;
    const r = new LE(hb);
    const nbuckets = r.u32(0);
    const symoffset = r.u32(4);
    const bloomSize = r.u32(8);
    if (nbuckets > 1 << 20 || bloomSize > 1 << 20) return 0;
    const bucketsAt = at + 16 + bloomSize * (is64 ? 8 : 4);
    const bb = await mem.read(bucketsAt, nbuckets * 4);
    if (!bb) return 0;
    const br = new LE(bb);
    let max = 0;
    for (let i = 0; i < nbuckets; i++) max = Math.max(max, br.u32(i * 4));
    if (max < symoffset) return symoffset;
    const chainAt = bucketsAt + nbuckets * 4;
    for (let i = max; i < MAX_DYNSYMS; i++) {
      const c = await mem.read(chainAt + (i - symoffset) * 4, 4);
      if (!c) return i + 1;
      if (new LE(c).u32(0) & 1) return i + 1;
    }
  }
  return 0;
}

async function coreDynsym(mem: ProcessMemory, hd: Headers, base: number): Promise<SymbolTable | null> {
  if (!hd.dynamic) return null;
  const dyn = await readDynamic(mem, hd.dynamic, hd.is64);
  // ld.so relocates these entries in place in most builds; unrelocated values are file addresses.
  const reloc = (v: number) => (v < base ? v + hd.bias : v);
  const symtab = dyn.get(DT_SYMTAB);
  const strtab = dyn.get(DT_STRTAB);
  const strsz = dyn.get(DT_STRSZ) ?? 0;
  if (!symtab || !strtab || strsz <= 0 || strsz > 64 << 20) return null;
  const syment = dyn.get(DT_SYMENT) ?? (hd.is64 ? 24 : 16);
  let count = await dynsymCount(mem, dyn, reloc, hd.is64);
  if (!count && reloc(strtab) > reloc(symtab)) count = Math.floor((reloc(strtab) - reloc(symtab)) / syment);
  if (!count || count > MAX_DYNSYMS) return null;
  const syms = await mem.read(reloc(symtab), count * syment);
  const strs = await mem.read(reloc(strtab), strsz);
  if (!syms || !strs) return null;
  const b = new SymbolTableBuilder();
  b.addElfSymbols(syms, strs, hd.is64);
  return b.freeze();
}

/** Walks `r_debug.r_map` from the executable's DT_DEBUG; returns (l_ld, l_name) pairs. */
async function loaderNames(mem: ProcessMemory, exeHeaders: Headers | null): Promise<{ ld: number; addr: number; name: string }[]> {
  if (!exeHeaders?.dynamic) return [];
  const dyn = await readDynamic(mem, exeHeaders.dynamic, exeHeaders.is64);
  const rdebug = dyn.get(DT_DEBUG);
  if (!rdebug) return [];
  const w = mem.pointerSize;
  let lm = await mem.readWord(rdebug + w); // r_version is an int padded to a word
  const out: { ld: number; addr: number; name: string }[] = [];
  const seen = new Set<number>();
  while (lm && !seen.has(lm) && out.length < 4096) {
    seen.add(lm);
    const b = await mem.read(lm, 4 * w);
    if (!b) break;
    const r = new LE(b);
    const lAddr = r.word(0, w === 8);
    const lName = r.word(w, w === 8);
    const lLd = r.word(2 * w, w === 8);
    const name = (await readCString(mem, lName)) ?? '';
    out.push({ ld: lLd, addr: lAddr, name });
    lm = r.word(3 * w, w === 8);
  }
  return out;
}

/**
 * Builds the module map of a process: groups NT_FILE mappings per ELF file,
 * reads headers, loader names and in-core `.dynsym`, and attaches the dropped
 * `binaries` (by build-id, else by file name).
 */
export async function loadModules(mem: ProcessMemory, binaries: readonly Binary[] = []): Promise<ModuleMap> {
  const warnings: InputWarning[] = [];
  const files = [...mem.files].sort((a, b) => a.start - b.start);
  const modules: Module[] = [];
  const byPath = new Map<string, Module>();
  for (const f of files) {
    let m = byPath.get(f.path);
    // A new module when the same file is mapped again from offset 0 (a second copy).
    if (!m || (f.fileOffset === 0 && m.ranges.length > 0 && f.start >= m.end)) {
      m = {
        path: f.path, loaderName: null, base: f.start, end: f.end, ranges: [], exec: [], bias: 0,
        buildId: null, symbolSource: 'none', symbols: null, binary: null,
      };
      modules.push(m);
      byPath.set(f.path, m);
    }
    m.ranges.push({ start: f.start, end: f.end });
    m.base = Math.min(m.base, f.start);
    m.end = Math.max(m.end, f.end);
  }

  const headers: (Headers | null)[] = [];
  for (const m of modules) {
    const hd = await readHeaders(mem, m.base);
    headers.push(hd);
    if (!hd) continue;
    m.bias = hd.bias;
    m.exec = hd.exec;
    const coreWithId = mem as ProcessMemory & { buildIdAt?(start: number): Promise<string | null> };
    m.buildId = hd.buildId ?? (coreWithId.buildIdAt ? await coreWithId.buildIdAt(m.base) : null);
  }

  // Dropped binaries: build-id first, then file name (only where the build-ids do not disagree).
  const used = new Set<Binary>();
  for (const m of modules) {
    const b = m.buildId ? binaries.find((x) => !used.has(x) && x.buildId === m.buildId) : undefined;
    if (b) {
      m.binary = b;
      used.add(b);
    }
  }
  for (const m of modules) {
    if (m.binary) continue;
    const b = binaries.find((x) => !used.has(x) && x.name === baseName(m.path));
    if (!b) continue;
    if (b.buildId && m.buildId && b.buildId !== m.buildId) {
      warnings.push({ file: b.name, message: `build-id ${b.buildId} differs from the core's ${m.path} (${m.buildId}); not used` });
      continue;
    }
    m.binary = b;
    used.add(b);
  }
  for (const b of binaries) {
    if (!used.has(b)) warnings.push({ file: b.name, message: 'matches no file mapped in the core (by build-id or name)' });
  }

  for (let i = 0; i < modules.length; i++) {
    const m = modules[i];
    const hd = headers[i];
    if (m.binary) {
      m.symbols = m.binary.symbols;
      m.symbolSource = 'binary';
      if (!hd) {
        m.bias = m.base - m.binary.firstLoadVaddr;
        m.exec = m.binary.loads.filter((p) => p.flags & PF_X).map((p) => ({ start: p.vaddr + m.bias, end: p.vaddr + m.bias + p.memsz }));
      }
    } else if (hd) {
      const t = await coreDynsym(mem, hd, m.base);
      if (t && t.funcAddr.length) {
        m.symbols = t;
        m.symbolSource = 'core-dynsym';
      }
    }
  }

  // The loader's names (gdb's spelling of library paths).
  const auxPhdr = mem.auxv.get(AT_PHDR) ?? mem.auxv.get(AT_ENTRY);
  let exe = auxPhdr ? modules.findIndex((m) => auxPhdr >= m.base && auxPhdr < m.end) : -1;
  if (exe < 0) exe = 0;
  const names = modules.length ? await loaderNames(mem, headers[exe] ?? null) : [];
  for (const n of names) {
    if (!n.name) continue;
    const m = modules.find((x) => n.ld >= x.base && n.ld < x.end);
    if (m && !m.loaderName) m.loaderName = n.name;
  }

  const ranges: { start: number; end: number; mod: number }[] = [];
  modules.forEach((m, i) => m.ranges.forEach((r) => ranges.push({ start: r.start, end: r.end, mod: i })));
  ranges.sort((a, b) => a.start - b.start);
  return {
    modules,
    rangeStart: Float64Array.from(ranges.map((r) => r.start)),
    rangeEnd: Float64Array.from(ranges.map((r) => r.end)),
    rangeModule: Int32Array.from(ranges.map((r) => r.mod)),
    warnings,
  };
}
