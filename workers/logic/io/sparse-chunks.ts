/**
 * What the gzip and bzip2 indexes share about decoded bytes: a first-pass bitmap of the 4 KiB pages that held a
 * non-zero byte (`PageMap`), cached spans or blocks kept as 64 KiB chunks with the all-zero ones left out (null),
 * and the random-access `ByteSource` reading through an LRU cache of them (`SparseSource`).
 */
import type { ByteSource } from './source.ts';

/** Bytes per bit of the first pass's non-zero page bitmap. */
export const PAGE = 4096;
/** Bytes per chunk of a cached span or block. */
export const CHUNK = 64 << 10;
/** Chunk buffers a source keeps for reuse, at most (4 MiB). */
const MAX_POOL = 64;

/** A cached span or block: its chunks in order, null where a chunk is all zero. */
export type SparseChunks = readonly (Uint8Array | null)[];

/** True when every byte of `b` is zero (a word at a time where `b` is aligned). */
export function allZero(b: Uint8Array): boolean {
  if (b.byteOffset & 3) {
    for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
    return true;
  }
  const n = b.length & ~3;
  const w = new Uint32Array(b.buffer, b.byteOffset, n >> 2);
  for (let i = 0; i < w.length; i++) if (w[i] !== 0) return false;
  for (let i = n; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

/**
 * The first pass's bitmap of non-zero pages, built as the decoded bytes go by: a byte at a time (bzip2's decoder
 * hands them over so) or a run at a time (gzip's inflater).
 */
export class PageMap {
  /** Decoded bytes seen. */
  total = 0;
  private pageEnd = PAGE;
  private nonZero = false;
  private readonly bits: number[] = [];
  private page = 0;

  writeByte(b: number): void {
    if (b !== 0) this.nonZero = true;
    if (++this.total === this.pageEnd) this.endPage();
  }

  write(run: Uint8Array): void {
    for (let i = 0; i < run.length; ) {
      const n = Math.min(this.pageEnd - this.total, run.length - i);
      if (!this.nonZero && !allZero(run.subarray(i, i + n))) this.nonZero = true;
      this.total += n;
      i += n;
      if (this.total === this.pageEnd) this.endPage();
    }
  }

  private endPage(): void {
    const p = this.page++;
    if ((p & 7) === 0) this.bits.push(0);
    if (this.nonZero) this.bits[p >> 3] |= 1 << (p & 7);
    this.nonZero = false;
    this.pageEnd += PAGE;
  }

  /** The bitmap (bit p: page p held a non-zero byte), a last partial page closed. */
  finish(): Uint8Array {
    if (this.total > this.pageEnd - PAGE) this.endPage();
    return Uint8Array.from(this.bits);
  }
}

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

/** One decoded piece (a gzip span, a bzip2 block) as the cache keeps it. */
export interface SparsePiece {
  readonly chunks: SparseChunks;
  /** Bytes its non-null chunks hold. */
  readonly stored: number;
}

/** What a `SparseSource` needs of its index. */
export interface SparseIndex {
  /** Decoded size. */
  readonly size: number;
  /** Bytes the index holds. */
  readonly bytes: number;
  /** The first pass's page bitmap (`PageMap`). */
  readonly nonZero: Uint8Array;
}

/**
 * A random-access `ByteSource` over a compressed file's decoded bytes, through its index, cut into pieces that each
 * decode alone (the gzip index's spans, the bzip2 index's blocks): a read fills pages the first pass saw all zero
 * with zeros and decodes the other pieces it touches, kept in an LRU cache of about `cacheBytes` (only their
 * non-zero chunks; always at least the piece being read).
 */
export abstract class SparseSource<I extends SparseIndex> implements ByteSource {
  readonly size: number;
  /** Most bytes the cache held at once (for tests and benchmarks). */
  peakCached = 0;
  /** Pieces decoded after the first pass. */
  decodes = 0;
  private readonly cache = new Map<number, SparsePiece>();
  private cached = 0;
  /**
   * Chunk buffers of evicted pieces, for the next decodes to fill (`takeChunk`): a pass over a big core decodes
   * hundreds of MB again, and new 64 KiB buffers for each were garbage the browser's tab held until collected.
   */
  private readonly pool: Uint8Array[] = [];
  /** Pieces evicted while a read was running: their chunks go to the pool once no read is (one may be copying them). */
  private readonly retired: SparsePiece[] = [];
  private reading = 0;

  constructor(
    readonly name: string,
    /** The compressed file. */
    protected readonly file: ByteSource,
    readonly index: I,
    private readonly cacheBytes: number,
  ) {
    this.size = index.size;
  }

  /** Bytes held: the index, the cache, the chunk buffers kept for reuse and what `scratchBytes` adds. */
  get residentBytes(): number {
    return this.index.bytes + this.cached + this.pool.length * CHUNK + this.scratchBytes();
  }

  /** A `CHUNK`-byte buffer for a decoded chunk: one an evicted piece gave back, or a new one. */
  protected takeChunk(): Uint8Array {
    return this.pool.pop() ?? new Uint8Array(CHUNK);
  }

  /** The chunks of the pieces evicted, back to the pool (at most `MAX_POOL`); only when no read is copying from them. */
  private recycle(): void {
    for (const p of this.retired) {
      for (const c of p.chunks) if (c && this.pool.length < MAX_POOL && c.length === CHUNK && c.byteOffset === 0 && c.buffer.byteLength === CHUNK) this.pool.push(c);
    }
    this.retired.length = 0;
  }

  /** Bytes a source holds besides the index and the cache. */
  protected scratchBytes(): number {
    return 0;
  }

  /** True when the first pass saw every byte of [offset, offset + length) zero. */
  zeroRange(offset: number, length: number): boolean {
    return pagesAllZero(this.index.nonZero, offset, length);
  }

  /** The piece holding decoded offset `offset` (< size). */
  protected abstract pieceAt(offset: number): number;
  /** Decoded offset of piece `k`'s first byte. */
  protected abstract pieceStart(k: number): number;
  /** Decoded offset just past piece `k`. */
  protected abstract pieceEnd(k: number): number;
  /** Decodes piece `k` again from the file. */
  protected abstract decode(k: number): Promise<SparsePiece>;

  private async piece(k: number): Promise<SparseChunks> {
    const hit = this.cache.get(k);
    if (hit) {
      this.cache.delete(k);
      this.cache.set(k, hit);
      return hit.chunks;
    }
    const piece = await this.decode(k);
    this.decodes++;
    this.cache.set(k, piece);
    this.cached += piece.stored;
    while (this.cached > this.cacheBytes && this.cache.size > 1) {
      const [old, p] = this.cache.entries().next().value as [number, SparsePiece];
      this.cache.delete(old);
      this.cached -= p.stored;
      this.retired.push(p);
    }
    if (this.cached > this.peakCached) this.peakCached = this.cached;
    return piece.chunks;
  }

  async readInto(offset: number, dst: Uint8Array): Promise<number> {
    const end = Math.min(this.size, offset + dst.length);
    if (offset >= end) return 0;
    this.reading++;
    try {
      for (let at = offset; at < end; ) {
        const k = this.pieceAt(at);
        const pieceEnd = Math.min(end, this.pieceEnd(k));
        if (this.zeroRange(at, pieceEnd - at)) dst.fill(0, at - offset, pieceEnd - offset);
        else copyFromChunks(await this.piece(k), this.pieceStart(k), at, pieceEnd, dst, offset);
        at = pieceEnd;
      }
    } finally {
      if (--this.reading === 0) this.recycle();
    }
    return end - offset;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const n = Math.max(0, Math.min(length, this.size - offset));
    const out = new Uint8Array(n);
    await this.readInto(offset, out);
    return out;
  }
}
