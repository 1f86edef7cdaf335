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
