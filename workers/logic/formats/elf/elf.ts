/**
 * ELF parsing shared by every reader of ELF data: the file header, program headers and notes (ELF32 and
 * ELF64, little-endian), from a file (`binary.ts`), from a core's own headers and notes (`core-file.ts`), and
 * from the ELF images mapped in a process's memory (`elfHeadersAt`: build-ids, load bias, writable and
 * executable ranges, `.dynsym`). Field reads are `../../io/le.ts`'s.
 */
import { LE, u32 } from '../../io/le.ts';

export const ET_EXEC = 2;
export const ET_DYN = 3;
export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_NOTE = 4;
export const PF_X = 1;
export const PF_W = 2;
export const NT_GNU_BUILD_ID = 3;

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
export function parseProgramHeaders(h: Pick<ElfHeader, 'is64' | 'phnum' | 'phentsize'>, b: Uint8Array): ProgramHeader[] {
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
  if (typeof header === 'string' || header.phnum === 0 || header.phnum > 256 || header.phentsize < (header.is64 ? 56 : 32)) return null;
  const ph = await mem.read(base + header.phoff, header.phnum * header.phentsize);
  if (!ph) return null;
  return { header, phs: parseProgramHeaders(header, ph) };
}
