/**
 * Mutations of real inputs. A case is a seed plus a short list of mutations;
 * each mutation is a plain description (positions as fractions of the input's
 * length) applied by `applyMutation`, so a case can be rebuilt from its JSON,
 * and minimised by dropping mutations one at a time.
 *
 * Generic mutations: bit flips, byte overwrites, integers written at aligned
 * offsets, truncation, chunk duplication and deletion, random insertions.
 * Format-aware ones aim at what readers trust: ELF header and program/section
 * header fields, note headers, extra program headers (empty PT_LOADs over a
 * present segment, floods of PT_NOTEs or PT_LOADs); text lines and the numbers
 * in them; pickle opcode arguments (lengths, memo indices) and floods of
 * opcodes; saved-analysis header fields.
 */
import { deflate, deltaDecode, deltaEncode, inflateInto, shuffle, unshuffle } from '../workers/logic/saved/codec.ts';
import { EHDR, fieldAt, PHDR, PHDR_SIZE, PT_NOTE, readField, SHDR, type ElfField, type ElfHeader } from '../workers/logic/formats/elf/elf.ts';
import type { Rng } from './rng.ts';

export type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; value: number; n: number }
  | { op: 'int'; at: number; width: 1 | 2 | 4 | 8; value: string }
  | { op: 'truncate'; at: number }
  | { op: 'dup'; from: number; len: number; to: number; times: number }
  | { op: 'del'; from: number; len: number }
  | { op: 'insert'; at: number; bytes: number[] }
  | { op: 'elf-field'; table: 'ehdr' | 'phdr' | 'shdr'; index: number; field: string; value: string }
  | { op: 'elf-extra-phdrs'; kind: 'empty-load-over' | 'notes' | 'loads'; count: number; index: number }
  | { op: 'elf-note'; index: number; field: 'namesz' | 'descsz' | 'type'; value: string }
  | { op: 'line'; kind: 'number' | 'dup' | 'del' | 'long' | 'junk'; line: number; arg: string; times: number }
  | { op: 'pickle'; kind: 'arg' | 'flood' | 'bad-utf8'; index: number; value: string; times: number }
  | { op: 'saved-header'; path: number; value: string }
  | { op: 'saved-column'; column: number; at: number; value: string }
  | { op: 'glibc-fake-tcache'; fileOffset: number; vaddr: number; count: number }
  | { op: 'glibc-self-loops'; chunks: [number, number][] }
  | { op: 'word'; fileOffset: number; width: 4 | 8; value: string };

export type SeedKind = 'binary' | 'elf' | 'heap' | 'obmalloc' | 'text' | 'pickle' | 'saved';

/**
 * A used chunk of a core's glibc heap, or (kind 'obmalloc') a structure of CPython's obmalloc (an arena_object, a pool
 * header, the arena array's pointer): where it is in the file and in memory (for aimed heap mutations).
 */
export interface ChunkHint {
  fileOffset: number;
  vaddr: number;
}

/** Largest case: mutations never grow an input past this. */
export function sizeCap(seedBytes: number): number {
  return Math.max(8 << 20, 4 * seedBytes);
}

const INT64 = ['0', '1', '2', '4095', '4096', '65535', '2147483647', '2147483648', '4294967295', '4294967296', '9007199254740991', '9007199254740992', '9223372036854775808', '18446744073709551615', 'len', 'len-1', 'len+1', 'len*2'];
const INT32 = ['0', '1', '2', '255', '4096', '65535', '65536', '2147483647', '2147483648', '4294967295', 'len', 'len-1'];
const INT16 = ['0', '1', '2', '255', '32767', '32768', '65534', '65535'];

function resolve(value: string, len: number, bits: number): bigint {
  let v: bigint;
  if (value === 'len') v = BigInt(len);
  else if (value === 'len-1') v = BigInt(Math.max(0, len - 1));
  else if (value === 'len+1') v = BigInt(len + 1);
  else if (value === 'len*2') v = BigInt(len * 2);
  else v = BigInt(value);
  return v & ((1n << BigInt(bits)) - 1n);
}

function writeLE(b: Uint8Array, at: number, width: number, v: bigint): void {
  for (let k = 0; k < width && at + k < b.length; k++) b[at + k] = Number((v >> BigInt(8 * k)) & 0xffn);
}

function readLE(b: Uint8Array, at: number, width: number): number {
  let v = 0;
  for (let k = width - 1; k >= 0; k--) v = v * 256 + (b[at + k] ?? 0);
  return v;
}

const pos = (f: number, len: number): number => Math.min(Math.max(0, len - 1), Math.floor(f * len));

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// ---------------------------------------------------------------- ELF

type ElfLayout = Pick<ElfHeader, 'is64' | 'phoff' | 'phentsize' | 'phnum' | 'shoff' | 'shentsize' | 'shnum'>;

/** The header fields a mutation needs; laxer than the readers (any class but 2 is read as ELF32, either byte order). */
function elfLayout(b: Uint8Array): ElfLayout | null {
  if (b.length < 52 || b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46) return null;
  const is64 = b[4] === 2;
  if (is64 && b.length < 64) return null;
  const f = (x: ElfField): number => readField(b, 0, x, is64);
  return { is64, phoff: f(EHDR.e_phoff), phentsize: f(EHDR.e_phentsize), phnum: f(EHDR.e_phnum), shoff: f(EHDR.e_shoff), shentsize: f(EHDR.e_shentsize), shnum: f(EHDR.e_shnum) };
}

/** The fields `elf-field` mutations aim at, per table, in the order cases pick them (where they sit: `elf.ts`'s tables). */
const AIMED = {
  ehdr: ['e_type', 'e_phoff', 'e_shoff', 'e_phentsize', 'e_phnum', 'e_shentsize', 'e_shnum', 'e_shstrndx'],
  phdr: ['p_type', 'p_flags', 'p_offset', 'p_vaddr', 'p_filesz', 'p_memsz'],
  shdr: ['sh_type', 'sh_offset', 'sh_size', 'sh_link', 'sh_entsize'],
};
const TABLES: Record<keyof typeof AIMED, Record<string, ElfField>> = { ehdr: EHDR, phdr: PHDR, shdr: SHDR };

function elfField(b: Uint8Array, m: Extract<Mutation, { op: 'elf-field' }>): Uint8Array {
  const l = elfLayout(b);
  if (!l) return b;
  if (!AIMED[m.table].includes(m.field)) return b;
  const [off, width] = fieldAt(TABLES[m.table][m.field], l.is64);
  let base = 0;
  if (m.table === 'phdr') {
    if (l.phnum === 0) return b;
    base = l.phoff + (m.index % l.phnum) * l.phentsize;
  } else if (m.table === 'shdr') {
    if (l.shnum === 0) return b;
    base = l.shoff + (m.index % l.shnum) * l.shentsize;
  }
  if (base + off + width > b.length) return b;
  const out = b.slice();
  writeLE(out, base + off, width, resolve(m.value, b.length, width * 8));
  return out;
}

/** Appends a new program header table (the old one plus extra entries) and points the header at it. */
function elfExtraPhdrs(b: Uint8Array, m: Extract<Mutation, { op: 'elf-extra-phdrs' }>): Uint8Array {
  const l = elfLayout(b);
  if (!l || l.phnum === 0 || l.phentsize < PHDR_SIZE[l.is64 ? 64 : 32] || l.phoff + l.phnum * l.phentsize > b.length) return b;
  const old = b.subarray(l.phoff, l.phoff + l.phnum * l.phentsize);
  const count = Math.min(m.count, 0xfffe - l.phnum);
  if (count <= 0) return b;
  const extra = new Uint8Array(count * l.phentsize);
  const f = (name: keyof typeof PHDR): [number, number] => fieldAt(PHDR[name], l.is64);
  const src = old.subarray((m.index % l.phnum) * l.phentsize, (m.index % l.phnum + 1) * l.phentsize);
  for (let i = 0; i < count; i++) {
    const e = extra.subarray(i * l.phentsize, (i + 1) * l.phentsize);
    e.set(src);
    if (m.kind === 'empty-load-over') {
      writeLE(e, ...f('p_type'), 1n);
      writeLE(e, ...f('p_filesz'), 0n);
    } else if (m.kind === 'notes') {
      writeLE(e, ...f('p_type'), 4n);
      writeLE(e, ...f('p_offset'), 0n);
      writeLE(e, ...f('p_filesz'), BigInt(b.length));
    } else {
      writeLE(e, ...f('p_type'), 1n);
      writeLE(e, ...f('p_flags'), 6n);
      writeLE(e, ...f('p_vaddr'), BigInt(0x10000000 + i * 16));
      writeLE(e, ...f('p_offset'), BigInt((i * 16) % Math.max(16, b.length - 16)));
      writeLE(e, ...f('p_filesz'), 16n);
      writeLE(e, ...f('p_memsz'), 16n);
    }
  }
  const out = concat([b, old, extra]);
  writeLE(out, ...fieldAt(EHDR.e_phoff, l.is64), BigInt(b.length));
  writeLE(out, ...fieldAt(EHDR.e_phnum, l.is64), BigInt(l.phnum + count));
  return out;
}

/** Offsets of the note headers of the first PT_NOTE segment. */
function noteHeaders(b: Uint8Array): number[] {
  const l = elfLayout(b);
  if (!l) return [];
  for (let i = 0; i < l.phnum; i++) {
    const o = l.phoff + i * l.phentsize;
    if (o + l.phentsize > b.length || readField(b, o, PHDR.p_type, l.is64) !== PT_NOTE) continue;
    const off = readField(b, o, PHDR.p_offset, l.is64);
    const size = readField(b, o, PHDR.p_filesz, l.is64);
    const out: number[] = [];
    for (let p = off; p + 12 <= Math.min(b.length, off + size) && out.length < 4096; ) {
      out.push(p);
      const next = p + 12 + ((readLE(b, p, 4) + 3) & ~3) + ((readLE(b, p + 4, 4) + 3) & ~3);
      if (next <= p) break;
      p = next;
    }
    return out;
  }
  return [];
}

// ---------------------------------------------------------------- text

function lineStarts(b: Uint8Array, max = 1 << 20): number[] {
  const out = [0];
  for (let i = 0; i < b.length && out.length < max; i++) if (b[i] === 10 && i + 1 < b.length) out.push(i + 1);
  return out;
}

const enc = new TextEncoder();

function textLine(b: Uint8Array, m: Extract<Mutation, { op: 'line' }>, cap: number): Uint8Array {
  const starts = lineStarts(b);
  const k = m.line % starts.length;
  const s = starts[k];
  let e = b.indexOf(10, s);
  if (e < 0) e = b.length;
  const line = b.subarray(s, e);
  const before = b.subarray(0, s);
  const after = b.subarray(e);
  switch (m.kind) {
    case 'number': {
      // Replace the n-th run of digits (or hex letters after "0x") in the line.
      const text = new TextDecoder('latin1').decode(line);
      const runs = [...text.matchAll(/[0-9a-fA-F]+/g)];
      if (runs.length === 0) return b;
      const r = runs[m.times % runs.length];
      const replaced = text.slice(0, r.index) + m.arg + text.slice(r.index! + r[0].length);
      return concat([before, Uint8Array.from(replaced, (c) => c.charCodeAt(0) & 0xff), after]);
    }
    case 'dup': {
      const unit = concat([line, Uint8Array.of(10)]);
      const times = Math.min(m.times, Math.floor((cap - b.length) / Math.max(1, unit.length)));
      if (times <= 0) return b;
      const rep = new Uint8Array(unit.length * times);
      for (let i = 0; i < times; i++) rep.set(unit, i * unit.length);
      return concat([before, rep, b.subarray(s)]);
    }
    case 'del':
      return concat([before, after.subarray(Math.min(1, after.length))]);
    case 'long': {
      const times = Math.min(m.times, Math.floor((cap - b.length) / Math.max(1, line.length)));
      if (times <= 0 || line.length === 0) return b;
      const rep = new Uint8Array(line.length * times);
      for (let i = 0; i < times; i++) rep.set(line, i * line.length);
      return concat([before, rep, after]);
    }
    case 'junk': {
      const junk = m.arg === 'utf8' ? Uint8Array.of(0xf4, 0x90, 0x80, 0x80, 0xc0, 0xff) : m.arg === 'nul' ? Uint8Array.of(0, 0, 0) : Uint8Array.of(13, 13, 10);
      const at = s + (m.times % Math.max(1, line.length + 1));
      return concat([b.subarray(0, at), junk, b.subarray(at)]);
    }
  }
}

// ---------------------------------------------------------------- pickle

/** Argument layout of the pickle opcodes a snapshot uses: [argument bytes or -1 (length-prefixed), length width]. */
const PICKLE_ARGS: Record<number, [number, number]> = {
  0x4b: [1, 0], 0x4d: [2, 0], 0x4a: [4, 0], 0x71: [1, 0], 0x72: [4, 0], 0x68: [1, 0], 0x6a: [4, 0], 0x95: [8, 0],
  0x8a: [-1, 1], 0x8b: [-1, 4], 0x8c: [-1, 1], 0x58: [-1, 4], 0x8d: [-1, 8], 0x80: [1, 0],
};

/** [opcode offset, argument offset, argument width] of the opcodes with arguments (stops at unknown opcodes). */
function pickleArgs(b: Uint8Array, max = 200_000): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let p = 0; p < b.length && out.length < max; ) {
    const op = b[p];
    const a = PICKLE_ARGS[op];
    if (!a) {
      if (op === 0x63) {
        const n1 = b.indexOf(10, p + 1);
        const n2 = n1 < 0 ? -1 : b.indexOf(10, n1 + 1);
        if (n2 < 0) break;
        p = n2 + 1;
        continue;
      }
      p++;
      continue;
    }
    if (a[0] > 0) {
      out.push([p, p + 1, a[0]]);
      p += 1 + a[0];
    } else {
      const w = a[1];
      const n = readLE(b, p + 1, w);
      out.push([p, p + 1, w]);
      p += 1 + w + Math.min(n, b.length);
    }
  }
  return out;
}

function pickleMutation(b: Uint8Array, m: Extract<Mutation, { op: 'pickle' }>, cap: number): Uint8Array {
  const args = pickleArgs(b);
  if (m.kind === 'flood') {
    // Repeat one opcode (MARK, EMPTY_LIST, BINGET 0, MEMOIZE, TUPLE1 …) many times before STOP.
    const unit = Uint8Array.from(m.value.split(',').map(Number));
    const times = Math.min(m.times, Math.floor((cap - b.length) / Math.max(1, unit.length)));
    const stop = b.lastIndexOf(0x2e);
    const at = stop > 0 ? stop : b.length;
    const rep = new Uint8Array(unit.length * Math.max(0, times));
    for (let i = 0; i < times; i++) rep.set(unit, i * unit.length);
    return concat([b.subarray(0, at), rep, b.subarray(at)]);
  }
  if (args.length === 0) return b;
  const [opAt, argAt, width] = args[m.index % args.length];
  const out = b.slice();
  if (m.kind === 'bad-utf8') {
    const op = b[opAt];
    if (op !== 0x8c && op !== 0x58 && op !== 0x8d) return b;
    const n = readLE(b, argAt, width);
    // A string cut short (by an earlier truncation) has no room for the four bytes: left as it is.
    if (n >= 4 && argAt + width + 4 <= out.length) out.set([0xf4, 0x90, 0x80, 0x80], argAt + width);
    return out;
  }
  writeLE(out, argAt, width, resolve(m.value, b.length, width * 8));
  return out;
}

// ---------------------------------------------------------------- saved analyses

/** Numeric fields of a saved analysis's JSON header, in document order (paths into the parsed object). */
function savedNumbers(h: unknown, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (typeof h === 'number') out.push(path);
  else if (Array.isArray(h)) h.forEach((x, i) => savedNumbers(x, [...path, i], out));
  else if (h && typeof h === 'object') for (const [k, v] of Object.entries(h)) savedNumbers(v, [...path, k], out);
  return out;
}

function savedHeader(b: Uint8Array, m: Extract<Mutation, { op: 'saved-header' }>): Uint8Array {
  if (b.length < 16) return b;
  const hl = readLE(b, 12, 4);
  if (16 + hl > b.length) return b;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(b.subarray(16, 16 + hl)));
  } catch {
    return b;
  }
  const paths = savedNumbers(json);
  if (paths.length === 0) return b;
  const path = paths[m.path % paths.length];
  let o = json as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) o = o[path[i]] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  const cur = o[last] as number;
  o[last] = m.value === 'cur+1' ? cur + 1 : m.value === 'cur-1' ? cur - 1 : m.value === 'cur*1000' ? cur * 1000 : m.value === '-1' ? -1 : m.value === '1e300' ? 1e300 : m.value === '2^53' ? 2 ** 53 : m.value === '0.5' ? 0.5 : 0;
  const head = enc.encode(JSON.stringify(json));
  const out = concat([b.subarray(0, 16), head, b.subarray(16 + hl)]);
  writeLE(out, 12, 4, BigInt(head.length));
  return out;
}

const WIDTH: Record<string, number> = { u8: 1, u16: 2, u32: 4, i32: 4, f64: 8 };

/**
 * Rewrites one element of one column of a saved analysis (decoded, changed,
 * encoded again with the column's own codec), so the file stays well formed
 * and only the value is hostile: NaN, Infinity, −1, 2^53, an id out of range…
 */
function savedColumn(b: Uint8Array, m: Extract<Mutation, { op: 'saved-column' }>): Uint8Array {
  if (b.length < 16) return b;
  const hl = readLE(b, 12, 4);
  if (16 + hl > b.length) return b;
  let h: { columns: { type: string; count: number; codec: string; raw: number; packed: number }[] };
  try {
    h = JSON.parse(new TextDecoder().decode(b.subarray(16, 16 + hl)));
  } catch {
    return b;
  }
  const cols = h.columns;
  if (!Array.isArray(cols) || cols.length === 0) return b;
  let k = -1;
  for (let j = 0; j < cols.length; j++) {
    const c = cols[(m.column + j) % cols.length];
    if ((c.codec === 'shuffle' || c.codec === 'delta') && c.count > 0 && WIDTH[c.type]) {
      k = (m.column + j) % cols.length;
      break;
    }
  }
  if (k < 0) return b;
  // An earlier mutation may have made the header's sizes hostile: only a consistent column is rewritten.
  const size = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0 && (n as number) <= b.length * 1100;
  let at = 16 + hl;
  for (let j = 0; j < k; j++) {
    if (!size(cols[j].packed)) return b;
    at += cols[j].packed;
  }
  const c = cols[k];
  const width = WIDTH[c.type];
  if (!size(c.raw) || !size(c.packed) || c.raw !== c.count * width || at + c.packed > b.length) return b;
  const raw = new Uint8Array(c.raw);
  try {
    inflateInto(b.subarray(at, at + c.packed), raw);
  } catch {
    return b;
  }
  const data = new Uint8Array(c.raw);
  unshuffle(raw, width, data);
  const i = pos(m.at, c.count);
  if (c.type === 'f64') {
    const v = new Float64Array(data.buffer);
    const x: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity, '-1': -1, '2^53': 2 ** 53, '1e300': 1e300, half: 0.5, big: 2 ** 52 };
    v[i] = m.value in x ? x[m.value] : Number(m.value) || 0;
  } else if (c.type === 'u32' || c.type === 'i32') {
    const v = new Uint32Array(data.buffer);
    if (c.codec === 'delta') deltaDecode(v);
    const x: Record<string, number> = { max: 0xffffffff, count: c.count, 'count+1': c.count + 1, zero: 0, half: 0x80000000 };
    v[i] = m.value in x ? x[m.value] : (v[i] + 1) >>> 0;
    if (c.codec === 'delta') data.set(new Uint8Array(deltaEncode(v).buffer));
  } else if (c.type === 'u16') new Uint16Array(data.buffer)[i] = m.value === 'zero' ? 0 : 0xffff;
  else data[i] = m.value === 'zero' ? 0 : 255;
  const packed = deflate(shuffle(data, width), 1);
  const oldPacked = c.packed;
  c.packed = packed.length;
  const head = enc.encode(JSON.stringify(h));
  const out = concat([b.subarray(0, 16), head, b.subarray(16 + hl, at), packed, b.subarray(at + oldPacked)]);
  writeLE(out, 12, 4, BigInt(head.length));
  return out;
}

// ---------------------------------------------------------------- glibc heaps

/**
 * Overwrites `count` chunks from a used chunk on with fake tcache_perthread_structs
 * (glibc >= 2.30 shape: 64 u16 counts, 64 entries): every bin's head is the fake
 * itself and its first word points to itself, so each bin is a one-node cycle
 * with count 65,535 (the shape of issue 13's "3,480 fakes in a 2.2 MB heap").
 */
function fakeTcache(b: Uint8Array, m: Extract<Mutation, { op: 'glibc-fake-tcache' }>): Uint8Array {
  const S = 0x290;
  const out = b.slice();
  for (let k = 0; k < m.count; k++) {
    const c = m.fileOffset + k * S;
    if (c + S > out.length) break;
    const user = m.vaddr + k * S + 16;
    writeLE(out, c + 8, 8, BigInt(S | 1));
    const counts = [user % 65536, Math.floor(user / 65536) % 65536, Math.floor(user / 4294967296) % 65536, 0];
    for (let i = 0; i < 64; i++) {
      const count = i < 4 ? counts[i] : 0xffff;
      writeLE(out, c + 16 + 2 * i, 2, BigInt(count));
      writeLE(out, c + 16 + 128 + 8 * i, 8, BigInt(count === 0 ? 0 : user));
    }
  }
  return out;
}

/** Makes the first word of each given chunk's allocation point to the allocation itself (fd cycles). */
function selfLoops(b: Uint8Array, m: Extract<Mutation, { op: 'glibc-self-loops' }>): Uint8Array {
  const out = b.slice();
  for (const [fileOffset, vaddr] of m.chunks) if (fileOffset + 24 <= out.length) writeLE(out, fileOffset + 16, 8, BigInt(vaddr + 16));
  return out;
}

// ---------------------------------------------------------------- apply and generate

export function applyMutation(b: Uint8Array, m: Mutation, cap: number): Uint8Array {
  const len = b.length;
  switch (m.op) {
    case 'flip': {
      if (len === 0) return b;
      const out = b.slice();
      out[pos(m.at, len)] ^= 1 << m.bit;
      return out;
    }
    case 'set': {
      if (len === 0) return b;
      const out = b.slice();
      const at = pos(m.at, len);
      for (let k = 0; k < m.n && at + k < len; k++) out[at + k] = m.value;
      return out;
    }
    case 'int': {
      if (len < m.width) return b;
      const out = b.slice();
      const at = Math.floor(pos(m.at, len - m.width + 1) / m.width) * m.width;
      writeLE(out, at, m.width, resolve(m.value, len, m.width * 8));
      return out;
    }
    case 'truncate':
      return b.subarray(0, pos(m.at, len));
    case 'dup': {
      if (len === 0) return b;
      const from = pos(m.from, len);
      const chunk = b.subarray(from, Math.min(len, from + m.len));
      const times = Math.min(m.times, Math.floor((cap - len) / Math.max(1, chunk.length)));
      if (times <= 0) return b;
      const to = pos(m.to, len);
      const rep = new Uint8Array(chunk.length * times);
      for (let i = 0; i < times; i++) rep.set(chunk, i * chunk.length);
      return concat([b.subarray(0, to), rep, b.subarray(to)]);
    }
    case 'del': {
      const from = pos(m.from, len);
      return concat([b.subarray(0, from), b.subarray(Math.min(len, from + m.len))]);
    }
    case 'insert': {
      const at = pos(m.at, len + 1);
      return concat([b.subarray(0, at), Uint8Array.from(m.bytes), b.subarray(at)]);
    }
    case 'elf-field':
      return elfField(b, m);
    case 'elf-extra-phdrs':
      return elfExtraPhdrs(b, m);
    case 'elf-note': {
      const notes = noteHeaders(b);
      if (notes.length === 0) return b;
      const at = notes[m.index % notes.length] + (m.field === 'namesz' ? 0 : m.field === 'descsz' ? 4 : 8);
      const out = b.slice();
      writeLE(out, at, 4, resolve(m.value, len, 32));
      return out;
    }
    case 'line':
      return textLine(b, m, cap);
    case 'pickle':
      return pickleMutation(b, m, cap);
    case 'saved-header':
      return savedHeader(b, m);
    case 'word': {
      // A value written over a field of a structure (at a file offset found from the seed; past the end: no change).
      if (m.fileOffset < 0 || m.fileOffset + m.width > len) return b;
      const out = b.slice();
      writeLE(out, m.fileOffset, m.width, resolve(m.value, len, m.width * 8));
      return out;
    }
    case 'saved-column':
      return savedColumn(b, m);
    case 'glibc-fake-tcache':
      return fakeTcache(b, m);
    case 'glibc-self-loops':
      return selfLoops(b, m);
  }
}

/** Applies `ms` in order, keeping the input within `cap` bytes. */
export function applyAll(seed: Uint8Array, ms: readonly Mutation[], cap: number): Uint8Array {
  let b = seed;
  for (const m of ms) {
    b = applyMutation(b, m, cap);
    if (b.length > cap) b = b.subarray(0, cap);
  }
  return b;
}

const f = (r: Rng): number => r.u32() / 4294967296;

function generic(r: Rng): Mutation {
  switch (r.int(7)) {
    case 0:
      return { op: 'flip', at: f(r), bit: r.int(8) };
    case 1:
      return { op: 'set', at: f(r), value: r.pick([0, 0xff, 0x7f, 0x80, 1, r.int(256)]), n: r.logInt(16) };
    case 2: {
      const width = r.pick([1, 2, 4, 8] as const);
      return { op: 'int', at: f(r), width, value: r.pick(width === 8 ? INT64 : width === 4 ? INT32 : INT16) };
    }
    case 3:
      // Mostly small cuts from the end, sometimes anywhere.
      return { op: 'truncate', at: r.chance(0.5) ? 1 - f(r) * 0.01 : f(r) };
    case 4:
      return { op: 'dup', from: f(r), len: r.logInt(1 << 16), to: f(r), times: r.logInt(r.chance(0.1) ? 10000 : 8) };
    case 5:
      return { op: 'del', from: f(r), len: r.logInt(1 << 16) };
    default:
      return { op: 'insert', at: f(r), bytes: Array.from({ length: r.logInt(32) }, () => r.int(256)) };
  }
}

function aimed(kind: SeedKind, r: Rng, hints: readonly ChunkHint[]): Mutation {
  switch (kind) {
    case 'heap': {
      if (hints.length === 0 || r.chance(0.4)) return aimed('elf', r, hints);
      if (r.chance(0.5)) {
        const h = r.pick(hints);
        return { op: 'glibc-fake-tcache', fileOffset: h.fileOffset, vaddr: h.vaddr, count: r.logInt(r.chance(0.3) ? 4000 : 16) };
      }
      return { op: 'glibc-self-loops', chunks: Array.from({ length: r.logInt(hints.length) }, () => r.pick(hints)).map((h) => [h.fileOffset, h.vaddr]) };
    }
    case 'obmalloc': {
      // obmalloc's structures: every field of an arena_object / pool header (counts, free-list heads, next/prev
      // links, offsets, the arena index and size class) is a word or a u32 from its start on.
      if (hints.length === 0 || r.chance(0.3)) return aimed('elf', r, hints);
      const h = r.pick(hints);
      const width = r.pick([4, 8] as const);
      const value = r.chance(0.3) ? String(h.vaddr + r.pick([0, 8, 16, 48, -8])) : r.pick(width === 8 ? INT64 : INT32);
      return { op: 'word', fileOffset: h.fileOffset + 4 * r.int(12), width, value };
    }
    case 'elf': {
      const x = r.int(10);
      if (x < 2) return { op: 'elf-field', table: 'ehdr', index: 0, field: r.pick(AIMED.ehdr), value: r.pick(INT64) };
      if (x < 6) return { op: 'elf-field', table: 'phdr', index: r.int(1 << 16), field: r.pick(AIMED.phdr), value: r.pick(INT64) };
      if (x < 7) return { op: 'elf-field', table: 'shdr', index: r.int(1 << 16), field: r.pick(AIMED.shdr), value: r.pick(INT64) };
      if (x < 8) return { op: 'elf-note', index: r.int(64), field: r.pick(['namesz', 'descsz', 'type'] as const), value: r.pick(INT32) };
      return { op: 'elf-extra-phdrs', kind: r.pick(['empty-load-over', 'notes', 'loads'] as const), count: r.logInt(r.chance(0.2) ? 65000 : 64), index: r.int(1 << 16) };
    }
    case 'text': {
      const kind = r.pick(['number', 'number', 'dup', 'del', 'long', 'junk'] as const);
      const arg =
        kind === 'number'
          ? r.pick(['0', '99999999999999999999999', 'f'.repeat(r.logInt(400)), '-1', '1e400', 'NaN', '9007199254740993', '18446744073709551616', '0x'])
          : kind === 'junk'
            ? r.pick(['utf8', 'nul', 'cr'])
            : '';
      return { op: 'line', kind, line: r.int(1 << 20), arg, times: kind === 'dup' || kind === 'long' ? r.logInt(r.chance(0.2) ? 100000 : 100) : r.int(64) };
    }
    case 'pickle': {
      const x = r.int(4);
      if (x === 0) {
        const unit = r.pick(['40', '104,0', '148', '93', '125', '41', '41,133', '75,1', '140,1,97']);
        return { op: 'pickle', kind: 'flood', index: 0, value: unit, times: r.logInt(r.chance(0.3) ? 3_000_000 : 1000) };
      }
      if (x === 1) return { op: 'pickle', kind: 'bad-utf8', index: r.int(1 << 20), value: '', times: 0 };
      return { op: 'pickle', kind: 'arg', index: r.int(1 << 20), value: r.pick(INT64), times: 0 };
    }
    case 'saved':
      if (r.chance(0.6)) return { op: 'saved-column', column: r.int(1 << 16), at: f(r), value: r.pick(['nan', 'inf', '-inf', '-1', '2^53', '1e300', 'half', 'big', 'max', 'count', 'count+1', 'zero', 'next']) };
      return { op: 'saved-header', path: r.int(1 << 16), value: r.pick(['0', 'cur+1', 'cur-1', 'cur*1000', '-1', '1e300', '2^53', '0.5']) };
    default:
      return generic(r);
  }
}

/** 1–4 mutations, mostly aimed at the format, some generic. */
export function generateMutations(kind: SeedKind, r: Rng, hints: readonly ChunkHint[] = []): Mutation[] {
  const n = r.logInt(4);
  return Array.from({ length: n }, () => (kind !== 'binary' && r.chance(0.65) ? aimed(kind, r, hints) : generic(r)));
}
