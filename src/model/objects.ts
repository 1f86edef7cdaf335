/**
 * The objects table and the reference graph of an object dump (meliae), beside
 * the allocations table: row i of every column here is row i of the input's
 * `AllocationTable` (which holds the object's address, size and type).
 *
 * | column     | type          | meaning                                                                  |
 * |------------|---------------|--------------------------------------------------------------------------|
 * | name       | Uint32Array   | string id of the object's name (module, function, class); 0 = none       |
 * | valueStart | Uint32Array   | rows + 1 offsets into `valueBytes`: row i's value is the JSON token       |
 * |            |               | `valueBytes[valueStart[i] .. valueStart[i+1])`, empty when none; read it   |
 * |            |               | with `objectValue` (str: first 100 characters as dumped, int: decimal      |
 * |            |               | text, bool: `True`/`False`)                                               |
 * | valueBytes | Uint8Array    | the value tokens back to back, as they are in the dump (decoded lazily:    |
 * |            |               | most values are never looked at, and a million small strings would cost    |
 * |            |               | more to intern than the whole parse)                                      |
 * | len        | Float64Array  | the dump's `len` (items of a list/dict/tuple/set, characters of a str);  |
 * |            |               | -1 when the dump gives none                                              |
 * | refStart   | Uint32Array   | rows + 1 entries: the references of row i are                            |
 * |            |               | `refTarget[refStart[i] .. refStart[i+1])` (CSR, in the dump's order)      |
 * | refTarget  | Uint32Array   | row index of each referenced object (duplicates kept, as in the dump)    |
 * | dangling   | Uint32Array   | rows (ascending) that refer to at least one address absent from the dump |
 *
 * String ids index the same interned string table as the allocations table
 * (`AllocationTable.strings`). References to addresses that are not in the
 * dump are dropped from the CSR; `missingRefs` counts them and `dangling`
 * says which rows had them. All columns are typed arrays over shared memory
 * (see `columns.ts`), so posting the table to another worker costs nothing.
 */

/** The reference graph alone, in CSR form: what the graph analyses need. */
export interface RefGraph {
  /** Number of nodes (objects). */
  rows: number;
  /** rows + 1 offsets into `refTarget`. */
  refStart: Uint32Array;
  /** Target row of each edge. */
  refTarget: Uint32Array;
}

/** Per-object columns of an object dump plus its reference graph (see the table above). */
export interface ObjectTable extends RefGraph {
  name: Uint32Array;
  valueStart: Uint32Array;
  valueBytes: Uint8Array;
  len: Float64Array;
  dangling: Uint32Array;
  /** References to addresses that no object of the dump has (dropped from the CSR). */
  missingRefs: number;
}

/** Bytes held by the object table's columns. */
export function objectTableBytes(t: ObjectTable): number {
  return (
    t.name.byteLength + t.valueStart.byteLength + t.valueBytes.byteLength + t.len.byteLength + t.refStart.byteLength + t.refTarget.byteLength + t.dangling.byteLength
  );
}

/** The rows that `row` refers to (a view, no copy). */
export function referentsOf(g: RefGraph, row: number): Uint32Array {
  return g.refTarget.subarray(g.refStart[row], g.refStart[row + 1]);
}

const utf8 = new TextDecoder();

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

const ESCAPES: Record<number, string> = { 34: '"', 92: '\\', 47: '/', 98: '\b', 102: '\f', 110: '\n', 114: '\r', 116: '\t' };

/**
 * Decodes the inside of a JSON string (the bytes between the quotes): UTF-8 plus
 * the JSON escapes, `\uXXXX` surrogate pairs included. Returns null when an escape
 * is invalid.
 */
export function decodeJsonString(buf: Uint8Array, s: number, e: number): string | null {
  let out = '';
  let seg = s;
  let i = s;
  while (i < e) {
    if (buf[i] !== 92) {
      i++;
      continue;
    }
    // TextDecoder refuses views over SharedArrayBuffer: decode a copy.
    if (i > seg) out += utf8.decode(buf.slice(seg, i));
    const c = buf[i + 1];
    if (c === 117) {
      if (i + 6 > e) return null;
      let v = 0;
      for (let k = i + 2; k < i + 6; k++) {
        const h = hexDigit(buf[k]);
        if (h < 0) return null;
        v = v * 16 + h;
      }
      out += String.fromCharCode(v);
      i += 6;
    } else {
      const x = ESCAPES[c];
      if (x === undefined) return null;
      out += x;
      i += 2;
    }
    seg = i;
  }
  if (e > seg) out += utf8.decode(buf.slice(seg, e));
  return out;
}

/** The value snippet of `row` as text (str decoded, numbers and booleans as written), or undefined when it has none. */
export function objectValue(t: ObjectTable, row: number): string | undefined {
  const s = t.valueStart[row];
  const e = t.valueStart[row + 1];
  if (e <= s) return undefined;
  const b = t.valueBytes;
  if (b[s] === 34 && e - s >= 2) return decodeJsonString(b, s + 1, e - 1) ?? undefined;
  return utf8.decode(b.slice(s, e));
}
