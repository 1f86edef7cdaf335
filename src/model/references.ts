/**
 * The reference graph of one snapshot's used allocations, as chap defines a
 * reference: a pointer-aligned, pointer-sized word inside a used allocation
 * whose value falls inside a used allocation (`[address, address + size)`).
 * Rows are the rows of the snapshot's allocation table; free rows have no edges.
 *
 * Both directions are CSR (compressed sparse rows) over SharedArrayBuffers:
 *
 * | column     | type        | meaning                                                              |
 * |------------|-------------|----------------------------------------------------------------------|
 * | outStart   | Uint32Array | rows + 1 entries: row r's outgoing edges are `outTarget[outStart[r] .. outStart[r+1])` |
 * | outTarget  | Uint32Array | target row of each outgoing edge, in the order of the words in r     |
 * | inStart    | Uint32Array | rows + 1 entries: row r's incoming edges are `inSource[inStart[r] .. inStart[r+1])` |
 * | inSource   | Uint32Array | source row of each incoming edge                                     |
 *
 * An allocation that points into another several times has one edge per word,
 * as chap counts them. 8 bytes per edge (both directions) + 8 per allocation.
 */
export interface ReferenceGraph {
  rows: number;
  outStart: Uint32Array;
  outTarget: Uint32Array;
  inStart: Uint32Array;
  inSource: Uint32Array;
}

/** Bytes held by the graph's columns. */
export function graphBytes(g: ReferenceGraph): number {
  return g.outStart.byteLength + g.outTarget.byteLength + g.inStart.byteLength + g.inSource.byteLength;
}
