/**
 * ELF executables and shared objects (the binaries a user drops beside a core):
 * header, program headers (PT_LOAD for the load bias, PT_NOTE for the build-id),
 * section headers, `.symtab`/`.dynsym` with their string tables, and the
 * `.note.gnu.build-id`. ELF32 and ELF64, little-endian. Only the header tables
 * and the symbol/string sections are read, each as one slice of the source;
 * code and data sections are never read. The ELF parsing itself is `elf.ts`'s.
 */
import { InputError } from '../../io/errors.ts';
import type { ByteSource } from '../../io/source.ts';
import { SymbolTableBuilder, type SymbolTable } from '../../symbols/symbol-table.ts';
import { buildIdFromNotes, ET_DYN, ET_EXEC, parseElfHeader, parseProgramHeaders, PT_LOAD, PT_NOTE, readField, SHDR, SHDR_SIZE, type LoadSegment } from './elf.ts';

const SHT_SYMTAB = 2;
const SHT_NOTE = 7;
const SHT_DYNSYM = 11;
/** Symbol/string sections above this are refused (a hostile header, not a real binary). */
const MAX_SECTION_BYTES = 512 << 20;

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
  if (h.shnum > 0 && h.shoff > 0) {
    if (h.shentsize < SHDR_SIZE[h.is64 ? 64 : 32]) throw new InputError(src.name, `section header size ${h.shentsize} is too small`);
    const b = await readExact(src, h.shoff, h.shnum * h.shentsize, 'section header table');
    const f = (o: number, x: (typeof SHDR)[keyof typeof SHDR]): number => readField(b, o, x, h.is64);
    for (let i = 0; i < h.shnum; i++) {
      const o = i * h.shentsize;
      sections.push({
        name: f(o, SHDR.sh_name),
        type: f(o, SHDR.sh_type),
        addr: f(o, SHDR.sh_addr),
        offset: f(o, SHDR.sh_offset),
        size: f(o, SHDR.sh_size),
        link: f(o, SHDR.sh_link),
        entsize: f(o, SHDR.sh_entsize),
      });
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
