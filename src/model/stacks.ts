/**
 * Call stacks shared by many allocations: a frames table and a stack table
 * that is a prefix tree (a "stack table" as profilers call it).
 *
 * Frames table — one row per distinct (file, line):
 *
 * | column | type        | meaning                                                        |
 * |--------|-------------|----------------------------------------------------------------|
 * | file   | Uint32Array | string id (in the input's string table) of the file name       |
 * | line   | Int32Array  | line number as the tracer recorded it (0 when unknown)          |
 *
 * Stack table — one row per distinct call path, the root being the OLDEST
 * frame (so a flame graph is drawn straight from it):
 *
 * | column | type        | meaning                                                        |
 * |--------|-------------|----------------------------------------------------------------|
 * | frame  | Uint32Array | frame id of the stack's most recent frame (its leaf)            |
 * | parent | Uint32Array | stack id of the same path without that leaf (the caller's path) |
 * | depth  | Uint32Array | number of frames on the path (1 for a root-level frame)         |
 *
 * Stack id 0 is the empty path (no frame): `frame[0] = 0`, `parent[0] = 0`,
 * `depth[0] = 0`. Every other row has `parent < id`, so walking parents always
 * ends at 0 and a pass in id order sees callers before callees. Two equal frame
 * sequences always get the same stack id, so "same traceback" is "same id".
 */
import { ColumnBuilder } from './columns.ts';

export interface FrameTable {
  rows: number;
  file: Uint32Array;
  line: Int32Array;
}

export interface StackTable {
  rows: number;
  frame: Uint32Array;
  parent: Uint32Array;
  depth: Uint32Array;
}

/**
 * Open-addressing hash from a pair of 32-bit integers to a row id, on typed
 * arrays (no JS object per entry). Used to intern frames and stack nodes.
 */
class PairIndex {
  private keysA: Int32Array;
  private keysB: Int32Array;
  private vals: Int32Array;
  private mask: number;
  private count = 0;

  constructor(capacity = 1024) {
    let cap = 1024;
    while (cap < capacity * 2) cap *= 2;
    this.keysA = new Int32Array(cap);
    this.keysB = new Int32Array(cap);
    this.vals = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
  }

  private static hash(a: number, b: number): number {
    let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    return (h ^ (h >>> 13)) >>> 0;
  }

  /** The row id stored for (a, b), or -1. */
  get(a: number, b: number): number {
    let i = PairIndex.hash(a, b) & this.mask;
    for (;;) {
      const v = this.vals[i];
      if (v < 0) return -1;
      if (this.keysA[i] === (a | 0) && this.keysB[i] === (b | 0)) return v;
      i = (i + 1) & this.mask;
    }
  }

  /** Stores (a, b) -> v; the pair must not be present yet. */
  set(a: number, b: number, v: number): void {
    if ((this.count + 1) * 2 > this.vals.length) this.grow();
    this.place(a | 0, b | 0, v);
    this.count++;
  }

  private place(a: number, b: number, v: number): void {
    let i = PairIndex.hash(a, b) & this.mask;
    while (this.vals[i] >= 0) i = (i + 1) & this.mask;
    this.keysA[i] = a;
    this.keysB[i] = b;
    this.vals[i] = v;
  }

  private grow(): void {
    const { keysA, keysB, vals } = this;
    const cap = vals.length * 2;
    this.keysA = new Int32Array(cap);
    this.keysB = new Int32Array(cap);
    this.vals = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    for (let i = 0; i < vals.length; i++) if (vals[i] >= 0) this.place(keysA[i], keysB[i], vals[i]);
  }
}

/** Builds a frames table, interning each (file string id, line) pair once. */
export class FrameTableBuilder {
  private readonly file = new ColumnBuilder(Uint32Array, 1024);
  private readonly line = new ColumnBuilder(Int32Array, 1024);
  private readonly index = new PairIndex();

  get rows(): number {
    return this.file.length;
  }

  /** Frame id of (file, line), added when new. */
  intern(file: number, line: number): number {
    let id = this.index.get(file, line);
    if (id < 0) {
      id = this.file.length;
      this.file.push(file);
      this.line.push(line);
      this.index.set(file, line, id);
    }
    return id;
  }

  freeze(): FrameTable {
    return { rows: this.rows, file: this.file.freeze(), line: this.line.freeze() };
  }
}

/** Builds a stack table (prefix tree); row 0, the empty path, exists from the start. */
export class StackTableBuilder {
  private readonly frame = new ColumnBuilder(Uint32Array, 1024);
  private readonly parent = new ColumnBuilder(Uint32Array, 1024);
  private readonly depth = new ColumnBuilder(Uint32Array, 1024);
  private readonly index = new PairIndex();

  constructor() {
    this.frame.push(0);
    this.parent.push(0);
    this.depth.push(0);
  }

  get rows(): number {
    return this.frame.length;
  }

  /** Number of frames on stack `id`. */
  depthOf(id: number): number {
    return this.depth.array[id];
  }

  /** Stack id of the path `parent` followed by `frame` (a call made from `parent`). */
  child(parent: number, frame: number): number {
    let id = this.index.get(parent, frame);
    if (id < 0) {
      id = this.frame.length;
      this.frame.push(frame);
      this.parent.push(parent);
      this.depth.push(this.depth.array[parent] + 1);
      this.index.set(parent, frame, id);
    }
    return id;
  }

  freeze(): StackTable {
    return { rows: this.rows, frame: this.frame.freeze(), parent: this.parent.freeze(), depth: this.depth.freeze() };
  }
}

/** The frame ids of stack `id`, oldest first (root to leaf). */
export function stackFrames(stacks: StackTable, id: number): number[] {
  const out = new Array<number>(stacks.depth[id]);
  for (let s = id, i = out.length - 1; s !== 0; s = stacks.parent[s], i--) out[i] = stacks.frame[s];
  return out;
}
