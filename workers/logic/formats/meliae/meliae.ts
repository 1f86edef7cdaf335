/**
 * Reader for meliae dumps (`meliae.scanner.dump_all_objects(path)`): JSON lines,
 * one object per line, plain or gzip. meliae's scanner writes, in this order,
 *
 *   {"address": 140234, "type": "str", "size": 54, "len": 5, "value": "hello", "refs": []}
 *   {"address": 140300, "type": "module", "size": 88, "name": "os", "refs": [140301]}
 *   {"address": 140301, "type": "dict", "size": 4704, "len": 120, "refs": [140234, 140302, …]}
 *
 * - `address` (decimal, up to 64 bits, kept exact), `type` (type name), `size`
 *   (bytes, GC header included) are required; `refs` (addresses of referents) is
 *   empty when absent.
 * - `name` (modules, functions, classes), `len` (str/list/tuple/set/dict) and
 *   `value` (str: first 100 characters, escaped as `\u00XX`/`\uXXXX`, with `\/`,
 *   `\"` and `\\`; int: a number; bool: `"True"`/`"False"`) are optional.
 * - Keys may come in any order and unknown keys are skipped (other writers, e.g.
 *   `json.dumps`, are accepted); any JSON string escape is decoded.
 * - Lines that are `[` or `]`, and a trailing comma after an object, are
 *   tolerated (a dump wrapped as a JSON array), as meliae's loader does.
 * - The same address may be dumped twice (meliae's scanner only avoids
 *   consecutive repeats): as meliae's loader does, the first one is kept and the
 *   later ones are counted in `duplicates`.
 *
 * Objects become allocation rows (state Used, type = type name) plus the object
 * columns and CSR reference graph of `src/model/objects.ts`. Lines that are not
 * objects are counted and reported in one warning; references to addresses that
 * are not in the dump are dropped and reported in one warning. The parser works
 * on bytes and builds no JS object per line.
 *
 * Budgets (issue 13), each an `InputError` naming the file and the limit:
 * `MAX_LINE_BYTES` per line (a long line's pieces are joined once: linear),
 * `MAX_ROWS` objects, `MAX_REFS` references, `MAX_VALUE_BYTES` of values, gzip
 * within `TEXT_DECODE_BUDGET`. Numbers are exact: addresses up to 64 bits,
 * sizes and lengths below 2^53, and sizes may not add up past 2^53 (such a
 * line is skipped as malformed).
 */
import { AllocationTableBuilder, AllocState, type AllocationTable } from '../../../../src/model/allocations.ts';
import { hexOf } from '../../../../src/model/address.ts';
import { allocShared, ColumnBuilder } from '../../../../src/model/columns.ts';
import { decodeJsonString, type ObjectTable } from '../../../../src/model/objects.ts';
import { AddressIndex } from '../../graph/address-index.ts';
import { InputError, type InputWarning } from '../../io/errors.ts';
import { MAX_ROWS, TEXT_DECODE_BUDGET } from '../../io/budget.ts';
import { decodedChunks, decodedSizeHint, type ReadControl } from '../../io/stream.ts';
import type { ByteSource } from '../../io/source.ts';
import { LineSplitter } from '../../io/lines.ts';

export interface MeliaeResult {
  table: AllocationTable;
  objects: ObjectTable;
  warnings: InputWarning[];
  /** Lines seen (including blank and `[`/`]` lines). */
  lines: number;
  /** Decoded bytes parsed. */
  bytes: number;
  /** Objects dumped again under an address already seen (skipped, as meliae's loader does). */
  duplicates: number;
}

/** A single line longer than this is refused (a dump line holds at most ~100 characters of value plus refs). */
export const MAX_LINE_BYTES = 256 << 20;
/** Most references over the whole dump (8 bytes each while reading, 4 once resolved). */
export const MAX_REFS = 1 << 27;
/** Most bytes of value snippets kept over the whole dump (meliae writes at most ~100 characters per object). */
export const MAX_VALUE_BYTES = 1 << 30;

const NL = 10;
const CR = 13;
const SP = 32;
const TAB = 9;
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const LBRACE = 123;
const RBRACE = 125;
const LBRACK = 91;
const RBRACK = 93;
const MINUS = 45;

const K_ADDRESS = 1;
const K_TYPE = 2;
const K_SIZE = 3;
const K_NAME = 4;
const K_LEN = 5;
const K_VALUE = 6;
const K_REFS = 7;

const utf8 = new TextDecoder();

function isWs(c: number): boolean {
  return c === SP || c === TAB || c === CR || c === NL;
}

/** Which known key the bytes [a, b) spell (0 = unknown). */
function keyOf(buf: Uint8Array, a: number, b: number): number {
  const n = b - a;
  const c0 = buf[a];
  if (n === 7) {
    return c0 === 97 && buf[a + 1] === 100 && buf[a + 2] === 100 && buf[a + 3] === 114 && buf[a + 4] === 101 && buf[a + 5] === 115 && buf[a + 6] === 115
      ? K_ADDRESS
      : 0;
  }
  if (n === 4) {
    const c1 = buf[a + 1];
    const c2 = buf[a + 2];
    const c3 = buf[a + 3];
    if (c0 === 116 && c1 === 121 && c2 === 112 && c3 === 101) return K_TYPE;
    if (c0 === 115 && c1 === 105 && c2 === 122 && c3 === 101) return K_SIZE;
    if (c0 === 110 && c1 === 97 && c2 === 109 && c3 === 101) return K_NAME;
    if (c0 === 114 && c1 === 101 && c2 === 102 && c3 === 115) return K_REFS;
    return 0;
  }
  if (n === 3) return c0 === 108 && buf[a + 1] === 101 && buf[a + 2] === 110 ? K_LEN : 0;
  if (n === 5) return c0 === 118 && buf[a + 1] === 97 && buf[a + 2] === 108 && buf[a + 3] === 117 && buf[a + 4] === 101 ? K_VALUE : 0;
  return 0;
}

interface RawEntry {
  raw: Uint8Array;
  id: number;
  next?: RawEntry;
}

/**
 * Incremental parser: `push` decoded bytes in any slicing, then `end()`.
 * Exported so tests and benchmarks can drive it without a source.
 */
export class MeliaeParser {
  readonly builder: AllocationTableBuilder;
  readonly warnings: InputWarning[] = [];

  private readonly name: ColumnBuilder<Uint32Array>;
  private readonly valueStart: ColumnBuilder<Uint32Array>;
  private readonly valueBytes: ColumnBuilder<Uint8Array>;
  private readonly len: ColumnBuilder<Float64Array>;
  private readonly rawStart: ColumnBuilder<Uint32Array>;
  private readonly rawHi: ColumnBuilder<Uint32Array>;
  private readonly rawLo: ColumnBuilder<Uint32Array>;
  private readonly index: AddressIndex;
  /** Interned strings by their raw (still escaped) bytes: type and name repeat a lot. */
  private readonly rawIds = new Map<number, RawEntry>();

  private readonly lines = new LineSplitter(
    MAX_LINE_BYTES,
    (b, s, e) => this.line(b, s, e),
    () => {
      throw new InputError(this.file, `line ${this.lineNo + 1} is longer than ${MAX_LINE_BYTES >> 20} MiB; this is not a meliae dump`);
    },
  );
  /** Sizes of the objects kept, added up (kept exact: at most 2^53 − 1). */
  private totalSize = 0;
  private lineNo = 0;
  private bytes = 0;
  private duplicates = 0;
  private badLines = 0;
  private firstBadLine = 0;
  private firstBadText = '';

  // Scratch results of the field parsers.
  private nHi = 0;
  private nLo = 0;
  private sStart = 0;
  private sEnd = 0;
  private sPlain = true;

  constructor(
    readonly file: string,
    expectedRows = 0,
  ) {
    const cap = Math.max(1024, expectedRows);
    this.builder = new AllocationTableBuilder({ expectedRows: cap });
    this.name = new ColumnBuilder(Uint32Array, cap);
    this.valueStart = new ColumnBuilder(Uint32Array, cap + 1);
    this.valueBytes = new ColumnBuilder(Uint8Array, cap * 16);
    this.len = new ColumnBuilder(Float64Array, cap);
    this.rawStart = new ColumnBuilder(Uint32Array, cap + 1);
    this.rawHi = new ColumnBuilder(Uint32Array, cap * 2);
    this.rawLo = new ColumnBuilder(Uint32Array, cap * 2);
    this.index = new AddressIndex(cap);
  }

  push(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    this.lines.push(chunk);
  }

  private limit(problem: string): never {
    throw new InputError(this.file, `${problem} (at line ${this.lineNo.toLocaleString('en-US')})`);
  }

  end(): MeliaeResult {
    const last = this.lines.end();
    if (last) {
      const before = this.badLines;
      const rows = this.builder.rows;
      this.line(last, 0, last.length);
      if (this.badLines > before && this.builder.rows === rows) {
        // The last line has no newline and is not a whole object: cut short.
        this.badLines = before;
        if (before === 0) this.firstBadLine = 0;
        const text = utf8.decode(last.subarray(0, 80));
        this.warnings.push({
          file: this.file,
          message: `the file ends in the middle of line ${this.lineNo} ("${text}"); it looks truncated, and that line was ignored`,
        });
      }
    }
    const rows = this.builder.rows;
    if (this.badLines > 0) {
      const what = `${this.badLines.toLocaleString('en-US')} line(s) that are not meliae objects were skipped (first at line ${this.firstBadLine}: "${this.firstBadText}")`;
      if (rows === 0) throw new InputError(this.file, `no meliae object could be read: ${what}`);
      this.warnings.push({ file: this.file, message: what });
    }
    if (rows === 0) {
      throw new InputError(this.file, 'no meliae object lines were found; is this a dump from meliae.scanner.dump_all_objects?');
    }
    this.rawStart.push(this.rawHi.length);
    this.valueStart.push(this.valueBytes.length);
    const objects = this.resolve(rows);
    return {
      table: this.builder.freeze(),
      objects,
      warnings: this.warnings,
      lines: this.lineNo,
      bytes: this.bytes,
      duplicates: this.duplicates,
    };
  }

  /** Turns the raw reference addresses into row indices (CSR). */
  private resolve(rows: number): ObjectTable {
    const start = this.rawStart.array;
    const hi = this.rawHi.array;
    const lo = this.rawLo.array;
    const total = this.rawHi.length;
    const refStart = new Uint32Array(allocShared((rows + 1) * 4));
    let target = new Uint32Array(allocShared(Math.max(1, total) * 4), 0, total);
    const dangling = new ColumnBuilder(Uint32Array, 64);
    let missing = 0;
    let firstFrom = -1;
    let firstTo = -1;
    let at = 0;
    for (let r = 0; r < rows; r++) {
      refStart[r] = at;
      const e = start[r + 1];
      let rowMissing = false;
      for (let k = start[r]; k < e; k++) {
        const t = this.index.get(hi[k], lo[k]);
        if (t < 0) {
          if (missing++ === 0) {
            firstFrom = r;
            firstTo = k;
          }
          rowMissing = true;
        } else {
          target[at++] = t;
        }
      }
      if (rowMissing) dangling.push(r);
    }
    refStart[rows] = at;
    if (at < total) {
      const trimmed = new Uint32Array(allocShared(Math.max(1, at) * 4), 0, at);
      trimmed.set(target.subarray(0, at));
      target = trimmed;
    }
    if (missing > 0) {
      const b = this.builder;
      this.warnings.push({
        file: this.file,
        message:
          `${missing.toLocaleString('en-US')} reference(s) from ${dangling.length.toLocaleString('en-US')} object(s) point to addresses that are not in the dump ` +
          `(first: the object at ${hexOf(b.addrHi.array[firstFrom], b.addrLo.array[firstFrom])} refers to ${hexOf(hi[firstTo], lo[firstTo])}); they are left out of the graph`,
      });
    }
    return {
      rows,
      name: this.name.freeze(),
      valueStart: this.valueStart.freeze(),
      valueBytes: this.valueBytes.freeze(),
      len: this.len.freeze(),
      refStart,
      refTarget: target,
      dangling: dangling.freeze(),
      missingRefs: missing,
    };
  }

  private bad(buf: Uint8Array, at: number, end: number): void {
    if (this.badLines++ === 0) {
      this.firstBadLine = this.lineNo;
      this.firstBadText = utf8.decode(buf.subarray(at, Math.min(end, at + 80)));
    }
  }

  private line(buf: Uint8Array, at: number, end: number): void {
    this.lineNo++;
    while (at < end && isWs(buf[at])) at++;
    while (end > at && isWs(buf[end - 1])) end--;
    if (at === end) return;
    // Tolerate a dump wrapped as a JSON array: `[`, `]`, `[{…},`, `{…}]`, trailing commas.
    if (buf[at] === LBRACK) {
      at++;
      while (at < end && isWs(buf[at])) at++;
      if (at === end) return;
    }
    if (buf[end - 1] === COMMA) {
      end--;
      while (end > at && isWs(buf[end - 1])) end--;
    }
    if (end > at && buf[end - 1] === RBRACK) {
      end--;
      while (end > at && isWs(buf[end - 1])) end--;
      if (end > at && buf[end - 1] === COMMA) end--;
    }
    if (at === end) return;
    if (!this.object(buf, at, end)) this.bad(buf, at, end);
  }

  /** Parses one `{…}` spanning exactly [at, end); returns false when it is not a valid object line. */
  private object(buf: Uint8Array, at: number, end: number): boolean {
    if (buf[at] !== LBRACE) return false;
    const refMark = this.rawHi.length;
    let hasAddr = false;
    let hasType = false;
    let hasSize = false;
    let aHi = 0;
    let aLo = 0;
    let typeId = 0;
    let size = 0;
    let nameId = 0;
    let valueS = 0;
    let valueE = 0;
    let len = -1;
    let i = at + 1;
    let ok = false;
    parse: for (;;) {
      while (i < end && isWs(buf[i])) i++;
      if (i >= end) break;
      if (buf[i] === RBRACE) {
        ok = i + 1 === end;
        break;
      }
      if (buf[i] !== QUOTE) break;
      const ks = i + 1;
      i = this.str(buf, i, end);
      if (i < 0) break;
      const key = this.sPlain ? keyOf(buf, ks, this.sEnd) : 0;
      while (i < end && isWs(buf[i])) i++;
      if (buf[i] !== COLON) break;
      i++;
      while (i < end && isWs(buf[i])) i++;
      if (i >= end) break;
      switch (key) {
        case K_ADDRESS:
          i = this.u64(buf, i, end);
          if (i < 0) break parse;
          aHi = this.nHi;
          aLo = this.nLo;
          hasAddr = true;
          break;
        case K_SIZE:
          i = this.u64(buf, i, end);
          if (i < 0 || this.nHi >= 0x200000) break parse;
          size = this.nHi * 4294967296 + this.nLo;
          hasSize = true;
          break;
        case K_LEN:
          i = this.u64(buf, i, end);
          if (i < 0 || this.nHi >= 0x200000) break parse;
          len = this.nHi * 4294967296 + this.nLo;
          break;
        case K_TYPE:
          if (buf[i] !== QUOTE) break parse;
          i = this.str(buf, i, end);
          if (i < 0) break parse;
          typeId = this.internRaw(buf);
          if (typeId < 0) break parse;
          hasType = true;
          break;
        case K_NAME:
          if (buf[i] === QUOTE) {
            i = this.str(buf, i, end);
            if (i < 0) break parse;
            nameId = this.internRaw(buf);
            if (nameId < 0) break parse;
          } else {
            i = this.skipValue(buf, i, end);
            if (i < 0) break parse;
          }
          break;
        case K_VALUE:
          valueS = i;
          i = this.valueField(buf, i, end);
          if (i < 0) break parse;
          valueE = this.lastValueEnd;
          break;
        case K_REFS:
          i = this.refs(buf, i, end);
          if (i < 0) break parse;
          break;
        default:
          i = this.skipValue(buf, i, end);
          if (i < 0) break parse;
      }
      while (i < end && isWs(buf[i])) i++;
      if (buf[i] === COMMA) {
        i++;
        continue;
      }
      if (buf[i] === RBRACE) {
        ok = i + 1 === end;
        break;
      }
      break;
    }
    if (!ok || !hasAddr || !hasType || !hasSize) {
      this.rawHi.length = refMark;
      this.rawLo.length = refMark;
      return false;
    }
    const row = this.builder.rows;
    if (this.totalSize + size > Number.MAX_SAFE_INTEGER) {
      this.rawHi.length = refMark;
      this.rawLo.length = refMark;
      return false;
    }
    if (row >= MAX_ROWS) this.limit(`more than ${MAX_ROWS.toLocaleString('en-US')} objects, the limit of one table`);
    if (this.rawHi.length > MAX_REFS) this.limit(`more than ${MAX_REFS.toLocaleString('en-US')} references, the limit of one dump`);
    if (this.valueBytes.length + (valueE - valueS) > MAX_VALUE_BYTES) this.limit(`more than ${MAX_VALUE_BYTES >> 20} MiB of values, the limit of one dump`);
    if (this.index.add(aHi, aLo, row) !== row) {
      this.duplicates++;
      this.rawHi.length = refMark;
      this.rawLo.length = refMark;
      return true;
    }
    this.totalSize += size;
    this.builder.add(aHi, aLo, size, AllocState.Used, typeId);
    this.name.push(nameId);
    this.valueStart.push(this.valueBytes.length);
    if (valueE > valueS) {
      const vb = this.valueBytes;
      vb.reserve(vb.length + (valueE - valueS));
      vb.array.set(buf.subarray(valueS, valueE), vb.length);
      vb.length += valueE - valueS;
    }
    this.len.push(len);
    this.rawStart.push(refMark);
    return true;
  }

  /** Unsigned decimal integer of at most 64 bits at `i` into nHi/nLo; returns the index after it or -1. */
  private u64(buf: Uint8Array, i: number, end: number): number {
    const s = i;
    // Up to 15 digits fit a double exactly: the common case (48-bit pointers).
    let v = 0;
    const fast = Math.min(end, i + 15);
    while (i < fast) {
      const d = buf[i] - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
      i++;
    }
    if (i === s) return -1;
    let hi = Math.floor(v / 4294967296);
    let lo = v - hi * 4294967296;
    while (i < end) {
      const d = buf[i] - 48;
      if (d < 0 || d > 9) break;
      const l = lo * 10 + d;
      const carry = Math.floor(l / 4294967296);
      lo = l - carry * 4294967296;
      hi = hi * 10 + carry;
      if (hi > 0xffffffff) return -1;
      i++;
    }
    if (i - s > 20) return -1;
    const c = buf[i];
    if (c === 46 /* . */ || c === 101 /* e */ || c === 69 /* E */) return -1;
    this.nHi = hi;
    this.nLo = lo;
    return i;
  }

  /** Scans the string whose opening quote is at `i`; sets sStart/sEnd (content) and sPlain (no escape, ASCII). */
  private str(buf: Uint8Array, i: number, end: number): number {
    const s = i + 1;
    let plain = true;
    i = s;
    while (i < end) {
      const c = buf[i];
      if (c === QUOTE) {
        this.sStart = s;
        this.sEnd = i;
        this.sPlain = plain;
        return i + 1;
      }
      if (c === BACKSLASH) {
        plain = false;
        i += 2;
        continue;
      }
      if (c >= 0x80) plain = false;
      i++;
    }
    return -1;
  }

  /** Decodes the string last scanned by `str` (JSON escapes, UTF-8); null when an escape is invalid. */
  private decodeStr(buf: Uint8Array): string | null {
    return this.sPlain ? latin1(buf, this.sStart, this.sEnd) : decodeJsonString(buf, this.sStart, this.sEnd);
  }

  /** Interns the string last scanned, cached by its raw bytes; -1 when it does not decode. */
  private internRaw(buf: Uint8Array): number {
    const s = this.sStart;
    const e = this.sEnd;
    let h = 0x811c9dc5 ^ (e - s);
    for (let k = s; k < e; k++) h = Math.imul(h ^ buf[k], 0x01000193);
    let entry = this.rawIds.get(h);
    for (let x = entry; x; x = x.next) {
      const raw = x.raw;
      if (raw.length !== e - s) continue;
      let same = true;
      for (let k = 0; k < raw.length; k++) {
        if (raw[k] !== buf[s + k]) {
          same = false;
          break;
        }
      }
      if (same) return x.id;
    }
    const text = this.decodeStr(buf);
    if (text === null) return -1;
    const id = this.builder.strings.intern(text);
    entry = { raw: buf.slice(s, e), id, next: entry };
    this.rawIds.set(h, entry);
    return id;
  }

  private lastValueEnd = 0;

  /**
   * `value`: a string (escapes checked), a number, true/false, or anything else
   * (null, arrays, objects: skipped, no value kept). Sets lastValueEnd to the end
   * of the token to keep (equal to its start when none).
   */
  private valueField(buf: Uint8Array, i: number, end: number): number {
    const c = buf[i];
    if (c === QUOTE) {
      const j = this.str(buf, i, end);
      if (j < 0 || (!this.sPlain && this.decodeStr(buf) === null)) return -1;
      this.lastValueEnd = j;
      return j;
    }
    if (c === MINUS || (c >= 48 && c <= 57)) {
      let j = i + 1;
      while (j < end) {
        const d = buf[j];
        if ((d >= 48 && d <= 57) || d === 46 || d === 101 || d === 69 || d === 43 || d === MINUS) j++;
        else break;
      }
      this.lastValueEnd = j;
      return j;
    }
    const j = this.skipValue(buf, i, end);
    if (j < 0) return -1;
    this.lastValueEnd = c === 116 || c === 102 ? j : i;
    return j;
  }

  /** `refs`: an array of decimal addresses, pushed to the raw reference columns. */
  private refs(buf: Uint8Array, i: number, end: number): number {
    if (buf[i] !== LBRACK) return -1;
    i++;
    while (i < end && isWs(buf[i])) i++;
    if (buf[i] === RBRACK) return i + 1;
    for (;;) {
      i = this.u64(buf, i, end);
      if (i < 0) return -1;
      this.rawHi.push(this.nHi);
      this.rawLo.push(this.nLo);
      while (i < end && isWs(buf[i])) i++;
      const c = buf[i];
      if (c === COMMA) {
        i++;
        while (i < end && isWs(buf[i])) i++;
        continue;
      }
      if (c === RBRACK) return i + 1;
      return -1;
    }
  }

  /** Skips any JSON value without recursion (nesting depth is only a counter); -1 when malformed. */
  private skipValue(buf: Uint8Array, i: number, end: number): number {
    let depth = 0;
    for (;;) {
      while (i < end && isWs(buf[i])) i++;
      if (i >= end) return -1;
      const c = buf[i];
      if (c === QUOTE) {
        i = this.str(buf, i, end);
        if (i < 0) return -1;
      } else if (c === LBRACE || c === LBRACK) {
        depth++;
        i++;
        continue;
      } else if (c === RBRACE || c === RBRACK) {
        if (depth === 0) return -1;
        depth--;
        i++;
      } else if (c === COLON || c === COMMA) {
        if (depth === 0) return -1;
        i++;
        continue;
      } else {
        const s = i;
        while (i < end) {
          const d = buf[i];
          if (isWs(d) || d === COMMA || d === RBRACE || d === RBRACK || d === COLON || d === QUOTE || d === LBRACE || d === LBRACK) break;
          i++;
        }
        if (i === s) return -1;
      }
      if (depth === 0) return i;
    }
  }
}

function latin1(buf: Uint8Array, s: number, e: number): string {
  if (e - s <= 64) {
    let out = '';
    for (let k = s; k < e; k++) out += String.fromCharCode(buf[k]);
    return out;
  }
  let out = '';
  for (let k = s; k < e; k += 4096) out += String.fromCharCode(...buf.subarray(k, Math.min(e, k + 4096)));
  return out;
}

/** Reads a meliae dump (plain or gzip) into the allocation table, object columns and reference graph. */
export async function readMeliae(src: ByteSource, ctl?: ReadControl): Promise<MeliaeResult> {
  // meliae writes about 80-120 bytes per object.
  const parser = new MeliaeParser(src.name, Math.min(1 << 22, Math.ceil((await decodedSizeHint(src)) / 100)));
  for await (const chunk of decodedChunks(src, ctl, TEXT_DECODE_BUDGET)) parser.push(chunk);
  return parser.end();
}
