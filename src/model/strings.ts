/**
 * Interned strings, one table per input.
 *
 * While a reader runs, `StringTableBuilder` maps each distinct string to a small
 * integer id. Id 0 is always the empty string, which columns use for "none".
 * Frozen, the table is two shared columns: `bytes` (UTF-8 of every string, back
 * to back) and `offsets` (`offsets[i]..offsets[i+1]` is string i), so it can be
 * shared with the main thread and other workers like any other column.
 */
import { allocShared } from './columns.ts';

export interface StringTableData {
  bytes: Uint8Array;
  offsets: Uint32Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Values numbered 0, 1, … in the order first seen: `id(v)` is v's number, `values[id]` the value. */
export class Interner<T = string> {
  private readonly ids = new Map<T, number>();
  readonly values: T[] = [];

  id(v: T): number {
    let id = this.ids.get(v);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(v, id);
      this.values.push(v);
    }
    return id;
  }

  /** v's number if it has one (nothing is added). */
  find(v: T): number | undefined {
    return this.ids.get(v);
  }

  get size(): number {
    return this.values.length;
  }
}

export class StringTableBuilder {
  private readonly ids = new Interner();

  constructor() {
    this.intern('');
  }

  intern(s: string): number {
    return this.ids.id(s);
  }

  get size(): number {
    return this.ids.size;
  }

  get(id: number): string {
    return this.ids.values[id] ?? '';
  }

  freeze(): StringTableData {
    return packStrings(this.ids.values);
  }
}

/**
 * The strings as a string table's columns (UTF-8 bytes one after another, offsets with one past the end), in
 * buffers from `alloc`: shared by default; a plain `ArrayBuffer` for a table that is stored or uploaded.
 */
export function packStrings(list: readonly string[], alloc: (bytes: number) => ArrayBufferLike = allocShared): StringTableData {
  const encoded = list.map((s) => encoder.encode(s));
  const total = encoded.reduce((n, e) => n + e.length, 0);
  const bytes = new Uint8Array(alloc(Math.max(1, total)), 0, total);
  const offsets = new Uint32Array(alloc((encoded.length + 1) * 4));
  let at = 0;
  encoded.forEach((e, i) => {
    offsets[i] = at;
    bytes.set(e, at);
    at += e.length;
  });
  offsets[encoded.length] = at;
  return { bytes, offsets };
}

/** Read side of a frozen string table; decodes lazily and caches. */
export class StringTable {
  private readonly cache: (string | undefined)[];

  constructor(readonly data: StringTableData) {
    this.cache = new Array(Math.max(0, data.offsets.length - 1));
  }

  get size(): number {
    return this.data.offsets.length - 1;
  }

  get(id: number): string {
    if (id <= 0 || id >= this.size) return '';
    let s = this.cache[id];
    if (s === undefined) {
      const { bytes, offsets } = this.data;
      // TextDecoder refuses views over SharedArrayBuffer: copy the few bytes out.
      s = decoder.decode(bytes.slice(offsets[id], offsets[id + 1]));
      this.cache[id] = s;
    }
    return s;
  }

  /** Byte size of the frozen table. */
  get byteLength(): number {
    return this.data.bytes.byteLength + this.data.offsets.byteLength;
  }
}
