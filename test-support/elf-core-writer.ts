/**
 * A minimal ELF core writer for tests: little-endian ELF64 or ELF32, one
 * PT_LOAD per segment (flags R/W by default), optional NT_PRSTATUS notes with
 * a stack pointer per thread, optional NT_FILE entries. Enough for the
 * readers and heap walks to treat it as a process image.
 */

export interface CoreSegment {
  vaddr: number;
  bytes: Uint8Array;
  /** PF_R 4 | PF_W 2 | PF_X 1; 6 by default. */
  flags?: number;
}

export interface CoreSpec {
  bits: 32 | 64;
  /** e_machine: 62 x86-64, 3 i386, 183 aarch64. */
  machine: number;
  segments: CoreSegment[];
  /** Mapped files (NT_FILE): start, end, path. */
  files?: { start: number; end: number; path: string }[];
}

const align4 = (n: number): number => (n + 3) & ~3;

function note(name: string, type: number, desc: Uint8Array): Uint8Array {
  const nb = new TextEncoder().encode(name + '\0');
  const out = new Uint8Array(12 + align4(nb.length) + align4(desc.length));
  const v = new DataView(out.buffer);
  v.setUint32(0, nb.length, true);
  v.setUint32(4, desc.length, true);
  v.setUint32(8, type, true);
  out.set(nb, 12);
  out.set(desc, 12 + align4(nb.length));
  return out;
}

export function writeCore(spec: CoreSpec): Uint8Array {
  const is64 = spec.bits === 64;
  const w = is64 ? 8 : 4;
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const notes: Uint8Array[] = [];
  if (spec.files?.length) {
    const strs = spec.files.map((f) => new TextEncoder().encode(f.path + '\0'));
    const desc = new Uint8Array(2 * w + spec.files.length * 3 * w + strs.reduce((n, s) => n + s.length, 0));
    const v = new DataView(desc.buffer);
    const put = (o: number, x: number): void => (is64 ? v.setBigUint64(o, BigInt(x), true) : v.setUint32(o, x, true));
    put(0, spec.files.length);
    put(w, 4096);
    spec.files.forEach((f, i) => {
      put(2 * w + i * 3 * w, f.start);
      put(2 * w + i * 3 * w + w, f.end);
      put(2 * w + i * 3 * w + 2 * w, 0);
    });
    let o = 2 * w + spec.files.length * 3 * w;
    for (const s of strs) {
      desc.set(s, o);
      o += s.length;
    }
    notes.push(note('CORE', 0x46494c45, desc));
  }
  const noteBytes = notes.reduce((n, x) => n + x.length, 0);
  const phnum = spec.segments.length + (noteBytes ? 1 : 0);
  let off = ehsize + phnum * phentsize;
  const noteOff = off;
  off += noteBytes;
  const segOff = spec.segments.map((s) => {
    const o = off;
    off += s.bytes.length;
    return o;
  });
  const out = new Uint8Array(off);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, 1, 1]);
  v.setUint16(16, 4, true);
  v.setUint16(18, spec.machine, true);
  v.setUint32(20, 1, true);
  if (is64) {
    v.setBigUint64(32, BigInt(ehsize), true);
    v.setUint16(52, ehsize, true);
    v.setUint16(54, phentsize, true);
    v.setUint16(56, phnum, true);
  } else {
    v.setUint32(28, ehsize, true);
    v.setUint16(40, ehsize, true);
    v.setUint16(42, phentsize, true);
    v.setUint16(44, phnum, true);
  }
  const ph = (i: number, type: number, flags: number, offset: number, vaddr: number, size: number): void => {
    const o = ehsize + i * phentsize;
    v.setUint32(o, type, true);
    if (is64) {
      v.setUint32(o + 4, flags, true);
      v.setBigUint64(o + 8, BigInt(offset), true);
      v.setBigUint64(o + 16, BigInt(vaddr), true);
      v.setBigUint64(o + 32, BigInt(size), true);
      v.setBigUint64(o + 40, BigInt(size), true);
    } else {
      v.setUint32(o + 4, offset, true);
      v.setUint32(o + 8, vaddr, true);
      v.setUint32(o + 16, size, true);
      v.setUint32(o + 20, size, true);
      v.setUint32(o + 24, flags, true);
    }
  };
  let i = 0;
  if (noteBytes) {
    ph(i++, 4, 4, noteOff, 0, noteBytes);
    let o = noteOff;
    for (const n of notes) {
      out.set(n, o);
      o += n.length;
    }
  }
  spec.segments.forEach((s, k) => {
    ph(i++, 1, s.flags ?? 6, segOff[k], s.vaddr, s.bytes.length);
    out.set(s.bytes, segOff[k]);
  });
  return out;
}

/**
 * The header of an ELF64 x86-64 core whose one PT_LOAD (R/W) of `filesz` bytes at `vaddr` starts at file offset
 * `dataAt` (the header's length: a page by default, at least the 120 bytes of ELF and program header): for inputs
 * whose segment bytes are written (or compressed) apart from the header, such as the decompression-bomb cores of
 * the tests, the benchmark and the fuzz seeds, and the one-segment cores of the heap-walk tests.
 */
export function oneLoadCoreHeader(filesz: number, vaddr = 0x10000000, dataAt = 4096): Uint8Array {
  if (dataAt < 64 + 56) throw new Error(`an ELF64 header and one program header take 120 bytes, not ${dataAt}`);
  return elf64Core([{ type: 1, offset: dataAt, vaddr, filesz }], dataAt - (64 + 56)).bytes;
}

/** A program header of `elf64Core`: flags 6 (rw-) unless given, p_memsz = p_filesz unless given. */
export interface ProgramHeaderSpec {
  type: number;
  offset: bigint | number;
  vaddr?: bigint | number;
  filesz: bigint | number;
  memsz?: bigint | number;
  flags?: number;
}

/**
 * An ELF64 x86-64 core: its file header, the program headers `phs` right after it (e_phnum says at most 0xffff),
 * then `payloadSize` bytes (zeros, or what `fill` writes from `payloadAt`).
 */
export function elf64Core(phs: readonly ProgramHeaderSpec[], payloadSize: number, fill?: (out: Uint8Array, payloadAt: number) => void): { bytes: Uint8Array; payloadAt: number } {
  const phoff = 64;
  const payloadAt = phoff + phs.length * 56;
  const out = new Uint8Array(payloadAt + payloadSize);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  v.setUint16(16, 4, true);
  v.setUint16(18, 62, true);
  v.setBigUint64(32, BigInt(phoff), true);
  v.setUint16(54, 56, true);
  v.setUint16(56, Math.min(phs.length, 0xffff), true);
  phs.forEach((p, i) => {
    const o = phoff + i * 56;
    v.setUint32(o, p.type, true);
    v.setUint32(o + 4, p.flags ?? 6, true);
    v.setBigUint64(o + 8, BigInt(p.offset), true);
    v.setBigUint64(o + 16, BigInt(p.vaddr ?? 0), true);
    v.setBigUint64(o + 32, BigInt(p.filesz), true);
    v.setBigUint64(o + 40, BigInt(p.memsz ?? p.filesz), true);
  });
  fill?.(out, payloadAt);
  return { bytes: out, payloadAt };
}

/** The parts one after another in one array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * A minimal ELF64 x86-64 core: a notes segment with one NT_PRSTATUS (tid 77, rip `opts.rip`, 0x401000 by default),
 * then one PT_LOAD of `data` at `vaddr` whose p_filesz is `data.length + opts.fileszExtra` (a core cut short when
 * positive). For the ELF core reader's tests and the fuzz seed of the `core` target.
 */
export function tinyCore(data: Uint8Array, vaddr: number, opts: { fileszExtra?: number; rip?: number } = {}): Uint8Array {
  const ph = 64;
  const notesAt = ph + 2 * 56;
  // NT_PRSTATUS note, "CORE", desc of 112 + 27*8 bytes: tid at 32, rip the 17th register.
  const desc = new Uint8Array(112 + 27 * 8);
  new DataView(desc.buffer).setUint32(32, 77, true);
  new DataView(desc.buffer).setBigUint64(112 + 16 * 8, BigInt(opts.rip ?? 0x401000), true);
  const note = new Uint8Array(12 + 8 + desc.length);
  const nv = new DataView(note.buffer);
  nv.setUint32(0, 5, true);
  nv.setUint32(4, desc.length, true);
  nv.setUint32(8, 1, true);
  note.set([0x43, 0x4f, 0x52, 0x45, 0], 12);
  note.set(desc, 20);
  const dataAt = notesAt + note.length;
  const filesz = data.length + (opts.fileszExtra ?? 0);
  const phs = [
    { type: 4, flags: 0, offset: notesAt, filesz: note.length, memsz: 0 },
    { type: 1, offset: dataAt, vaddr, filesz },
  ];
  return elf64Core(phs, note.length + data.length, (out) => {
    out.set(note, notesAt);
    out.set(data, dataAt);
  }).bytes;
}
