/**
 * The objects table and the reference graph of an object dump (meliae), beside
 * the allocations table: row i of every column here is row i of the input's
 * `AllocationTable` (which holds the object's address, size and type).
 *
 * | column     | type          | meaning                                                                  |
 * |------------|---------------|--------------------------------------------------------------------------|
 * | name       | Uint32Array   | string id of the object's name (module, function, class); 0 = none       |
 * | value      | Uint32Array   | string id of the value snippet (str: first 100 characters as dumped,     |
 * |            |               | int: decimal text, bool: `True`/`False`); 0 = none                       |
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
  value: Uint32Array;
  len: Float64Array;
  dangling: Uint32Array;
  /** References to addresses that no object of the dump has (dropped from the CSR). */
  missingRefs: number;
}

/** Bytes held by the object table's columns. */
export function objectTableBytes(t: ObjectTable): number {
  return (
    t.name.byteLength + t.value.byteLength + t.len.byteLength + t.refStart.byteLength + t.refTarget.byteLength + t.dangling.byteLength
  );
}

/** The rows that `row` refers to (a view, no copy). */
export function referentsOf(g: RefGraph, row: number): Uint32Array {
  return g.refTarget.subarray(g.refStart[row], g.refStart[row + 1]);
}
