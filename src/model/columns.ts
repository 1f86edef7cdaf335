/**
 * Growable typed-array columns backed by SharedArrayBuffer.
 *
 * A builder owns one column while a reader fills it: it grows by doubling into a
 * new SharedArrayBuffer, and `freeze()` trims it to the exact row count so a
 * frozen table costs exactly `rows * BYTES_PER_ELEMENT` per column. Frozen
 * columns are plain typed arrays over a SharedArrayBuffer: posting them to
 * another worker or to the main thread shares the memory, never copies it.
 */

export type TypedArray =
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | Int32Array
  | Float64Array;

export interface TypedArrayCtor<T extends TypedArray> {
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

/** Allocates a SharedArrayBuffer when the page is cross-origin isolated (or in Node), else an ArrayBuffer. */
/**
 * `a` when it holds `need` elements, else a copy of it in a new array (plain, not shared) of at least `need` and at
 * least twice its length: what a reader's growing scratch array asks for.
 */
export function grown<T extends Uint32Array | Uint8Array | Float64Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

export function allocShared(bytes: number): ArrayBufferLike {
  if (typeof SharedArrayBuffer !== 'undefined') {
    try {
      return new SharedArrayBuffer(bytes);
    } catch {
      /* fall through: SAB constructor exists but is disabled (not isolated) */
    }
  }
  return new ArrayBuffer(bytes);
}

export class ColumnBuilder<T extends TypedArray> {
  private data: T;
  length = 0;

  constructor(
    private readonly ctor: TypedArrayCtor<T>,
    initialCapacity = 1024,
  ) {
    this.data = new ctor(allocShared(Math.max(16, initialCapacity) * ctor.BYTES_PER_ELEMENT));
  }

  get capacity(): number {
    return this.data.length;
  }

  /** The backing array; valid up to `length`, and only until the next growth. */
  get array(): T {
    return this.data;
  }

  /** Makes room for at least `rows` rows in total. */
  reserve(rows: number): void {
    if (rows <= this.data.length) return;
    let cap = this.data.length;
    while (cap < rows) cap *= 2;
    const next = new this.ctor(allocShared(cap * this.ctor.BYTES_PER_ELEMENT));
    (next as unknown as { set(a: T): void }).set(this.data);
    this.data = next;
  }

  push(value: number): void {
    if (this.length === this.data.length) this.reserve(this.length + 1);
    this.data[this.length++] = value;
  }

  /** Returns a column of exactly `length` rows (copied into a fresh shared buffer when trimmed). */
  freeze(): T {
    if (this.data.length === this.length) return this.data;
    const out = new this.ctor(allocShared(Math.max(1, this.length) * this.ctor.BYTES_PER_ELEMENT), 0, this.length);
    (out as unknown as { set(a: T): void }).set(this.data.subarray(0, this.length) as T);
    return out;
  }
}

/** A column of unsigned whole numbers that widens only when a value needs it (`NarrowColumnBuilder`). */
export type NarrowColumn = Uint8Array | Uint16Array | Uint32Array | Float64Array;

/** The element types a `NarrowColumnBuilder` steps through, narrowest first. */
export type NarrowElement = 'u8' | 'u16' | 'u32' | 'f64';

const RUNGS: readonly NarrowElement[] = ['u8', 'u16', 'u32', 'f64'];
const CTORS: Record<NarrowElement, TypedArrayCtor<NarrowColumn>> = { u8: Uint8Array, u16: Uint16Array, u32: Uint32Array, f64: Float64Array };

/** True when element type `e` holds `v` exactly (f64 holds every number the other types can). */
function holds(e: NarrowElement, v: number): boolean {
  switch (e) {
    case 'u8':
      return (v & 0xff) === v;
    case 'u16':
      return (v & 0xffff) === v;
    case 'u32':
      return v >>> 0 === v;
    default:
      return true;
  }
}

/**
 * A growable column stored in the narrowest of `from` … `to` (u8 < u16 < u32 < f64) that holds every value
 * written: it starts as `from` and is copied into the next type that holds a value the moment one does not fit, so
 * no value is ever truncated (a 5 GiB size turns a Uint32 column into a Float64 one). A value that even `to` does
 * not hold exactly is a RangeError.
 */
export class NarrowColumnBuilder {
  private col: ColumnBuilder<NarrowColumn>;
  private kind: NarrowElement;

  constructor(
    from: NarrowElement,
    initialCapacity = 1024,
    private readonly to: NarrowElement = 'f64',
  ) {
    this.kind = from;
    this.col = new ColumnBuilder(CTORS[from], initialCapacity);
  }

  /** The element type so far. */
  get element(): NarrowElement {
    return this.kind;
  }

  get length(): number {
    return this.col.length;
  }

  set length(n: number) {
    this.col.length = n;
  }

  get capacity(): number {
    return this.col.capacity;
  }

  /** Row `i`'s value (no `array` is handed out: a write into it could truncate a value a wider type needs). */
  get(i: number): number {
    return this.col.array[i];
  }

  reserve(rows: number): void {
    this.col.reserve(rows);
  }

  push(value: number): void {
    if (!holds(this.kind, value)) this.widen(value);
    this.col.push(value);
  }

  /** Writes row `i` (below the capacity), widening first when the value needs it. */
  set(i: number, value: number): void {
    if (!holds(this.kind, value)) this.widen(value);
    this.col.array[i] = value;
  }

  private widen(value: number): void {
    let r = RUNGS.indexOf(this.kind);
    const top = RUNGS.indexOf(this.to);
    while (r < top && !holds(RUNGS[r], value)) r++;
    if (!holds(RUNGS[r], value)) throw new RangeError(`column value ${value} is not a whole number a ${this.to} column holds`);
    const next = new ColumnBuilder(CTORS[RUNGS[r]], this.col.capacity);
    next.array.set(this.col.array); // every row below the capacity: callers may write by `set` before they set `length`
    next.length = this.col.length;
    this.col = next;
    this.kind = RUNGS[r];
  }

  /** The column, exactly `length` rows long. */
  freeze(): NarrowColumn {
    return this.col.freeze();
  }
}
