/**
 * What the gzip and bzip2 indexes share about decoded bytes: a first-pass bitmap of the 4 KiB pages that held a
 * non-zero byte, and cached spans or blocks kept as 64 KiB chunks with the all-zero ones left out (null).
 */

/** Bytes per bit of the first pass's non-zero page bitmap. */
export const PAGE = 4096;
/** Bytes per chunk of a cached span or block. */
export const CHUNK = 64 << 10;

/** A cached span or block: its chunks in order, null where a chunk is all zero. */
export type SparseChunks = readonly (Uint8Array | null)[];

/** True when no page of [offset, offset + length) is marked in `nonZero` (bit p: page p held a non-zero byte). */
export function pagesAllZero(nonZero: Uint8Array, offset: number, length: number): boolean {
  const last = Math.floor((offset + length - 1) / PAGE);
  for (let p = Math.floor(offset / PAGE); p <= last; p++) if (nonZero[p >> 3] & (1 << (p & 7))) return false;
  return true;
}

/**
 * Copies decoded bytes [from, to) out of `chunks` (whose first chunk starts at decoded offset `base`) into `dst`,
 * decoded offset `dstOffset` at `dst[0]`; absent chunks give zeros.
 */
export function copyFromChunks(chunks: SparseChunks, base: number, from: number, to: number, dst: Uint8Array, dstOffset: number): void {
  for (let p = from; p < to; ) {
    const inSpan = p - base;
    const c = Math.floor(inSpan / CHUNK);
    const inChunk = inSpan - c * CHUNK;
    const take = Math.min(CHUNK - inChunk, to - p);
    const chunk = chunks[c];
    if (chunk) dst.set(chunk.subarray(inChunk, inChunk + take), p - dstOffset);
    else dst.fill(0, p - dstOffset, p - dstOffset + take);
    p += take;
  }
}
