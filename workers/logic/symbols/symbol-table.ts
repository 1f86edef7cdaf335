/**
 * Function and vtable symbols of one ELF module, sorted by address, for
 * address → function lookups.
 *
 * Functions come from STT_FUNC / STT_GNU_IFUNC symbols; a return address
 * belongs to the function whose [value, value + size) contains it, as gdb's
 * minimal-symbol lookup decides for sized symbols. Vtables are STT_OBJECT
 * symbols named `_ZTV…`. Addresses are the file's (link-time) addresses; the
 * caller adds the module's load bias.
 */
import { lastAtOrBelow, lastAtOrBelowBy } from '../../../src/model/sorted.ts';

const STT_OBJECT = 1;
const STT_FUNC = 2;
const STT_GNU_IFUNC = 10;

/** A symbol: file address, size in bytes and (mangled) name. */
export interface SymbolEntry {
  addr: number;
  size: number;
  name: string;
}

/** Sorted symbol arrays of one module. */
export interface SymbolTable {
  /** Functions sorted by address; equal addresses keep the first symbol seen. */
  funcAddr: Float64Array;
  funcSize: Float64Array;
  funcName: string[];
  /** `_ZTV…` vtable objects, sorted by address. */
  vtables: SymbolEntry[];
}

const utf8 = new TextDecoder();

/** Reads a NUL-terminated string from a string table. */
export function cString(strtab: Uint8Array, at: number, max = 4096): string {
  if (at >= strtab.length) return '';
  let end = at;
  const limit = Math.min(strtab.length, at + max);
  while (end < limit && strtab[end] !== 0) end++;
  return utf8.decode(strtab.subarray(at, end));
}

/** Collects symbols from one or more ELF symbol tables, then sorts them. */
export class SymbolTableBuilder {
  private readonly funcs: SymbolEntry[] = [];
  private readonly vtables: SymbolEntry[] = [];
  private readonly seen = new Set<string>();

  /** Adds one symbol (already decoded); skips duplicates of (address, name). */
  add(kind: 'func' | 'vtable', addr: number, size: number, name: string): void {
    const key = `${addr}:${name}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    (kind === 'func' ? this.funcs : this.vtables).push({ addr, size, name });
  }

  /** Adds the defined functions and vtables of an ELF `Elf32_Sym`/`Elf64_Sym` array. */
  addElfSymbols(syms: Uint8Array, strtab: Uint8Array, is64: boolean): void {
    const entsize = is64 ? 24 : 16;
    const dv = new DataView(syms.buffer, syms.byteOffset, syms.byteLength);
    for (let o = entsize; o + entsize <= syms.length; o += entsize) {
      let name: number, info: number, shndx: number, value: number, size: number;
      if (is64) {
        name = dv.getUint32(o, true);
        info = syms[o + 4];
        shndx = dv.getUint16(o + 6, true);
        value = dv.getUint32(o + 12, true) * 4294967296 + dv.getUint32(o + 8, true);
        size = dv.getUint32(o + 20, true) * 4294967296 + dv.getUint32(o + 16, true);
      } else {
        name = dv.getUint32(o, true);
        value = dv.getUint32(o + 4, true);
        size = dv.getUint32(o + 8, true);
        info = syms[o + 12];
        shndx = dv.getUint16(o + 14, true);
      }
      if (shndx === 0 || value === 0) continue;
      const type = info & 0xf;
      if (type === STT_FUNC || type === STT_GNU_IFUNC) {
        this.add('func', value, size, cString(strtab, name));
      } else if (type === STT_OBJECT && size > 0) {
        // Cheap prefix test before decoding: `_ZTV`.
        if (strtab[name] === 0x5f && strtab[name + 1] === 0x5a && strtab[name + 2] === 0x54 && strtab[name + 3] === 0x56) {
          this.add('vtable', value, size, cString(strtab, name));
        }
      }
    }
  }

  freeze(): SymbolTable {
    // Stable sort keeps the first-seen symbol first among equal addresses.
    const f = this.funcs.slice().sort((a, b) => a.addr - b.addr);
    const funcAddr = new Float64Array(f.length);
    const funcSize = new Float64Array(f.length);
    const funcName: string[] = new Array(f.length);
    f.forEach((s, i) => {
      funcAddr[i] = s.addr;
      funcSize[i] = s.size;
      funcName[i] = s.name;
    });
    return { funcAddr, funcSize, funcName, vtables: this.vtables.slice().sort((a, b) => a.addr - b.addr) };
  }
}

/**
 * The function containing file address `addr`: the first symbol at the greatest
 * address <= addr whose size covers addr. Returns its index or -1.
 */
export function functionAt(t: SymbolTable, addr: number): number {
  let i = lastAtOrBelow(t.funcAddr, addr);
  if (i < 0) return -1;
  // Among symbols at the same address, take the first whose size covers addr.
  const start = t.funcAddr[i];
  while (i > 0 && t.funcAddr[i - 1] === start) i--;
  for (let j = i; j < t.funcAddr.length && t.funcAddr[j] === start; j++) {
    if (addr < start + t.funcSize[j]) return j;
  }
  return -1;
}

/** The `_ZTV` symbol whose object contains file address `addr`, or null. */
export function vtableAt(t: SymbolTable, addr: number): SymbolEntry | null {
  const v = t.vtables;
  const ans = lastAtOrBelowBy(v.length, (i) => v[i].addr, addr);
  if (ans < 0) return null;
  const s = v[ans];
  return addr < s.addr + s.size ? s : null;
}
