/**
 * A pickle decoder that understands exactly one object graph: a
 * `tracemalloc.Snapshot` as `Snapshot.dump()` writes it (pickle protocols 2–5).
 *
 * It is not a general unpickler. It never imports, calls or instantiates
 * anything: the only globals it accepts are `tracemalloc.Snapshot` and
 * `tracemalloc._Traces`, which it only records as markers, and every value is
 * classified as it is built into one of the few shapes a snapshot contains:
 *
 *   frame      (filename: str, lineno: int)                  -> frames table row
 *   traceback  tuple of frames, most recent first            -> stack table row
 *   trace      (domain, size, traceback, total_nframe)       -> trace pool row
 *              (domain, size, traceback)    CPython 3.6–3.8
 *              (size, traceback)            CPython 3.4–3.5
 *   traces     list (or tuple) of traces                     -> row order
 *   objects    Snapshot / _Traces via NEWOBJ, state dicts via BUILD
 *
 * Anything else (another global, REDUCE, INST, bytes, floats, a tuple of any
 * other shape…) stops decoding with an `InputError` naming the file. Values
 * live on typed-array stacks (a tag and a number each), so no JS object is made
 * per trace, and memory stays proportional to the input: the memo may only grow
 * one entry at a time, strings are capped, containers are few.
 *
 * Feed it decoded bytes in any slicing with `push`, then call `finish`.
 *
 * Budgets (issue 13), each an `InputError` naming the file and the limit when
 * passed: at most `MAX_STACK` values on the stack and `MAX_MARKS` open marks (a
 * snapshot needs a traceback's frames, ≤ 65,535, and a few marks), at most
 * `MAX_MEMO` memo entries, `MAX_ROWS` traces, `MAX_PICKLE_STRING` bytes per
 * string. Strings must be UTF-8 (with encoded surrogates, as CPython's
 * "surrogatepass" writes them); any other byte sequence is refused.
 */
import { ColumnBuilder } from '../../../../src/model/columns.ts';
import { FrameTableBuilder, StackTableBuilder } from '../../../../src/model/stacks.ts';
import { StringTableBuilder } from '../../../../src/model/strings.ts';
import { MAX_ROWS } from '../../io/budget.ts';
import { InputError, type InputWarning } from '../../io/errors.ts';
import { describeOpcode } from './pickle-opcodes.ts';

/** Value tags on the stack and in the memo. */
const T_INT = 1;
const T_STR = 2;
const T_FRAME = 3;
const T_TRACEBACK = 4;
const T_TRACE = 5;
const T_SEQ = 6;
const T_EMPTY_TUPLE = 7;
const T_NONE = 8;
const T_CLASS = 9;
const T_OBJ = 10;
const T_DICT = 11;

const TAG_NAMES = ['?', 'int', 'str', 'frame tuple', 'traceback tuple', 'trace tuple', 'list', 'empty tuple', 'None', 'class', 'object', 'dict'];

const CLASS_SNAPSHOT = 0;
const CLASS_TRACES = 1;
const CLASS_NAMES = ['tracemalloc.Snapshot', 'tracemalloc._Traces'];

/** Longest string accepted (a file name); longer ones are taken as hostile. */
export const MAX_PICKLE_STRING = 1 << 20;
/** Most lists, dicts and objects one snapshot may hold (it has 1, 2 and 2). */
const MAX_CONTAINERS = 64;
/** Most keys one state dict may hold. */
const MAX_DICT_KEYS = 64;
/** Most values on the pickle stack (a traceback tuple holds at most 65,535 frames). */
export const MAX_STACK = 1 << 20;
/** Most MARKs open at once (a snapshot nests three or four). */
export const MAX_MARKS = 1 << 16;
/** Most memo entries (a snapshot memoizes each string, frame, traceback and trace once). */
export const MAX_MEMO = 1 << 26;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * UTF-8 that may hold encoded surrogates (WTF-8): CPython pickles str with
 * "surrogatepass", so file names decoded with surrogateescape survive. Returns
 * null when the bytes are not that (a bad lead or continuation byte, an
 * overlong form, a code point above U+10FFFF, a sequence cut short).
 */
export function decodeWtf8(b: Uint8Array): string | null {
  try {
    return utf8.decode(b);
  } catch {
    let s = '';
    for (let i = 0; i < b.length; ) {
      const c = b[i];
      let n: number;
      let cp: number;
      let min: number;
      if (c < 0x80) {
        s += String.fromCharCode(c);
        i++;
        continue;
      } else if (c >= 0xc2 && c < 0xe0) {
        n = 2;
        cp = c & 0x1f;
        min = 0x80;
      } else if (c >= 0xe0 && c < 0xf0) {
        n = 3;
        cp = c & 0x0f;
        min = 0x800;
      } else if (c >= 0xf0 && c < 0xf5) {
        n = 4;
        cp = c & 0x07;
        min = 0x10000;
      } else return null;
      if (i + n > b.length) return null;
      for (let k = 1; k < n; k++) {
        const d = b[i + k];
        if ((d & 0xc0) !== 0x80) return null;
        cp = (cp << 6) | (d & 0x3f);
      }
      if (cp < min || cp > 0x10ffff) return null;
      s += cp > 0xffff ? String.fromCodePoint(cp) : String.fromCharCode(cp);
      i += n;
    }
    return s;
  }
}

/**
 * A list of trace pool rows. While its items are 0, 1, 2, … (the pickler
 * appends traces in the order it built them) it is only a counter.
 */
class TraceSeq {
  length = 0;
  private items: number[] | null = null;

  push(row: number): void {
    if (this.items === null) {
      if (row === this.length) {
        this.length++;
        return;
      }
      this.items = Array.from({ length: this.length }, (_, i) => i);
    }
    this.items.push(row);
    this.length++;
  }

  /** True while the items are exactly 0 … length-1. */
  get isCounter(): boolean {
    return this.items === null;
  }

  rows(): Uint32Array {
    return this.items ? Uint32Array.from(this.items) : Uint32Array.from({ length: this.length }, (_, i) => i);
  }
}

interface PickledObject {
  cls: number;
  /** Dict index of the BUILD state, or -1 before BUILD. */
  state: number;
}

interface DictEntry {
  tag: number;
  val: number;
}

/** What the decoder found, before the final tables are assembled. */
export interface DecodedSnapshot {
  protocol: number;
  strings: StringTableBuilder;
  frames: FrameTableBuilder;
  stacks: StackTableBuilder;
  /** Trace pool columns, in the order the trace tuples were built. */
  pool: { size: ColumnBuilder<Float64Array>; domain: ColumnBuilder<Uint32Array>; stack: ColumnBuilder<Uint32Array>; totalFrames: ColumnBuilder<Uint32Array> };
  /** Pool rows in `_traces` order, or null when that order is the pool's own. */
  order: Uint32Array | null;
  rows: number;
  tracebackLimit: number;
  /** Traces whose traceback tuple was empty. */
  emptyTracebacks: number;
  /** Decoded bytes that followed STOP. */
  trailingBytes: number;
  warnings: InputWarning[];
}

export class SnapshotPickleDecoder {
  readonly strings = new StringTableBuilder();
  readonly frames = new FrameTableBuilder();
  readonly stacks = new StackTableBuilder();
  private readonly pool: DecodedSnapshot['pool'];
  private readonly warnings: InputWarning[] = [];

  // Value stack (tag + number per entry) and mark stack.
  private sTag = new Uint8Array(1024);
  private sVal = new Float64Array(1024);
  private sp = 0;
  private marks = new Int32Array(256);
  private mp = 0;
  // Memo.
  private mTag: Uint8Array;
  private mVal: Float64Array;
  private memoLen = 0;

  private readonly seqs: TraceSeq[] = [];
  private readonly dicts: Map<string, DictEntry>[] = [];
  private readonly objects: PickledObject[] = [];

  private protocol = -1;
  private stopped = false;
  private result: { tag: number; val: number } | null = null;
  private emptyTracebacks = 0;
  private carry: Uint8Array | null = null;
  /** Decoded offset of the first byte of the buffer being run. */
  private base = 0;
  private trailing = 0;

  /**
   * @param file name used in messages
   * @param expectedBytes decoded size if known: tables are sized for it up front
   *   (a Snapshot.dump file spends about 13 bytes per trace)
   */
  constructor(
    readonly file: string,
    expectedBytes = 0,
  ) {
    const traces = Math.max(1024, Math.min(Math.ceil(expectedBytes / 12), 1 << 26));
    this.pool = {
      size: new ColumnBuilder(Float64Array, traces),
      domain: new ColumnBuilder(Uint32Array, traces),
      stack: new ColumnBuilder(Uint32Array, traces),
      totalFrames: new ColumnBuilder(Uint32Array, traces),
    };
    const memo = Math.max(1024, Math.min(Math.ceil(expectedBytes / 10), 1 << 26));
    this.mTag = new Uint8Array(memo);
    this.mVal = new Float64Array(memo);
  }

  get done(): boolean {
    return this.stopped;
  }

  /** Feeds the next decoded bytes. */
  push(chunk: Uint8Array): void {
    if (this.stopped) {
      this.trailing += chunk.length;
      return;
    }
    let buf = chunk;
    if (this.carry) {
      buf = new Uint8Array(this.carry.length + chunk.length);
      buf.set(this.carry);
      buf.set(chunk, this.carry.length);
      this.carry = null;
    }
    const p = this.run(buf, buf.length);
    if (this.stopped) {
      this.trailing += buf.length - p;
    } else if (p < buf.length) {
      this.carry = buf.slice(p);
    }
    this.base += p;
  }

  /** Ends the input: checks the object graph and returns what it holds. */
  finish(): DecodedSnapshot {
    if (!this.stopped) {
      const at = this.base + (this.carry?.length ?? 0);
      if (at === 0) throw this.error('the file is empty');
      throw this.error(`the pickle ends at byte ${at.toLocaleString('en-US')} before its STOP opcode; the file looks truncated`);
    }
    if (this.trailing > 0) {
      this.warnings.push({ file: this.file, message: `${this.trailing.toLocaleString('en-US')} byte(s) after the end of the pickle were ignored` });
    }
    const top = this.result!;
    if (top.tag !== T_OBJ || this.objects[top.val].cls !== CLASS_SNAPSHOT) {
      throw this.error(`the pickle holds a ${this.describe(top.tag, top.val)}, not a tracemalloc.Snapshot`);
    }
    const snapState = this.stateOf(top.val, 'tracemalloc.Snapshot');
    const traces = snapState.get('traces');
    const limit = snapState.get('traceback_limit');
    if (!traces || traces.tag !== T_OBJ || this.objects[traces.val].cls !== CLASS_TRACES) {
      throw this.error('the Snapshot has no "traces" attribute holding a tracemalloc._Traces');
    }
    if (!limit || limit.tag !== T_INT) throw this.error('the Snapshot has no integer "traceback_limit" attribute');
    for (const k of snapState.keys()) {
      if (k !== 'traces' && k !== 'traceback_limit') this.warnings.push({ file: this.file, message: `the Snapshot has an unexpected attribute "${k}" (ignored)` });
    }
    const tracesState = this.stateOf(traces.val, 'tracemalloc._Traces');
    const list = tracesState.get('_traces');
    let seq: TraceSeq;
    if (list && list.tag === T_SEQ) seq = this.seqs[list.val];
    else if (list && list.tag === T_EMPTY_TUPLE) seq = new TraceSeq();
    else throw this.error('the _Traces object has no "_traces" list');

    const identity = seq.isCounter && seq.length === this.pool.size.length;
    const order = identity ? null : seq.rows();
    // The snapshot's total must stay exact (views add the sizes up).
    let total = 0;
    const sizes = this.pool.size.array;
    if (order) for (let i = 0; i < order.length; i++) total += sizes[order[i]];
    else for (let i = 0; i < seq.length; i++) total += sizes[i];
    if (total > Number.MAX_SAFE_INTEGER) throw this.error('the trace sizes add up to more than 2^53 bytes; no process has that much');
    if (order && this.emptyTracebacks > 0) {
      // Count only the traces that are really in the list.
      let n = 0;
      for (const r of order) if (this.pool.stack.array[r] === 0) n++;
      this.emptyTracebacks = n;
    }
    if (this.emptyTracebacks > 0) {
      this.warnings.push({
        file: this.file,
        message: `${this.emptyTracebacks.toLocaleString('en-US')} trace(s) have an empty traceback; they are grouped under "<unknown>"`,
      });
    }
    return {
      protocol: this.protocol,
      strings: this.strings,
      frames: this.frames,
      stacks: this.stacks,
      pool: this.pool,
      order,
      rows: seq.length,
      tracebackLimit: limit.val,
      emptyTracebacks: this.emptyTracebacks,
      trailingBytes: this.trailing,
      warnings: this.warnings,
    };
  }

  private stateOf(obj: number, what: string): Map<string, DictEntry> {
    const st = this.objects[obj].state;
    if (st < 0) throw this.error(`the ${what} object has no state (no BUILD opcode)`);
    return this.dicts[st];
  }

  private error(problem: string): InputError {
    return new InputError(this.file, `not a readable tracemalloc snapshot: ${problem}`);
  }

  private errorAt(at: number, problem: string): InputError {
    return this.error(`${problem} (at byte ${(this.base + at).toLocaleString('en-US')})`);
  }

  private describe(tag: number, val: number): string {
    if (tag === T_OBJ) return `${CLASS_NAMES[this.objects[val].cls]} object`;
    if (tag === T_CLASS) return `class ${CLASS_NAMES[val]}`;
    return TAG_NAMES[tag] ?? 'value';
  }

  // ---- value stack ----

  private push1(tag: number, val: number): void {
    if (this.sp === this.sTag.length) {
      if (this.sp >= MAX_STACK) {
        throw this.error(`more than ${MAX_STACK.toLocaleString('en-US')} values on the pickle stack, the limit; a snapshot needs at most a traceback's frames`);
      }
      const t = new Uint8Array(this.sp * 2);
      t.set(this.sTag);
      this.sTag = t;
      const v = new Float64Array(this.sp * 2);
      v.set(this.sVal);
      this.sVal = v;
    }
    this.sTag[this.sp] = tag;
    this.sVal[this.sp++] = val;
  }

  /** Stack index below which the innermost open MARK hides values. */
  private floor(): number {
    return this.mp > 0 ? this.marks[this.mp - 1] : 0;
  }

  /** Fails unless `n` values sit above the innermost mark. */
  private need(n: number, at: number, op: number): void {
    if (this.sp - n < this.floor()) throw this.errorAt(at, `${describeOpcode(op)} needs ${n} value(s) on the stack`);
  }

  private popMark(at: number): number {
    if (this.mp === 0) throw this.errorAt(at, 'an opcode needs a MARK but none is open');
    return this.marks[--this.mp];
  }

  private memoPut(idx: number, at: number): void {
    if (this.sp <= this.floor()) throw this.errorAt(at, 'memo write with an empty stack');
    if (idx > this.memoLen) {
      throw this.errorAt(at, `memo index ${idx} is out of range (the memo holds ${this.memoLen} entries; picklers number them in order)`);
    }
    if (idx === this.memoLen) {
      if (idx >= MAX_MEMO) throw this.errorAt(at, `more than ${MAX_MEMO.toLocaleString('en-US')} memo entries, the limit`);
      if (idx === this.mTag.length) {
        const t = new Uint8Array(idx * 2);
        t.set(this.mTag);
        this.mTag = t;
        const v = new Float64Array(idx * 2);
        v.set(this.mVal);
        this.mVal = v;
      }
      this.memoLen++;
    }
    this.mTag[idx] = this.sTag[this.sp - 1];
    this.mVal[idx] = this.sVal[this.sp - 1];
  }

  private memoGet(idx: number, at: number): void {
    if (idx >= this.memoLen) throw this.errorAt(at, `memo index ${idx} is read but was never written (the memo holds ${this.memoLen} entries)`);
    this.push1(this.mTag[idx], this.mVal[idx]);
  }

  // ---- strings, ints, globals ----

  private string(buf: Uint8Array, from: number, to: number, at: number): void {
    // File names are ASCII nearly always: avoid TextDecoder for short ones.
    let ascii = to - from <= 64;
    for (let i = from; ascii && i < to; i++) if (buf[i] >= 0x80) ascii = false;
    let s: string;
    if (ascii) {
      s = '';
      for (let i = from; i < to; i++) s += String.fromCharCode(buf[i]);
    } else {
      const d = decodeWtf8(buf.subarray(from, to));
      if (d === null) throw this.errorAt(at, 'a string holds bytes that are not UTF-8');
      s = d;
    }
    this.push1(T_STR, this.strings.intern(s));
  }

  /** Little-endian two's complement integer of `n` bytes (LONG1/LONG4). */
  private long(buf: Uint8Array, from: number, n: number, at: number): number {
    if (n === 0) return 0;
    if (n > 8) throw this.errorAt(at, `an integer of ${n} bytes is larger than any tracemalloc field`);
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[from + i]);
    if (buf[from + n - 1] & 0x80) v -= 1n << BigInt(8 * n);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
      throw this.errorAt(at, `the integer ${v} is too large to be exact`);
    }
    return Number(v);
  }

  private global(module: string, name: string, at: number): void {
    if (module === 'tracemalloc' && name === 'Snapshot') this.push1(T_CLASS, CLASS_SNAPSHOT);
    else if (module === 'tracemalloc' && name === '_Traces') this.push1(T_CLASS, CLASS_TRACES);
    else {
      const shown = `${module}.${name}`.slice(0, 120);
      throw this.errorAt(at, `the pickle refers to "${shown}", which is not part of a tracemalloc snapshot; it was not loaded`);
    }
  }

  // ---- tuples ----

  /** Builds a tuple from the top `n` stack entries (replacing them by one value). */
  private tuple(n: number, at: number): void {
    const sp0 = this.sp - n;
    const tags = this.sTag;
    const vals = this.sVal;
    if (n === 2 && tags[sp0] === T_STR && tags[sp0 + 1] === T_INT) {
      const line = vals[sp0 + 1];
      if (line < -2147483648 || line > 2147483647) throw this.errorAt(at, `line number ${line} is out of range`);
      tags[sp0] = T_FRAME;
      vals[sp0] = this.frames.intern(vals[sp0], line);
      this.sp = sp0 + 1;
      return;
    }
    const first = n > 0 ? tags[sp0] : 0;
    // A trace starts with an int (domain, or size on CPython 3.4-3.5).
    if (first === T_INT && n >= 2 && n <= 4 && this.trace(sp0, n)) return;
    if (first === T_FRAME || first === T_TRACE) {
      let same = true;
      for (let i = sp0 + 1; same && i < this.sp; i++) same = tags[i] === first;
      if (same && first === T_FRAME) {
        let node = 0;
        for (let i = this.sp - 1; i >= sp0; i--) node = this.stacks.child(node, vals[i]);
        tags[sp0] = T_TRACEBACK;
        vals[sp0] = node;
        this.sp = sp0 + 1;
        return;
      }
      if (same) {
        const seq = this.newSeq(at);
        const list = this.seqs[seq];
        for (let i = sp0; i < this.sp; i++) list.push(vals[i]);
        tags[sp0] = T_SEQ;
        vals[sp0] = seq;
        this.sp = sp0 + 1;
        return;
      }
    }
    const shape: string[] = [];
    for (let i = sp0; i < this.sp && shape.length < 5; i++) shape.push(this.describe(tags[i], vals[i]));
    if (n > 5) shape.push('…');
    throw this.errorAt(at, `a tuple of (${shape.join(', ')}) is not part of a tracemalloc snapshot`);
  }

  /** Recognises a trace tuple at sp0..sp0+n; returns false when it is not one. */
  private trace(sp0: number, n: number): boolean {
    const tags = this.sTag;
    const vals = this.sVal;
    let domain = 0;
    let tb: number;
    let total = -1;
    let k = sp0;
    if (n >= 3) {
      if (tags[k] !== T_INT) return false;
      domain = vals[k++];
    }
    if (tags[k] !== T_INT) return false;
    const size = vals[k++];
    const tbTag = tags[k];
    if (tbTag === T_TRACEBACK) tb = vals[k++];
    else if (tbTag === T_EMPTY_TUPLE) {
      tb = 0;
      k++;
    } else return false;
    if (n === 4) {
      if (tags[k] === T_INT) total = vals[k];
      else if (tags[k] !== T_NONE) return false;
    }
    if (domain < 0 || domain > 0xffffffff) throw this.error(`trace domain ${domain} is out of range`);
    if (size < 0) throw this.error(`trace size ${size} is negative`);
    const depth = this.stacks.depthOf(tb);
    if (total < 0) total = depth;
    if (total > 0xffffffff) throw this.error(`total_nframe ${total} is out of range`);
    if (tb === 0) this.emptyTracebacks++;
    const row = this.pool.size.length;
    if (row >= MAX_ROWS) throw this.error(`more than ${MAX_ROWS.toLocaleString('en-US')} traces, the limit of one table`);
    this.pool.size.push(size);
    this.pool.domain.push(domain);
    this.pool.stack.push(tb);
    this.pool.totalFrames.push(total);
    tags[sp0] = T_TRACE;
    vals[sp0] = row;
    this.sp = sp0 + 1;
    return true;
  }

  private newSeq(at: number): number {
    if (this.seqs.length >= MAX_CONTAINERS) throw this.errorAt(at, `more than ${MAX_CONTAINERS} lists; a tracemalloc snapshot has one`);
    this.seqs.push(new TraceSeq());
    return this.seqs.length - 1;
  }

  private newDict(at: number): number {
    if (this.dicts.length >= MAX_CONTAINERS) throw this.errorAt(at, `more than ${MAX_CONTAINERS} dicts; a tracemalloc snapshot has two`);
    this.dicts.push(new Map());
    return this.dicts.length - 1;
  }

  private setItems(from: number, at: number): void {
    const dictAt = from - 1;
    if (dictAt < this.floor() || this.sTag[dictAt] !== T_DICT) throw this.errorAt(at, 'SETITEM(S) on something that is not a dict');
    if ((this.sp - from) % 2 !== 0) throw this.errorAt(at, 'SETITEMS with an odd number of items');
    const d = this.dicts[this.sVal[dictAt]];
    for (let i = from; i < this.sp; i += 2) {
      if (this.sTag[i] !== T_STR) throw this.errorAt(at, `a dict key that is a ${this.describe(this.sTag[i], this.sVal[i])}, not an attribute name`);
      const key = this.strings.get(this.sVal[i]);
      if (!d.has(key) && d.size >= MAX_DICT_KEYS) throw this.errorAt(at, `a dict with more than ${MAX_DICT_KEYS} keys`);
      d.set(key, { tag: this.sTag[i + 1], val: this.sVal[i + 1] });
    }
    this.sp = from;
  }

  private appends(from: number, at: number): void {
    const listAt = from - 1;
    if (listAt < this.floor() || this.sTag[listAt] !== T_SEQ) throw this.errorAt(at, 'APPEND(S) on something that is not a list');
    const list = this.seqs[this.sVal[listAt]];
    for (let i = from; i < this.sp; i++) {
      if (this.sTag[i] !== T_TRACE) throw this.errorAt(at, `a list item that is a ${this.describe(this.sTag[i], this.sVal[i])}, not a trace tuple`);
      list.push(this.sVal[i]);
    }
    this.sp = from;
  }

  /**
   * Runs opcodes from buf[0] while whole opcodes are available; returns the
   * offset of the first opcode not run (its bytes have not all arrived).
   */
  private run(buf: Uint8Array, end: number): number {
    let p = 0;
    if (this.protocol < 0) {
      if (end < 1) return 0;
      if (buf[0] !== 0x80) {
        throw this.error(
          buf[0] === 0x28 || buf[0] === 0x63 || buf[0] === 0x5d || buf[0] === 0x7d
            ? 'this is a protocol 0 or 1 pickle; Snapshot.dump() writes protocol 4 or 5, and protocols 2–5 are read'
            : 'it does not start with a pickle PROTO opcode',
        );
      }
      if (end < 2) return 0;
      if (buf[1] < 2 || buf[1] > 5) throw this.error(`pickle protocol ${buf[1]} is not read (protocols 2–5 are)`);
      this.protocol = buf[1];
      p = 2;
    }
    outer: while (p < end) {
      const op = buf[p];
      switch (op) {
        case 0x4b: // BININT1
          if (p + 2 > end) break outer;
          this.push1(T_INT, buf[p + 1]);
          p += 2;
          continue;
        case 0x4d: // BININT2
          if (p + 3 > end) break outer;
          this.push1(T_INT, buf[p + 1] | (buf[p + 2] << 8));
          p += 3;
          continue;
        case 0x4a: // BININT
          if (p + 5 > end) break outer;
          this.push1(T_INT, buf[p + 1] | (buf[p + 2] << 8) | (buf[p + 3] << 16) | (buf[p + 4] << 24));
          p += 5;
          continue;
        case 0x8a: {
          // LONG1
          if (p + 2 > end) break outer;
          const n = buf[p + 1];
          if (p + 2 + n > end) break outer;
          this.push1(T_INT, this.long(buf, p + 2, n, p));
          p += 2 + n;
          continue;
        }
        case 0x8b: {
          // LONG4
          if (p + 5 > end) break outer;
          const n = (buf[p + 1] | (buf[p + 2] << 8) | (buf[p + 3] << 16) | (buf[p + 4] << 24)) >>> 0;
          if (n > 8) throw this.errorAt(p, `an integer of ${n} bytes is larger than any tracemalloc field`);
          if (p + 5 + n > end) break outer;
          this.push1(T_INT, this.long(buf, p + 5, n, p));
          p += 5 + n;
          continue;
        }
        case 0x88: // NEWTRUE
        case 0x89: // NEWFALSE
          this.push1(T_INT, op === 0x88 ? 1 : 0);
          p += 1;
          continue;
        case 0x4e: // NONE
          this.push1(T_NONE, 0);
          p += 1;
          continue;
        case 0x28: // MARK
          if (this.mp === this.marks.length) {
            if (this.mp >= MAX_MARKS) throw this.errorAt(p, `more than ${MAX_MARKS.toLocaleString('en-US')} open MARKs, the limit`);
            const m = new Int32Array(this.mp * 2);
            m.set(this.marks);
            this.marks = m;
          }
          this.marks[this.mp++] = this.sp;
          p += 1;
          continue;
        case 0x94: {
          // MEMOIZE (fast path: room in the memo and a value above the innermost mark)
          const m = this.memoLen;
          if (m < this.mTag.length && this.sp > (this.mp > 0 ? this.marks[this.mp - 1] : 0)) {
            this.mTag[m] = this.sTag[this.sp - 1];
            this.mVal[m] = this.sVal[this.sp - 1];
            this.memoLen = m + 1;
          } else this.memoPut(m, p);
          p += 1;
          continue;
        }
        case 0x71: // BINPUT
          if (p + 2 > end) break outer;
          this.memoPut(buf[p + 1], p);
          p += 2;
          continue;
        case 0x72: // LONG_BINPUT
          if (p + 5 > end) break outer;
          this.memoPut((buf[p + 1] | (buf[p + 2] << 8) | (buf[p + 3] << 16) | (buf[p + 4] << 24)) >>> 0, p);
          p += 5;
          continue;
        case 0x68: // BINGET
          if (p + 2 > end) break outer;
          this.memoGet(buf[p + 1], p);
          p += 2;
          continue;
        case 0x6a: // LONG_BINGET
          if (p + 5 > end) break outer;
          this.memoGet((buf[p + 1] | (buf[p + 2] << 8) | (buf[p + 3] << 16) | (buf[p + 4] << 24)) >>> 0, p);
          p += 5;
          continue;
        case 0x29: // EMPTY_TUPLE
          this.push1(T_EMPTY_TUPLE, 0);
          p += 1;
          continue;
        case 0x85: // TUPLE1
        case 0x86: // TUPLE2
        case 0x87: {
          // TUPLE3
          const n = op - 0x84;
          this.need(n, p, op);
          this.tuple(n, p);
          p += 1;
          continue;
        }
        case 0x74: {
          // TUPLE
          const from = this.popMark(p);
          if (from === this.sp) this.push1(T_EMPTY_TUPLE, 0);
          else this.tuple(this.sp - from, p);
          p += 1;
          continue;
        }
        case 0x65: // APPENDS
          this.appends(this.popMark(p), p);
          p += 1;
          continue;
        case 0x61: // APPEND
          this.need(2, p, op);
          this.appends(this.sp - 1, p);
          p += 1;
          continue;
        case 0x8c: {
          // SHORT_BINUNICODE
          if (p + 2 > end) break outer;
          const n = buf[p + 1];
          if (p + 2 + n > end) break outer;
          this.string(buf, p + 2, p + 2 + n, p);
          p += 2 + n;
          continue;
        }
        case 0x58: // BINUNICODE
        case 0x8d: {
          // BINUNICODE8
          const w = op === 0x58 ? 4 : 8;
          if (p + 1 + w > end) break outer;
          let n = 0;
          for (let i = w; i >= 1; i--) n = n * 256 + buf[p + i];
          if (n > MAX_PICKLE_STRING) {
            throw this.errorAt(p, `a string of ${n.toLocaleString('en-US')} bytes is far longer than any file name`);
          }
          if (p + 1 + w + n > end) break outer;
          this.string(buf, p + 1 + w, p + 1 + w + n, p);
          p += 1 + w + n;
          continue;
        }
        case 0x95: // FRAME (a length hint; the bytes that follow are ordinary opcodes)
          if (p + 9 > end) break outer;
          p += 9;
          continue;
        case 0x93: {
          // STACK_GLOBAL
          this.need(2, p, op);
          const t = this.sTag;
          if (t[this.sp - 1] !== T_STR || t[this.sp - 2] !== T_STR) throw this.errorAt(p, 'STACK_GLOBAL needs two strings');
          const name = this.strings.get(this.sVal[this.sp - 1]);
          const module = this.strings.get(this.sVal[this.sp - 2]);
          this.sp -= 2;
          this.global(module, name, p);
          p += 1;
          continue;
        }
        case 0x63: {
          // GLOBAL: "module\nname\n"
          const nl1 = buf.indexOf(10, p + 1);
          const nl2 = nl1 < 0 ? -1 : buf.indexOf(10, nl1 + 1);
          if (nl2 < 0 || nl2 >= end) {
            if (end - p > 512) throw this.errorAt(p, 'a GLOBAL opcode whose names are not terminated');
            break outer;
          }
          let module = '';
          for (let i = p + 1; i < nl1; i++) module += String.fromCharCode(buf[i]);
          let name = '';
          for (let i = nl1 + 1; i < nl2; i++) name += String.fromCharCode(buf[i]);
          this.global(module, name, p);
          p = nl2 + 1;
          continue;
        }
        case 0x81: {
          // NEWOBJ: cls args -> obj
          this.need(2, p, op);
          const t = this.sTag;
          if (t[this.sp - 2] !== T_CLASS || t[this.sp - 1] !== T_EMPTY_TUPLE) {
            throw this.errorAt(p, 'NEWOBJ is only accepted for tracemalloc.Snapshot or _Traces with no arguments');
          }
          this.sp -= 1;
          this.newObject(p);
          p += 1;
          continue;
        }
        case 0x92: {
          // NEWOBJ_EX: cls args kwargs -> obj
          this.need(3, p, op);
          const t = this.sTag;
          const kw = this.sVal[this.sp - 1];
          if (
            t[this.sp - 3] !== T_CLASS ||
            t[this.sp - 2] !== T_EMPTY_TUPLE ||
            t[this.sp - 1] !== T_DICT ||
            this.dicts[kw].size !== 0
          ) {
            throw this.errorAt(p, 'NEWOBJ_EX is only accepted for tracemalloc.Snapshot or _Traces with no arguments');
          }
          this.sp -= 2;
          this.newObject(p);
          p += 1;
          continue;
        }
        case 0x7d: // EMPTY_DICT
          this.push1(T_DICT, this.newDict(p));
          p += 1;
          continue;
        case 0x5d: // EMPTY_LIST
          this.push1(T_SEQ, this.newSeq(p));
          p += 1;
          continue;
        case 0x73: // SETITEM
          this.need(3, p, op);
          this.setItems(this.sp - 2, p);
          p += 1;
          continue;
        case 0x75: // SETITEMS
          this.setItems(this.popMark(p), p);
          p += 1;
          continue;
        case 0x62: {
          // BUILD: obj state -> obj
          this.need(2, p, op);
          const t = this.sTag;
          if (t[this.sp - 2] !== T_OBJ || t[this.sp - 1] !== T_DICT) {
            throw this.errorAt(p, 'BUILD is only accepted with a state dict for a tracemalloc object');
          }
          this.objects[this.sVal[this.sp - 2]].state = this.sVal[this.sp - 1];
          this.sp -= 1;
          p += 1;
          continue;
        }
        case 0x2e: // STOP
          if (this.sp !== 1 || this.mp !== 0) throw this.errorAt(p, `STOP with ${this.sp} values and ${this.mp} open marks on the stack`);
          this.result = { tag: this.sTag[0], val: this.sVal[0] };
          this.stopped = true;
          return p + 1;
        case 0x80:
          throw this.errorAt(p, 'a second PROTO opcode');
        default:
          throw this.errorAt(p, `opcode ${describeOpcode(op)} is not part of a tracemalloc snapshot; it was not run`);
      }
    }
    return p;
  }

  private newObject(at: number): void {
    if (this.objects.length >= MAX_CONTAINERS) throw this.errorAt(at, `more than ${MAX_CONTAINERS} objects; a tracemalloc snapshot has two`);
    this.objects.push({ cls: this.sVal[this.sp - 1], state: -1 });
    this.sTag[this.sp - 1] = T_OBJ;
    this.sVal[this.sp - 1] = this.objects.length - 1;
  }
}
