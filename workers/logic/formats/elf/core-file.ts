/**
 * ELF core dump reader: little-endian ELF64 and ELF32 cores (x86-64, i386,
 * aarch64), as written by the kernel or by gdb's `gcore`.
 *
 * - PT_LOAD segments become the process's virtual address map.
 * - PT_NOTE: NT_PRSTATUS (one per thread: tid and general registers),
 *   NT_FILE (mapped files with their file offsets), NT_AUXV.
 * - Random access: uncompressed cores are read slice by slice through the
 *   `ByteSource` with a small block cache (never whole). gzip cores through
 *   restart points found in one pass (`io/gzip-index.ts`: the spans a read
 *   touches are inflated again, into a bounded cache; zero pages never are);
 *   bzip2 cores likewise through their blocks (`io/bzip2-index.ts`), within
 *   `CORE_DECODE_BUDGET` of decoded bytes.
 * - Missing bytes, as chap treats them: a segment whose bytes lie (partly)
 *   beyond the end of a truncated core keeps the part that is present, and the
 *   rest is reported once as a warning; bytes in [filesz, memsz) of a segment
 *   (regions the dumper skipped, e.g. read-only file mappings) are not in the
 *   core. Reads touching either return null, never invented zeros.
 * - Hostile headers: at most `MAX_PROGRAM_HEADERS` program headers (more is an
 *   InputError) and `MAX_NOTES_BYTES` of notes over all PT_NOTEs (the rest is
 *   skipped with a warning); overlapping segments are made disjoint once at
 *   load (`placeSegments`), so every address has one segment and readable-run
 *   ends are a lookup; segments that cannot be addressed exactly (beyond 2^53)
 *   are skipped with a warning naming them.
 */
import { InputError, type InputWarning } from '../../io/errors.ts';
import { checkCancel, compressionOf, type Compression, type ReadControl } from '../../io/stream.ts';
import type { ByteSource } from '../../io/source.ts';
import { CORE_DECODE_BUDGET, type DecodeBudget } from '../../io/budget.ts';
import { Bzip2Index, Bzip2Source } from '../../io/bzip2-index.ts';
import { GzipIndex, GzipSource } from '../../io/gzip-index.ts';
import type { MappedFile, ProcessMemory, Segment, ThreadInfo } from './memory.ts';
import { findSorted } from '../../../../src/model/sorted.ts';
import { u32, u64, word as leWord } from '../../io/le.ts';
import { buildIdFromNotes, elfHeadersAt, fieldAt, parseElfHeader, parseNotes, parseProgramHeaders, PHDR_SIZE, PT_LOAD, PT_NOTE, readField, SHDR, SHDR_SIZE, type ElfHeader } from './elf.ts';

export const EM_386 = 3;
export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;
const NT_PRSTATUS = 1;
const NT_AUXV = 6;
const NT_FILE = 0x46494c45;
/** Budget of note bytes read, over all PT_NOTE segments together (a real core's notes are a few MiB at most). */
export const MAX_NOTES_BYTES = 64 << 20;
/** Most program headers read (Linux's default vm.max_map_count is 65,530; a core has one per mapping plus a note). */
export const MAX_PROGRAM_HEADERS = 1 << 20;
/** Program headers decoded per slice (the cancel flag is checked between slices). */
const PH_SLICE = 4096;

/** Register names in `elf_prstatus.pr_reg` order, per machine. */
const REGISTERS: Record<number, string[]> = {
  [EM_X86_64]: [
    'r15', 'r14', 'r13', 'r12', 'rbp', 'rbx', 'r11', 'r10', 'r9', 'r8', 'rax', 'rcx', 'rdx', 'rsi', 'rdi',
    'orig_rax', 'rip', 'cs', 'eflags', 'rsp', 'ss', 'fs_base', 'gs_base', 'ds', 'es', 'fs', 'gs',
  ],
  [EM_386]: ['ebx', 'ecx', 'edx', 'esi', 'edi', 'ebp', 'eax', 'ds', 'es', 'fs', 'gs', 'orig_eax', 'eip', 'cs', 'eflags', 'esp', 'ss'],
  [EM_AARCH64]: [...Array.from({ length: 31 }, (_, i) => `x${i}`), 'sp', 'pc', 'pstate'],
};
const ARCH: Record<number, string> = { [EM_X86_64]: 'x86-64', [EM_386]: 'i386', [EM_AARCH64]: 'aarch64' };

/** An opened core: process memory plus what the notes say. */
export interface CoreFile extends ProcessMemory {
  /** Name of the input the core came from. */
  readonly name: string;
  /** ELF e_machine (62 x86-64, 3 i386, 183 aarch64). */
  readonly machine: number;
  readonly compression: Compression;
  /** Size of the (decoded) core image in bytes. */
  readonly imageSize: number;
  /** Problems that did not stop reading (truncation, skipped segments). */
  readonly warnings: InputWarning[];
  /** Bytes of the decoded core held in memory (a compressed core's index and cache; a plain one's kept file, `ByteSource.keep`). */
  readonly residentBytes: number;
  /**
   * End of the run of readable bytes that starts at `addr` (crossing adjacent
   * segments), or `addr` itself when `addr` is not readable.
   */
  readableEnd(addr: number): number;
  /**
   * Sets (or clears, with null) a function given the bytes of every read of at least 64 KiB as it completes (before
   * the reader can reuse its buffer): what reads windows of memory anyway (the heap walk) lets another pass look at
   * them (`aggregate/module-words.ts`).
   */
  watch(fn: ((addr: number, bytes: Uint8Array) => void) | null): void;
  /** True while a function watches the reads (`watch`): a reader then reads nothing ahead it may not use. */
  readonly watched?: boolean;
  /** The segment holding `addr`, if any. */
  segmentAt(addr: number): Segment | undefined;
  /** GNU build-id (hex) of the ELF file mapped at `start`, read from its headers in the core, when present. */
  buildIdAt(start: number): Promise<string | null>;
  close(): Promise<void>;
}

/** Decoding of little-endian words of the core's width. */
interface Layout {
  is64: boolean;
  word: number;
}

/** A word of the core's width (`../../io/le.ts`; 64-bit values are exact below 2^53: callers check `> MAX_SAFE_INTEGER`). */
function word(l: Layout, b: Uint8Array, o: number): number {
  return leWord(b, o, l.is64);
}
/** Hex digits of the exact 64-bit (or 32-bit) LE word at `o` (for messages about values beyond 2^53). */
function hex64(b: Uint8Array, o: number, is64: boolean): string {
  return is64 ? ((BigInt(u32(b, o + 4)) << 32n) | BigInt(u32(b, o))).toString(16) : u32(b, o).toString(16);
}

/** Reads of at least this many bytes are shown to the watcher (`CoreFile.watch`): windows, not words. */
const WATCHED = 64 << 10;

/** LRU cache of fixed-size blocks of a source; reads of a block or more go straight to the source. */
class BlockCache {
  private readonly blocks = new Map<number, Uint8Array>();
  constructor(
    private readonly src: ByteSource,
    private readonly blockSize = 64 << 10,
    private readonly maxBlocks = 32,
  ) {}

  private async block(index: number): Promise<Uint8Array> {
    const hit = this.blocks.get(index);
    if (hit) {
      this.blocks.delete(index);
      this.blocks.set(index, hit);
      return hit;
    }
    const data = await this.src.read(index * this.blockSize, this.blockSize);
    this.blocks.set(index, data);
    if (this.blocks.size > this.maxBlocks) this.blocks.delete(this.blocks.keys().next().value as number);
    return data;
  }

  /** `dst.length` bytes at `offset` into `dst`; returns how many (fewer only at the end of the source). */
  async readInto(offset: number, dst: Uint8Array): Promise<number> {
    if (dst.length >= this.blockSize && this.src.readInto) return this.src.readInto(offset, dst);
    const data = await this.read(offset, dst.length);
    dst.set(data);
    return data.length;
  }

  /** `length` bytes at `offset` (shorter only at the end of the source). */
  async read(offset: number, length: number): Promise<Uint8Array> {
    if (length >= this.blockSize) return this.src.read(offset, length);
    const first = Math.floor(offset / this.blockSize);
    const last = Math.floor((offset + length - 1) / this.blockSize);
    const b0 = await this.block(first);
    const in0 = offset - first * this.blockSize;
    if (first === last) return b0.subarray(in0, Math.min(b0.length, in0 + length));
    const out = new Uint8Array(length);
    let got = 0;
    for (let i = first; i <= last && got < length; i++) {
      const b = i === first ? b0 : await this.block(i);
      const from = i === first ? in0 : 0;
      const take = Math.min(b.length - from, length - got);
      if (take <= 0) break;
      out.set(b.subarray(from, from + take), got);
      got += take;
      if (b.length < this.blockSize) break;
    }
    return got === length ? out : out.subarray(0, got);
  }
}

class Core implements CoreFile {
  arch = 'unknown';
  pointerSize = 8;
  machine = 0;
  segments: Segment[] = [];
  files: MappedFile[] = [];
  threads: ThreadInfo[] = [];
  auxv = new Map<number, number>();
  warnings: InputWarning[] = [];
  /** Bytes of the decoded core held: a compressed core's index and cache, a plain core's kept bytes (`ByteSource.keep`). */
  get residentBytes(): number {
    return this.image.residentBytes ?? 0;
  }
  /** Readable end (vaddr + bytes present) per segment, parallel to `segments`. */
  private present: number[] = [];
  /** End of the readable run that starts in segment i (through adjacent fully present segments), parallel to `segments`. */
  private runEnd: number[] = [];
  private readonly cache: BlockCache;

  constructor(
    readonly name: string,
    private readonly image: ByteSource & { residentBytes?: number },
    readonly compression: Compression,
    private readonly closeSource: () => Promise<void>,
  ) {
    this.cache = new BlockCache(image);
  }

  get imageSize(): number {
    return this.image.size;
  }

  get readWindow(): number | undefined {
    return this.image.windowHint;
  }

  private warn(message: string): void {
    this.warnings.push({ file: this.name, message });
  }

  /**
   * Reads the ELF header, the program headers and the notes. With `reportRead` (a plain core, whose read stage is
   * these headers: the heap walk reads the rest), their bytes are the read stage's progress: once the program headers
   * say how many bytes of notes follow, done of that total, and each notes segment as it is read.
   */
  async load(ctl?: ReadControl, reportRead = false): Promise<void> {
    const src = this.image;
    if (src.size === 0) throw new InputError(this.name, 'the core is empty');
    const h = await src.read(0, 64);
    if (h.length < 52 || h[0] !== 0x7f || h[1] !== 0x45 || h[2] !== 0x4c || h[3] !== 0x46) {
      throw new InputError(this.name, 'not an ELF file (no \\x7fELF magic)');
    }
    if (h[4] !== 1 && h[4] !== 2) throw new InputError(this.name, `unknown ELF class ${h[4]}`);
    if (h[5] !== 1) throw new InputError(this.name, 'big-endian ELF cores are not supported (only little-endian x86-64, i386, aarch64)');
    const l: Layout = { is64: h[4] === 2, word: h[4] === 2 ? 8 : 4 };
    if (l.is64 && h.length < 64) throw new InputError(this.name, 'the ELF header is truncated');
    const eh = parseElfHeader(h) as ElfHeader; // the checks above are the ones it makes, with a core's messages
    const type = eh.type;
    if (type !== 4) throw new InputError(this.name, `not a core dump (ELF type ${type}, a core is 4)`);
    this.machine = eh.machine;
    this.arch = ARCH[this.machine] ?? `machine ${this.machine}`;
    if (!ARCH[this.machine]) this.warn(`unsupported ELF machine ${this.machine}; registers are not decoded`);
    this.pointerSize = l.word;
    const { phoff, shoff, phentsize } = eh;
    let phnum = eh.phnum;
    const minEnt = PHDR_SIZE[l.is64 ? 64 : 32];
    if (phnum === 0xffff && shoff > 0 && shoff < src.size) {
      // PN_XNUM: the real count is in sh_info of section header 0.
      const sh = await src.read(shoff, SHDR_SIZE[l.is64 ? 64 : 32]);
      const [at, width] = fieldAt(SHDR.sh_info, l.is64);
      if (sh.length >= at + width) phnum = readField(sh, 0, SHDR.sh_info, l.is64);
    }
    if (phnum === 0) throw new InputError(this.name, 'the core has no program headers');
    if (phentsize < minEnt) throw new InputError(this.name, `program header entries are ${phentsize} bytes, expected at least ${minEnt}`);
    if (phnum > MAX_PROGRAM_HEADERS) {
      throw new InputError(
        this.name,
        `the core declares ${phnum.toLocaleString('en-US')} program headers; at most ${MAX_PROGRAM_HEADERS.toLocaleString('en-US')} are read`,
      );
    }
    if (phoff + phnum * phentsize > src.size) {
      throw new InputError(this.name, `the program headers (${phnum} at offset ${phoff}) lie beyond the end of the file: it is truncated`);
    }
    const notes: { offset: number; size: number }[] = [];
    /** Segments in file order, with the bytes present in the file. */
    const loads: { seg: Segment; have: number }[] = [];
    let missing = 0;
    let partial = 0;
    const unaddressable: string[] = [];
    let unaddressableCount = 0;
    for (let first = 0; first < phnum; first += PH_SLICE) {
      checkCancel(src, ctl);
      const count = Math.min(PH_SLICE, phnum - first);
      const ph = await src.read(phoff + first * phentsize, count * phentsize);
      const phs = parseProgramHeaders({ is64: l.is64, phnum: count, phentsize }, ph);
      for (let k = 0; k < phs.length; k++) {
        const o = k * phentsize;
        const { type: ptype, offset, vaddr, memsz, flags } = phs[k];
        let filesz = phs[k].filesz;
        if (ptype === PT_NOTE) {
          notes.push({ offset, size: filesz });
        } else if (ptype === PT_LOAD) {
          if (filesz > memsz) filesz = memsz;
          if (memsz === 0) continue;
          if (vaddr + memsz > Number.MAX_SAFE_INTEGER || offset + filesz > Number.MAX_SAFE_INTEGER) {
            // Addresses and offsets are JS numbers, exact below 2^53. The x86-64 vsyscall page
            // (0xffffffffff600000, one page, in the kernel half) is in every x86-64 core and is skipped silently;
            // anything else is reported with the reason.
            if (!(vaddr >= 2 ** 63 && memsz <= 1 << 20)) {
              unaddressableCount++;
              if (unaddressable.length < 3) {
                const field = (at64: number, at32: number): string => `0x${hex64(ph, o + (l.is64 ? at64 : at32), l.is64)}`;
                unaddressable.push(`at ${field(16, 8)}: memsz ${field(40, 20)}, file offset ${field(8, 4)}`);
              }
            }
            continue;
          }
          const have = Math.max(0, Math.min(filesz, src.size - offset));
          if (have < filesz) {
            if (have === 0) missing++;
            else partial++;
          }
          loads.push({ seg: { vaddr, memsz, filesz, fileOffset: offset, flags }, have });
        }
      }
    }
    if (unaddressableCount) {
      this.warn(
        `${unaddressableCount} PT_LOAD segment(s) skipped: they end beyond 2^53 in address or file offset, which cannot be addressed exactly ` +
          `(${unaddressable.join(', ')}${unaddressableCount > unaddressable.length ? ', …' : ''})`,
      );
    }
    if (missing || partial) {
      this.warn(
        `the core is truncated: ${missing} segment(s) have none of their bytes in the file and ${partial} only part of them; ` +
          'what is present is used, the rest reads as missing',
      );
    }
    this.placeSegments(loads);
    const budget = { left: MAX_NOTES_BYTES, claimed: 0 };
    // What the read stage reads: the ELF header, the program headers, then the notes within their budget and the file.
    let headerBytes = h.length + phnum * phentsize + (eh.phnum === 0xffff && shoff > 0 && shoff < src.size ? SHDR_SIZE[l.is64 ? 64 : 32] : 0);
    let total = headerBytes;
    for (let k = 0, left = MAX_NOTES_BYTES; k < notes.length && left > 0; k++) {
      const take = Math.min(notes[k].size, left, Math.max(0, src.size - notes[k].offset));
      total += take;
      left -= Math.min(notes[k].size, left);
    }
    const report = (): void => {
      if (reportRead) ctl?.onProgress?.({ file: this.name, bytesRead: headerBytes, totalBytes: total, stage: 'read', unit: 'bytes' });
    };
    report();
    for (const n of notes) {
      checkCancel(src, ctl);
      budget.claimed += n.size;
      if (budget.left > 0) {
        const before = budget.left;
        await this.readNotes(l, n.offset, n.size, budget);
        headerBytes += Math.min(before - budget.left, Math.max(0, src.size - n.offset));
        report();
      }
    }
    if (budget.claimed > MAX_NOTES_BYTES) {
      this.warn(
        `the ${notes.length.toLocaleString('en-US')} PT_NOTE segment(s) claim ${budget.claimed.toLocaleString('en-US')} bytes; ` +
          `only the first ${MAX_NOTES_BYTES.toLocaleString('en-US')} bytes of notes are read`,
      );
    }
  }

  /**
   * Sorts the segments by address and makes them disjoint, so that every address has one segment: where
   * segments overlap, the one that starts first wins (at the same address, the one with more bytes present in
   * the file, then the first in the file); the later one keeps only its part beyond, or is dropped. Then the
   * readable run ends are computed once, backwards, so `readableEnd` is a lookup.
   */
  private placeSegments(loads: { seg: Segment; have: number }[]): void {
    const order = loads.map((_, i) => i);
    order.sort((a, b) => loads[a].seg.vaddr - loads[b].seg.vaddr || loads[b].have - loads[a].have || a - b);
    let overlaps = 0;
    let firstOverlap = '';
    let end = -1;
    for (const i of order) {
      let { seg } = loads[i];
      let present = seg.vaddr + loads[i].have;
      if (seg.vaddr < end) {
        overlaps++;
        if (!firstOverlap) firstOverlap = `0x${seg.vaddr.toString(16)}`;
        const cut = end - seg.vaddr;
        if (cut >= seg.memsz) continue;
        seg = { vaddr: end, memsz: seg.memsz - cut, filesz: Math.max(0, seg.filesz - cut), fileOffset: seg.fileOffset + cut, flags: seg.flags };
        present = Math.max(present, end);
      }
      this.segments.push(seg);
      this.present.push(present);
      end = seg.vaddr + seg.memsz;
    }
    if (overlaps) {
      this.warn(
        `${overlaps.toLocaleString('en-US')} segment(s) overlap others (the first at ${firstOverlap}); ` +
          'where segments overlap, the one that starts first (or has its bytes in the file) wins',
      );
    }
    const n = this.segments.length;
    this.runEnd = new Array<number>(n);
    for (let i = n - 1; i >= 0; i--) {
      const s = this.segments[i];
      const full = this.present[i] === s.vaddr + s.memsz;
      this.runEnd[i] = full && i + 1 < n && this.segments[i + 1].vaddr === this.present[i] ? this.runEnd[i + 1] : this.present[i];
    }
  }

  /** Reads the notes of one PT_NOTE segment, within what is left of the notes budget (`budget.left`, bytes). */
  private async readNotes(l: Layout, offset: number, size: number, budget: { left: number }): Promise<void> {
    size = Math.min(size, budget.left);
    budget.left -= size;
    const b = await this.image.read(offset, size);
    if (b.length < size) this.warn('the notes segment is cut short by the end of the file');
    const { notes, cut } = parseNotes(b);
    for (const { name, type, desc } of notes) {
      if (name === 'CORE' && type === NT_PRSTATUS) this.prstatus(l, desc);
      else if (name === 'CORE' && type === NT_FILE) this.ntFile(l, desc);
      else if (type === NT_AUXV && (name === 'CORE' || name === 'LINUX')) {
        for (let i = 0; i + 2 * l.word <= desc.length; i += 2 * l.word) {
          const key = word(l, desc, i);
          if (key === 0) break;
          this.auxv.set(key, word(l, desc, i + l.word));
        }
      }
    }
    if (cut >= 0) this.warn(`a note at offset ${offset + cut} runs past the end of its segment; the remaining notes are ignored`);
  }

  private prstatus(l: Layout, d: Uint8Array): void {
    const pidAt = l.is64 ? 32 : 24;
    const regAt = l.is64 ? 112 : 72;
    if (d.length < regAt) {
      this.warn('an NT_PRSTATUS note is too short; that thread is skipped');
      return;
    }
    const tid = u32(d, pidAt);
    const registers: Record<string, number> = {};
    const names = REGISTERS[this.machine] ?? [];
    for (let i = 0; i < names.length; i++) {
      const at = regAt + i * l.word;
      if (at + l.word > d.length) break;
      const v = word(l, d, at);
      if (v <= Number.MAX_SAFE_INTEGER) registers[names[i]] = v;
    }
    this.threads.push({ tid, registers });
  }

  private ntFile(l: Layout, d: Uint8Array): void {
    if (d.length < 2 * l.word) return;
    const count = word(l, d, 0);
    const pageSize = word(l, d, l.word);
    const tableEnd = 2 * l.word + count * 3 * l.word;
    if (count > d.length || tableEnd > d.length) {
      this.warn('the NT_FILE note is malformed (its count does not fit); mapped files are not listed');
      return;
    }
    let s = tableEnd;
    const dec = new TextDecoder();
    for (let i = 0; i < count; i++) {
      const at = 2 * l.word + i * 3 * l.word;
      let e = s;
      while (e < d.length && d[e] !== 0) e++;
      const path = dec.decode(d.subarray(s, e));
      s = e + 1;
      const start = word(l, d, at);
      const end = word(l, d, at + l.word);
      const fileOffset = word(l, d, at + 2 * l.word) * pageSize;
      if (end > Number.MAX_SAFE_INTEGER || start > end || !Number.isSafeInteger(fileOffset)) continue;
      this.files.push({ start, end, fileOffset, path });
    }
  }

  private index(addr: number): number {
    const segs = this.segments;
    return findSorted(segs.length, (i) => (addr < segs[i].vaddr ? 1 : addr >= segs[i].vaddr + segs[i].memsz ? -1 : 0));
  }

  segmentAt(addr: number): Segment | undefined {
    const i = this.index(addr);
    return i < 0 ? undefined : this.segments[i];
  }

  readableEnd(addr: number): number {
    const i = this.index(addr);
    if (i < 0 || addr >= this.present[i]) return addr;
    return this.runEnd[i];
  }

  private watcher: ((addr: number, bytes: Uint8Array) => void) | null = null;

  watch(fn: ((addr: number, bytes: Uint8Array) => void) | null): void {
    this.watcher = fn;
  }

  get watched(): boolean {
    return this.watcher !== null;
  }

  async read(addr: number, length: number): Promise<Uint8Array | null> {
    const b = await this.readBytes(addr, length);
    if (b && this.watcher && length >= WATCHED) this.watcher(addr, b);
    return b;
  }

  private async readBytes(addr: number, length: number): Promise<Uint8Array | null> {
    if (length <= 0) return new Uint8Array(0);
    const i = this.index(addr);
    if (i < 0) return null;
    const s = this.segments[i];
    if (addr + length <= this.present[i]) {
      const data = await this.cache.read(s.fileOffset + (addr - s.vaddr), length);
      return data.length === length ? data : null;
    }
    if (this.readableEnd(addr) < addr + length) return null;
    // Spans adjacent segments.
    const out = new Uint8Array(length);
    let got = 0;
    while (got < length) {
      const j = this.index(addr + got);
      const take = j < 0 ? 0 : Math.min(length - got, this.present[j] - (addr + got));
      if (take <= 0) return null;
      const part = await this.readBytes(addr + got, take);
      if (!part) return null;
      out.set(part, got);
      got += take;
    }
    return out;
  }

  async readInto(addr: number, dst: Uint8Array): Promise<Uint8Array | null> {
    const b = await this.readBytesInto(addr, dst);
    if (b && this.watcher && dst.length >= WATCHED) this.watcher(addr, b);
    return b;
  }

  private async readBytesInto(addr: number, dst: Uint8Array): Promise<Uint8Array | null> {
    const length = dst.length;
    if (length === 0) return dst;
    const i = this.index(addr);
    if (i < 0) return null;
    const s = this.segments[i];
    if (addr + length <= this.present[i]) {
      const got = await this.cache.readInto(s.fileOffset + (addr - s.vaddr), dst);
      return got === length ? dst : null;
    }
    if (this.readableEnd(addr) < addr + length) return null;
    // Spans adjacent segments: each part read into its place in `dst` (no buffer of its own).
    let got = 0;
    while (got < length) {
      const j = this.index(addr + got);
      const take = j < 0 ? 0 : Math.min(length - got, this.present[j] - (addr + got));
      if (take <= 0) return null;
      const part = await this.readBytesInto(addr + got, dst.subarray(got, got + take));
      if (!part) return null;
      got += take;
    }
    return dst;
  }

  async readWord(addr: number): Promise<number | null> {
    const b = await this.read(addr, this.pointerSize);
    if (!b) return null;
    return this.pointerSize === 8 ? u64(b, 0) : u32(b, 0);
  }

  async buildIdAt(start: number): Promise<string | null> {
    const at = await elfHeadersAt(this, start);
    if (!at) return null;
    // The ELF's own first PT_LOAD (offset 0) tells where its vaddr 0 lies.
    let bias = start;
    const first = at.phs.find((p) => p.type === PT_LOAD);
    if (first && first.offset === 0) bias = start - first.vaddr;
    for (const p of at.phs) {
      if (p.type !== PT_NOTE) continue;
      const n = await this.read(bias + p.vaddr, Math.min(p.filesz, 4096));
      if (!n) continue;
      const id = buildIdFromNotes(n);
      if (id) return id;
    }
    return null;
  }

  close(): Promise<void> {
    return this.closeSource();
  }
}

/**
 * Refuses, from its first decoded bytes, a compressed input that is no ELF file, before decoding the rest (a
 * decompression bomb of zeros stops here at once).
 */
function elfHead(name: string): (head: Uint8Array) => void {
  return (h) => {
    if (h.length < 4 || h[0] !== 0x7f || h[1] !== 0x45 || h[2] !== 0x4c || h[3] !== 0x46) throw new InputError(name, 'not an ELF file (no \\x7fELF magic)');
  };
}

/**
 * Opens a core (plain, gzip or bzip2). Plain cores are read lazily through `src`. Compressed ones are never decoded
 * whole: one pass indexes restart points (gzip: deflate blocks with their 32 KiB windows, `io/gzip-index.ts`; bzip2:
 * its blocks, `io/bzip2-index.ts`) and which pages are all zero, and reads decode the spans or blocks they touch into
 * a bounded cache. What a compressed core may decode to is bounded by `CORE_DECODE_BUDGET` (past it: an InputError
 * naming the file and the limit). Progress and cancellation through `ctl`. Throws `InputError` naming the file when
 * it is not a usable core; recoverable problems are in `warnings`. `close()` drops the cache (it does not close `src`).
 */
export async function openCore(src: ByteSource, ctl?: ReadControl, budget: DecodeBudget = CORE_DECODE_BUDGET): Promise<CoreFile> {
  if (src.size === 0) throw new InputError(src.name, 'the core is empty');
  const compression = compressionOf(await src.read(0, 4));
  let image: ByteSource & { residentBytes?: number } = src;
  let problem: string | null = null;
  if (compression === 'gzip') {
    let head = new Uint8Array(0);
    const check = elfHead(src.name);
    const index = await GzipIndex.build(src, ctl, {
      budget,
      onData: (chunk) => {
        if (head.length >= 4) return;
        const h = new Uint8Array(Math.min(4, head.length + chunk.length));
        h.set(head);
        h.set(chunk.subarray(0, h.length - head.length), head.length);
        head = h;
        if (head.length >= 4) check(head);
      },
    });
    if (head.length < 4) check(head);
    image = new GzipSource(src.name, src, index);
    problem = index.problem && `${index.problem}; the ${index.size.toLocaleString('en-US')} bytes decoded before that are used`;
  } else if (compression === 'bzip2') {
    const index = await Bzip2Index.build(src, ctl, { budget, onStart: elfHead(src.name) });
    image = new Bzip2Source(src.name, src, index);
    problem = index.problem && `${index.problem}; the ${index.size.toLocaleString('en-US')} bytes decoded before that are used`;
  }
  // A plain core is read again by every later pass (attribution, leak graph, inspector): a source that is slow per
  // read keeps it in memory when it may (a dropped File within the worker's allowance; Node's file reads are cheap).
  if (compression === 'none') src.keep?.();
  const core = new Core(src.name, image, compression, async () => {});
  // A plain core's read stage is its headers (reported as they are read); a compressed one's, the pass that indexed it.
  await core.load(ctl, compression === 'none');
  if (problem) core.warnings.unshift({ file: src.name, message: problem });
  return core;
}
