/**
 * Random access into a gzip file without holding what it decodes to, as zlib's
 * `zran` example does: one pass over the file records restart points at deflate
 * block boundaries (input offset, bit offset, and the 32 KiB of output before
 * the point, which back-references may reach), about one per `span` of output;
 * a read then inflates from the nearest point before it. Decoded spans are kept
 * in a small LRU cache (only their non-zero 64 KiB chunks), and pages the first
 * pass saw to be all zero are never decoded again. The inflater is pako's
 * (zlib's own inflate, ported), driven through `zlib-raw.ts`.
 *
 * Memory: the points' windows, kept deflated (fflate, level 1: a core's 32 KiB
 * window packs to ~3 KiB; at most `MAX_POINTS` of them; all-zero windows share
 * one buffer), a bit per 4 KiB page, the span cache and one span of scratch.
 */
import { decodedLimit, decodeRefusal, type DecodeBudget } from './budget.ts';
import { deflateSync, inflateSync } from 'fflate';
import { CancelledError, InputError } from './errors.ts';
import { checkCancel, type ReadControl } from './stream.ts';
import type { ByteSource } from './source.ts';
import { RawInflater, Z_BLOCK, Z_NO_FLUSH } from './zlib-raw.ts';
import { lastAtOrBelowBy } from '../../../src/model/sorted.ts';
import { allZero, CHUNK, PageMap, pagesAllZero, SparseSource, type SparsePiece } from './sparse-chunks.ts';

const WSIZE = 32768;
/** Most restart points kept: past that, every other one is dropped and the span doubles. */
const MAX_POINTS = 2048;
const ZERO_WINDOW = new Uint8Array(WSIZE);

export interface GzipPoint {
  /** Decoded offset of the point. */
  out: number;
  /** Offset in the gzip file of the first byte with bits of the block. */
  in: number;
  /** Bits of the byte at `in - 1` that belong to the block (0: it starts on a byte). */
  bits: number;
  /** The 32 KiB (or fewer, at the start of a member) of output before `out`, deflated (`ZERO_WINDOW` when all zero). */
  window: Uint8Array;
  /** Bytes of the window once inflated. */
  windowSize: number;
}

/** The window of `p`, inflated (into `into`, at least `p.windowSize` bytes, when given). */
export function windowOf(p: GzipPoint, into?: Uint8Array): Uint8Array {
  if (p.window === ZERO_WINDOW || p.windowSize === 0) return p.window;
  return inflateSync(p.window, { out: into ? into.subarray(0, p.windowSize) : new Uint8Array(p.windowSize) });
}

export interface GzipIndexOptions {
  /** Decoded bytes between restart points (at least); 1 MiB by default. */
  span?: number;
  /** Bounds the decoded size (and so the time) by the stored size: past it the input is refused, naming the limit. */
  budget?: DecodeBudget;
  /** Decoded bytes allowed before the input is refused (bounded time), without a budget; unlimited by default. */
  maxDecoded?: number;
  /** Called with each decoded piece in order (e.g. to check it) during the first pass. */
  onData?(chunk: Uint8Array, at: number): void;
}

/** The restart points of a gzip file and which of its decoded pages hold anything but zeros. */
export class GzipIndex {
  private constructor(
    readonly points: GzipPoint[],
    /** Decoded size. */
    readonly size: number,
    /** Bit per decoded 4 KiB page: 1 = not all zero. */
    readonly nonZero: Uint8Array,
    /** True when the data ended early (truncated or damaged); `problem` says how. */
    readonly problem: string | null,
  ) {}

  /** Bytes the index holds (windows, page bits). */
  get bytes(): number {
    let n = this.nonZero.byteLength;
    for (const p of this.points) if (p.window !== ZERO_WINDOW) n += p.window.byteLength + 64;
    return n;
  }

  /**
   * One pass over `src`: restart points and the page map. A file that ends early or is damaged after some output
   * gives an index of what was decoded with `problem` set; one that yields nothing throws `InputError`.
   */
  static async build(src: ByteSource, ctl?: ReadControl, opts: GzipIndexOptions = {}): Promise<GzipIndex> {
    let span = opts.span ?? 1 << 20;
    const maxDecoded = opts.budget ? decodedLimit(src.size, opts.budget) : (opts.maxDecoded ?? Infinity);
    let points: GzipPoint[] = [];
    const pages = new PageMap();
    const ring = new Uint8Array(WSIZE);
    let ringFill = 0; // bytes of the current member's output in the ring (≤ WSIZE)
    let ringAt = 0;
    let total = 0;
    let lastPoint = -Infinity;
    const inf = new RawInflater('gzip');
    const out = new Uint8Array(1 << 18);
    const step = ctl?.chunkSize ?? 4 << 20;
    let problem: string | null = null;
    let lastProgress = 0;

    const windowNow = (): { window: Uint8Array; windowSize: number } => {
      const n = Math.min(ringFill, WSIZE);
      const w = new Uint8Array(n);
      // The last n bytes of the ring, oldest first.
      const start = (ringAt - n + WSIZE) % WSIZE;
      if (start + n <= WSIZE) w.set(ring.subarray(start, start + n));
      else {
        w.set(ring.subarray(start), 0);
        w.set(ring.subarray(0, n - (WSIZE - start)), WSIZE - start);
      }
      if (n === WSIZE && allZero(w)) return { window: ZERO_WINDOW, windowSize: WSIZE };
      return { window: deflateSync(w, { level: 1 }), windowSize: n };
    };
    const take = (chunk: Uint8Array): void => {
      opts.onData?.(chunk, total);
      pages.write(chunk);
      // Ring of the last 32 KiB.
      const tail = chunk.length > WSIZE ? chunk.subarray(chunk.length - WSIZE) : chunk;
      const first = Math.min(tail.length, WSIZE - ringAt);
      ring.set(tail.subarray(0, first), ringAt);
      ring.set(tail.subarray(first), 0);
      ringAt = (ringAt + tail.length) % WSIZE;
      ringFill = Math.min(WSIZE, ringFill + chunk.length);
      total += chunk.length;
    };

    try {
      let memberStart = true;
      let ended = false;
      let done = false;
      for (let off = 0; off < src.size && !done; ) {
        checkCancel(src, ctl);
        const input = await src.read(off, step);
        if (input.length === 0) break;
        inf.feed(input);
        while (inf.availIn > 0) {
          if (ended) {
            // Another member may follow (concatenated gzip); anything else after a complete member is ignored, as gzip does.
            const head = await src.read(off + inf.nextIn, 2);
            if (head.length < 2 || head[0] !== 0x1f || head[1] !== 0x8b) {
              done = true;
              break;
            }
            inf.nextMember();
            ended = false;
            memberStart = true;
            ringFill = 0;
          }
          const r = inf.run(out, Z_BLOCK);
          if (r.produced) take(out.subarray(0, r.produced));
          if (r.error) throw new Error(r.error);
          if (total > maxDecoded) {
            throw new InputError(
              src.name,
              opts.budget ? decodeRefusal('gzip', src.size, opts.budget) : `the gzip data decodes to more than ${maxDecoded.toLocaleString('en-US')} bytes: refused`,
            );
          }
          if (r.end) {
            ended = true;
            continue;
          }
          if (r.atBlockBoundary && (memberStart || total - lastPoint >= span)) {
            const w = memberStart ? { window: new Uint8Array(0), windowSize: 0 } : windowNow();
            points.push({ out: total, in: off + inf.nextIn, bits: inf.bitsInByte, ...w });
            lastPoint = total;
            memberStart = false;
            if (points.length > MAX_POINTS) {
              // Keep every member start, thin the rest.
              points = points.filter((p, k) => k % 2 === 0 || p.windowSize === 0);
              span *= 2;
            }
          }
          if (!r.progressed) break;
        }
        off += input.length;
        const now = Date.now();
        if (ctl?.onProgress && (now - lastProgress > 50 || off >= src.size || done)) {
          lastProgress = now;
          ctl.onProgress({ file: src.name, bytesRead: done ? src.size : off, totalBytes: src.size });
        }
      }
      if (!ended) problem = 'the gzip data is damaged or truncated (it ends too early)';
    } catch (e) {
      if (e instanceof CancelledError || e instanceof InputError) throw e;
      problem = `the gzip data is damaged or truncated (${(e as Error).message})`;
    }
    if (total === 0) throw new InputError(src.name, problem ?? 'the gzip data decodes to nothing');
    return new GzipIndex(points, total, pages.finish(), problem);
  }

  /** True when every byte of [offset, offset + length) was zero in the first pass. */
  zeroRange(offset: number, length: number): boolean {
    return pagesAllZero(this.nonZero, offset, length);
  }

  /** Index of the last point at or before `offset`. */
  pointAt(offset: number): number {
    const ps = this.points;
    return Math.max(0, lastAtOrBelowBy(ps.length, (i) => ps[i].out, offset));
  }
}

/**
 * A random-access `ByteSource` over the decoded bytes of a gzip file, through its `GzipIndex`: each read inflates
 * the spans it touches (from their restart points), kept in an LRU cache of about `cacheBytes` (their non-zero
 * 64 KiB chunks; always at least the span being read).
 */
export class GzipSource extends SparseSource<GzipIndex> {
  /** Where a span is inflated before it is cut into chunks (as big as the largest span yet). */
  private scratch = new Uint8Array(0);
  /** The inflater spans are decoded with, and the buffer their restart point's window is inflated into. */
  private inflater: RawInflater | null = null;
  private window: Uint8Array | null = null;
  /** A decode is using the inflater, the window and the scratch. */
  private busy = false;

  constructor(name: string, file: ByteSource, index: GzipIndex, cacheBytes = 8 << 20) {
    super(name, file, index, cacheBytes);
  }

  protected scratchBytes(): number {
    return this.scratch.byteLength + (this.window?.byteLength ?? 0);
  }

  protected pieceAt(offset: number): number {
    return this.index.pointAt(offset);
  }

  protected pieceStart(k: number): number {
    return this.index.points[k].out;
  }

  protected pieceEnd(k: number): number {
    const ps = this.index.points;
    return k + 1 < ps.length ? ps[k + 1].out : this.size;
  }

  /**
   * The decoded span of point `k` (from its `out` to the next point's, or to the end), as 64 KiB chunks. The bytes
   * it needs are read first; the inflater, its window and the span's scratch are this source's own, reset for each
   * span, unless another decode is using them (reads may run at once): then this one makes its own.
   */
  protected async decode(k: number): Promise<SparsePiece> {
    const p = this.index.points[k];
    const end = this.pieceEnd(k);
    const primeByte = p.bits ? (await this.file.read(p.in - 1, 1))[0] : 0;
    // The span's deflate data ends in the byte before the next point's `in`: read that much first (and a little
    // more), not a fixed 1 MiB (a 1 MiB span of a core is ~50 KB of gzip: each decode read 20x what it used).
    const next = this.index.points[k + 1];
    const input = await this.file.read(p.in, next ? Math.max(4096, next.in - p.in + 64) : 1 << 20);
    const own = !this.busy;
    if (own) this.busy = true;
    try {
      let inf: RawInflater;
      let data: Uint8Array;
      if (own) {
        if (this.inflater) this.inflater.reset();
        inf = this.inflater ??= new RawInflater('raw');
        if (this.scratch.length < end - p.out) this.scratch = new Uint8Array(end - p.out);
        data = this.scratch.subarray(0, end - p.out);
      } else {
        inf = new RawInflater('raw');
        data = new Uint8Array(end - p.out);
      }
      if (p.bits) inf.prime(p.bits, primeByte >> (8 - p.bits));
      if (p.windowSize) inf.setDictionary(windowOf(p, own ? (this.window ??= new Uint8Array(WSIZE)) : undefined));
      return await this.inflateSpan(inf, data, input, p.in + input.length);
    } finally {
      if (own) this.busy = false;
    }
  }

  /** Inflates the span into `data` from `input` (read at the span's start, ending at `inAt`), reading more if it must; cut into chunks. */
  private async inflateSpan(inf: RawInflater, data: Uint8Array, input: Uint8Array, inAt: number): Promise<SparsePiece> {
    let at = 0;
    if (input.length) inf.feed(input);
    while (at < data.length) {
      if (inf.availIn === 0) {
        input = await this.file.read(inAt, 1 << 20);
        if (input.length === 0) break;
        inAt += input.length;
        inf.feed(input);
      }
      const r = inf.run(data.subarray(at), Z_NO_FLUSH);
      at += r.produced;
      // Damage right after the last byte the first pass kept is met again here: the span is complete all the same.
      if (r.error) break;
      if (r.end) break; // the member ends exactly where the next point starts
      if (r.produced === 0 && !r.progressed && inf.availIn > 0) break;
    }
    if (at < data.length) throw new InputError(this.name, 'the gzip data could not be decoded again at a restart point (the file changed?)');
    const chunks: (Uint8Array | null)[] = [];
    let stored = 0;
    for (let c = 0; c < data.length; c += CHUNK) {
      const part = data.subarray(c, Math.min(data.length, c + CHUNK));
      if (allZero(part)) chunks.push(null);
      else {
        if (part.length === CHUNK) {
          const c = this.takeChunk();
          c.set(part);
          chunks.push(c);
        } else chunks.push(part.slice());
        stored += part.length;
      }
    }
    return { chunks, stored };
  }
}
