/**
 * ELF executables and shared objects (the binaries a user drops beside a core):
 * header, program headers (PT_LOAD for the load bias, PT_NOTE for the build-id),
 * section headers, `.symtab`/`.dynsym` with their string tables, and the
 * `.note.gnu.build-id`. ELF32 and ELF64, little-endian. Only the header tables
 * and the symbol/string sections are read, each as one slice of the source;
 * code and data sections are never read.
 */
import { InputError } from '../../io/errors.ts';
import type { ByteSource } from '../../io/source.ts';
import { SymbolTableBuilder, type SymbolTable } from '../../symbols/symbol-table.ts';

export const ET_EXEC = 2;
export const ET_DYN = 3;
export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_NOTE = 4;
export const PF_X = 1;
const SHT_SYMTAB = 2;
const SHT_NOTE = 7;
const SHT_DYNSYM = 11;
const NT_GNU_BUILD_ID = 3;
/** Symbol/string sections above this are refused (a hostile header, not a real binary). */
const MAX_SECTION_BYTES = 512 << 20;

/** A PT_LOAD program header. */
export interface LoadSegment {
  vaddr: number;
  memsz: number;
  offset: number;
  filesz: number;
  flags: number;
}

/** A parsed ELF binary: what symbol lookup and module matching need. */
export interface Binary {
  /** File name of the input (no directories). */
  name: string;
  is64: boolean;
  /** e_type: 2 executable, 3 shared object / PIE. */
  type: number;
  machine: number;
  /** GNU build-id as lower-case hex, or null. */
  buildId: string | null;
  loads: LoadSegment[];
  /** Lowest PT_LOAD vaddr rounded down to its page: `runtime address = vaddr + (moduleBase - firstLoadVaddr)`. */
  firstLoadVaddr: number;
  /** Functions and objects from `.symtab` and `.dynsym` (file addresses). */
  symbols: SymbolTable;
}

/** Little-endian field reads over a byte array. */
export class LE {
  constructor(readonly b: Uint8Array) {}
  u8(o: number): number {
    return this.b[o];
  }
  u16(o: number): number {
    return this.b[o] | (this.b[o + 1] << 8);
  }
  u32(o: number): number {
    return (this.b[o] | (this.b[o + 1] << 8) | (this.b[o + 2] << 16) | (this.b[o + 3] << 24)) >>> 0;
  }
  /** Exact below 2^53. */
  u64(o: number): number {
    return this.u32(o + 4) * 4294967296 + this.u32(o);
  }
  word(o: number, is64: boolean): number {
    return is64 ? this.u64(o) : this.u32(o);
  }
}

/** Parsed ELF file header fields. */
export interface ElfHeader {
  is64: boolean;
  type: number;
  machine: number;
  phoff: number;
  phentsize: number;
  phnum: number;
  shoff: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
}

/** Parses an ELF header from its first bytes; returns a problem string when it is not a usable ELF. */
export function parseElfHeader(b: Uint8Array): ElfHeader | string {
  if (b.length < 52 || b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46) return 'not an ELF file';
  const cls = b[4];
  if (cls !== 1 && cls !== 2) return `bad ELF class ${cls}`;
  if (b[5] !== 1) return 'big-endian ELF is not supported';
  const is64 = cls === 2;
  if (is64 && b.length < 64) return 'truncated ELF header';
  const r = new LE(b);
  return is64
    ? {
        is64, type: r.u16(16), machine: r.u16(18), phoff: r.u64(32), shoff: r.u64(40),
        phentsize: r.u16(54), phnum: r.u16(56), shentsize: r.u16(58), shnum: r.u16(60), shstrndx: r.u16(62),
      }
    : {
        is64, type: r.u16(16), machine: r.u16(18), phoff: r.u32(28), shoff: r.u32(32),
        phentsize: r.u16(42), phnum: r.u16(44), shentsize: r.u16(46), shnum: r.u16(48), shstrndx: r.u16(50),
      };
}

/** A program header. */
export interface ProgramHeader extends LoadSegment {
  type: number;
}

/** Parses `phnum` program headers from `b` (which starts at e_phoff). */
export function parseProgramHeaders(h: ElfHeader, b: Uint8Array): ProgramHeader[] {
  const r = new LE(b);
  const out: ProgramHeader[] = [];
  const size = h.is64 ? 56 : 32;
  if (h.phentsize < size) return out;
  for (let i = 0; i < h.phnum && (i + 1) * h.phentsize <= b.length; i++) {
    const o = i * h.phentsize;
    out.push(
      h.is64
        ? { type: r.u32(o), flags: r.u32(o + 4), offset: r.u64(o + 8), vaddr: r.u64(o + 16), filesz: r.u64(o + 32), memsz: r.u64(o + 40) }
        : { type: r.u32(o), offset: r.u32(o + 4), vaddr: r.u32(o + 8), filesz: r.u32(o + 16), memsz: r.u32(o + 20), flags: r.u32(o + 24) },
    );
  }
  return out;
}

/** Finds an NT_GNU_BUILD_ID note in a notes blob; hex or null. */
export function buildIdFromNotes(b: Uint8Array): string | null {
  const r = new LE(b);
  let o = 0;
  while (o + 12 <= b.length) {
    const namesz = r.u32(o);
    const descsz = r.u32(o + 4);
    const type = r.u32(o + 8);
    const nameAt = o + 12;
    const descAt = nameAt + ((namesz + 3) & ~3);
    const next = descAt + ((descsz + 3) & ~3);
    if (descAt > b.length || descAt + descsz > b.length || next <= o) return null;
    if (type === NT_GNU_BUILD_ID && namesz === 4 && b[nameAt] === 0x47 && b[nameAt + 1] === 0x4e && b[nameAt + 2] === 0x55) {
      let hex = '';
      for (let i = 0; i < descsz; i++) hex += b[descAt + i].toString(16).padStart(2, '0');
      return hex;
    }
    o = next;
  }
  return null;
}

interface Section {
  name: number;
  type: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  entsize: number;
}

async function readExact(src: ByteSource, offset: number, length: number, what: string): Promise<Uint8Array> {
  if (length > MAX_SECTION_BYTES) throw new InputError(src.name, `${what} claims ${length} bytes: not a plausible ELF binary`);
  if (offset + length > src.size) throw new InputError(src.name, `${what} lies beyond the end of the file (truncated binary?)`);
  const b = await src.read(offset, length);
  if (b.length < length) throw new InputError(src.name, `${what} is truncated`);
  return b;
}

/**
 * Reads an ELF executable or shared object: build-id, PT_LOAD segments and the
 * function/object symbols of `.symtab` and `.dynsym`. Throws `InputError` naming
 * the file when it is not an ELF binary or its tables are cut off.
 */
export async function openBinary(src: ByteSource): Promise<Binary> {
  const head = await src.read(0, 64);
  const h = parseElfHeader(head);
  if (typeof h === 'string') throw new InputError(src.name, h);
  if (h.type !== ET_EXEC && h.type !== ET_DYN) throw new InputError(src.name, `ELF type ${h.type} is not an executable or shared object`);
  const phs = h.phnum ? parseProgramHeaders(h, await readExact(src, h.phoff, h.phnum * h.phentsize, 'program header table')) : [];
  const loads = phs.filter((p) => p.type === PT_LOAD);
  const firstLoadVaddr = loads.length ? Math.min(...loads.map((p) => p.vaddr)) - (Math.min(...loads.map((p) => p.vaddr)) % 4096) : 0;

  let buildId: string | null = null;
  for (const p of phs) {
    if (p.type === PT_NOTE && p.filesz > 0 && p.filesz < 1 << 20 && p.offset + p.filesz <= src.size) {
      buildId = buildIdFromNotes(await src.read(p.offset, p.filesz));
      if (buildId) break;
    }
  }

  const sections: Section[] = [];
  const shsize = h.is64 ? 64 : 40;
  if (h.shnum > 0 && h.shoff > 0) {
    if (h.shentsize < shsize) throw new InputError(src.name, `section header size ${h.shentsize} is too small`);
    const b = await readExact(src, h.shoff, h.shnum * h.shentsize, 'section header table');
    const r = new LE(b);
    for (let i = 0; i < h.shnum; i++) {
      const o = i * h.shentsize;
      sections.push(
        h.is64
          ? { name: r.u32(o), type: r.u32(o + 4), addr: r.u64(o + 16), offset: r.u64(o + 24), size: r.u64(o + 32), link: r.u32(o + 40), entsize: r.u64(o + 56) }
          : { name: r.u32(o), type: r.u32(o + 4), addr: r.u32(o + 12), offset: r.u32(o + 16), size: r.u32(o + 20), link: r.u32(o + 24), entsize: r.u32(o + 36) },
      );
    }
  }

  if (!buildId) {
    for (const s of sections) {
      if (s.type === SHT_NOTE && s.size > 0 && s.size < 1 << 20 && s.offset + s.size <= src.size) {
        buildId = buildIdFromNotes(await src.read(s.offset, s.size));
        if (buildId) break;
      }
    }
  }

  const symbols = new SymbolTableBuilder();
  // .symtab first: it has the local (static) functions; .dynsym adds nothing new when both exist.
  for (const type of [SHT_SYMTAB, SHT_DYNSYM]) {
    for (const s of sections) {
      if (s.type !== type || s.size === 0) continue;
      const strs = sections[s.link];
      if (!strs) throw new InputError(src.name, 'symbol table links to a missing string table');
      const syms = await readExact(src, s.offset, s.size, 'symbol table');
      const names = await readExact(src, strs.offset, strs.size, 'symbol string table');
      symbols.addElfSymbols(syms, names, h.is64);
    }
  }
  return { name: src.name, is64: h.is64, type: h.type, machine: h.machine, buildId, loads, firstLoadVaddr, symbols: symbols.freeze() };
}
