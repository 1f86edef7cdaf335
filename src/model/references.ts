/**
 * The reference graph of one snapshot's used allocations, as chap defines a
 * reference: a pointer-aligned, pointer-sized word inside a used allocation
 * whose value falls inside another used allocation (`[address, address + size)`).
 * Rows are the rows of the snapshot's allocation table; free rows have no edges.
 *
 * Both directions are CSR (compressed sparse rows) over SharedArrayBuffers:
 *
 * | column     | type         | meaning                                                              |
 * |------------|--------------|----------------------------------------------------------------------|
 * | outStart   | Uint32Array  | rows + 1 entries: row r's outgoing edges are `outTarget[outStart[r] .. outStart[r+1])` |
 * | outTarget  | Uint32Array  | target row of each outgoing edge, ascending per source               |
 * | inStart    | Uint32Array? | rows + 1 entries: row r's incoming edges are `inSource[inStart[r] .. inStart[r+1])` |
 * | inSource   | Uint32Array? | source row of each incoming edge, ascending per target               |
 *
 * As in chap, an edge is one (source, target) pair however many words of the
 * source point into the target, and an allocation never refers to itself.
 * The outgoing direction is built with the graph (4 bytes per edge + 4 per
 * row); the incoming one is derived from it when first needed (the inspector's
 * "who points here", anchor chains): another 4 per edge + 4 per row
 * (`withIncoming` in workers/logic/leaks/graph.ts).
 */
export interface ReferenceGraph {
  rows: number;
  outStart: Uint32Array;
  outTarget: Uint32Array;
  inStart?: Uint32Array;
  inSource?: Uint32Array;
}

/** Bytes held by the graph's columns. */
export function graphBytes(g: ReferenceGraph): number {
  return g.outStart.byteLength + g.outTarget.byteLength + (g.inStart?.byteLength ?? 0) + (g.inSource?.byteLength ?? 0);
}
