/**
 * ELF parsing shared by every reader of ELF data: the file header, program headers and notes (ELF32 and
 * ELF64, little-endian), from a file (`binary.ts`), from a core's own headers and notes (`core-file.ts`), and
 * from the ELF images mapped in a process's memory (`elfHeadersAt`: build-ids, load bias, writable and
 * executable ranges, `.dynsym`). Field reads are `../../io/le.ts`'s.
 */
import { u16, u32, u64 } from '../../io/le.ts';

export const ET_EXEC = 2;
export const ET_DYN = 3;
export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_NOTE = 4;
export const PF_X = 1;
export const PF_W = 2;
export const NT_GNU_BUILD_ID = 3;

/**
 * Where a field of an ELF header table entry sits: its offset and width in ELF64, then in ELF32. The tables below
 * are the one statement of the ELF layout: the readers here, `binary.ts`, `core-file.ts` and the fuzz mutator
 * (which writes these fields) all go through them.
 */
export type ElfField = readonly [off64: number, width64: number, off32: number, width32: number];

/** The file header (`Elf64_Ehdr` / `Elf32_Ehdr`). */
export const EHDR = {
  e_type: [16, 2, 16, 2],
  e_machine: [18, 2, 18, 2],
  e_phoff: [32, 8, 28, 4],
  e_shoff: [40, 8, 32, 4],
  e_phentsize: [54, 2, 42, 2],
  e_phnum: [56, 2, 44, 2],
  e_shentsize: [58, 2, 46, 2],
  e_shnum: [60, 2, 48, 2],
  e_shstrndx: [62, 2, 50, 2],
} as const satisfies Record<string, ElfField>;

/** A program header (`Elf64_Phdr` / `Elf32_Phdr`: the flags move). */
export const PHDR = {
  p_type: [0, 4, 0, 4],
  p_flags: [4, 4, 24, 4],
  p_offset: [8, 8, 4, 4],
  p_vaddr: [16, 8, 8, 4],
  p_filesz: [32, 8, 16, 4],
  p_memsz: [40, 8, 20, 4],
} as const satisfies Record<string, ElfField>;

/** A section header (`Elf64_Shdr` / `Elf32_Shdr`). */
export const SHDR = {
  sh_name: [0, 4, 0, 4],
  sh_type: [4, 4, 4, 4],
  sh_addr: [16, 8, 12, 4],
  sh_offset: [24, 8, 16, 4],
  sh_size: [32, 8, 20, 4],
  sh_link: [40, 4, 24, 4],
  sh_info: [44, 4, 28, 4],
  sh_entsize: [56, 8, 36, 4],
} as const satisfies Record<string, ElfField>;

/** Bytes of an entry (at least; `e_phentsize` / `e_shentsize` may say more), in ELF64 and ELF32. */
export const PHDR_SIZE = { 64: 56, 32: 32 } as const;
export const SHDR_SIZE = { 64: 64, 32: 40 } as const;

/** Offset (from the entry's start) and width of field `f` in the class `is64` says. */
export function fieldAt(f: ElfField, is64: boolean): [offset: number, width: number] {
  return is64 ? [f[0], f[1]] : [f[2], f[3]];
}

/** Reads field `f` of the entry at `base` (little-endian; 8 bytes exact below 2^53; bytes past the end read as 0). */
export function readField(b: Uint8Array, base: number, f: ElfField, is64: boolean): number {
  const [o, w] = fieldAt(f, is64);
  return w === 2 ? u16(b, base + o) : w === 4 ? u32(b, base + o) : u64(b, base + o);
}

/** A PT_LOAD program header. */
export interface LoadSegment {
  vaddr: number;
  memsz: number;
  offset: number;
  filesz: number;
  flags: number;
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
  const f = (x: ElfField): number => readField(b, 0, x, is64);
  return {
    is64,
    type: f(EHDR.e_type),
    machine: f(EHDR.e_machine),
    phoff: f(EHDR.e_phoff),
    shoff: f(EHDR.e_shoff),
    phentsize: f(EHDR.e_phentsize),
    phnum: f(EHDR.e_phnum),
    shentsize: f(EHDR.e_shentsize),
    shnum: f(EHDR.e_shnum),
    shstrndx: f(EHDR.e_shstrndx),
  };
}

/** A program header. */
export interface ProgramHeader extends LoadSegment {
  type: number;
}

/** Parses `phnum` program headers from `b` (which starts at e_phoff). */
export function parseProgramHeaders(h: Pick<ElfHeader, 'is64' | 'phnum' | 'phentsize'>, b: Uint8Array): ProgramHeader[] {
  const out: ProgramHeader[] = [];
  const is64 = h.is64;
  if (h.phentsize < PHDR_SIZE[is64 ? 64 : 32]) return out;
  for (let i = 0; i < h.phnum && (i + 1) * h.phentsize <= b.length; i++) {
    const o = i * h.phentsize;
    out.push({
      type: readField(b, o, PHDR.p_type, is64),
      flags: readField(b, o, PHDR.p_flags, is64),
      offset: readField(b, o, PHDR.p_offset, is64),
      vaddr: readField(b, o, PHDR.p_vaddr, is64),
      filesz: readField(b, o, PHDR.p_filesz, is64),
      memsz: readField(b, o, PHDR.p_memsz, is64),
    });
  }
  return out;
}

/** One note of a notes blob (PT_NOTE, SHT_NOTE). */
export interface ElfNote {
  /** The name up to its first NUL (`CORE`, `LINUX`, `GNU`). */
  name: string;
  namesz: number;
  type: number;
  desc: Uint8Array;
}

/**
 * The notes of a notes blob, in order (4-byte aligned name and descriptor). `cut` is the offset of the first
 * note that runs past the end of the blob (it and what follows are not read), or −1.
 */
export function parseNotes(b: Uint8Array): { notes: ElfNote[]; cut: number } {
  const notes: ElfNote[] = [];
  // Not `(n + 3) & ~3`: a 32-bit bitwise op turns a size of 2^31 or more negative.
  const align = (n: number): number => n + ((4 - (n % 4)) % 4);
  let o = 0;
  while (o + 12 <= b.length) {
    const namesz = u32(b, o);
    const descsz = u32(b, o + 4);
    const type = u32(b, o + 8);
    const nameAt = o + 12;
    const descAt = nameAt + align(namesz);
    if (descAt + descsz > b.length) return { notes, cut: o };
    let name = '';
    for (let i = 0; i < namesz && b[nameAt + i] !== 0; i++) name += String.fromCharCode(b[nameAt + i]);
    notes.push({ name, namesz, type, desc: b.subarray(descAt, descAt + descsz) });
    o = descAt + align(descsz);
  }
  return { notes, cut: -1 };
}

/** Finds an NT_GNU_BUILD_ID note in a notes blob; hex or null. */
export function buildIdFromNotes(b: Uint8Array): string | null {
  const n = parseNotes(b).notes.find((x) => x.type === NT_GNU_BUILD_ID && x.namesz === 4 && x.name.startsWith('GNU'));
  if (!n) return null;
  let hex = '';
  for (let i = 0; i < n.desc.length; i++) hex += n.desc[i].toString(16).padStart(2, '0');
  return hex;
}

/** What `elfHeadersAt` reads from: process memory (`null` where bytes are missing). */
interface Readable {
  read(addr: number, length: number): Promise<Uint8Array | null>;
}

/**
 * The file header and program headers of the ELF image mapped at `base` in process memory, or null when they
 * are not there (not an ELF, no or more than 256 program headers, headers missing from the core).
 */
export async function elfHeadersAt(mem: Readable, base: number): Promise<{ header: ElfHeader; phs: ProgramHeader[] } | null> {
  const head = await mem.read(base, 64);
  if (!head) return null;
  const header = parseElfHeader(head);
  if (typeof header === 'string' || header.phnum === 0 || header.phnum > 256 || header.phentsize < PHDR_SIZE[header.is64 ? 64 : 32]) return null;
  const ph = await mem.read(base + header.phoff, header.phnum * header.phentsize);
  if (!ph) return null;
  return { header, phs: parseProgramHeaders(header, ph) };
}
