/**
 * Random access into a bzip2 file without holding what it decodes to. bzip2
 * cuts its input into blocks (at most 900 kB before its first run-length
 * stage, so up to ~46 MB out for runs of one byte) that each decode alone from
 * a bit-aligned 48-bit magic (0x314159265359). One pass decodes every block
 * (checking its CRC) and records where it starts (bit offset in the file), where
 * its bits end, where its output starts, and which decoded 4 KiB pages hold
 * anything but zeros; a read then decodes only the blocks it touches, into a
 * small LRU cache, and pages the first pass saw to be all zero are never decoded
 * again. Concatenated streams (pbzip2, `cat a.bz2 b.bz2`) are followed.
 *
 * Blocks are decoded by `@openpgp/seek-bzip`'s `decodeBlock` (pure JS, runs in
 * a worker). A block's end is where its decoder stopped reading: the next magic
 * (a block's or the end-of-stream one, 0x177245385090) must start within the
 * last byte it read, so no magic is ever searched for in the data.
 *
 * Memory: 40 bytes per block, a bit per decoded 4 KiB page (64 GiB: 2 MiB),
 * one input window (`WINDOW`, 5 MiB) while indexing, and the block cache
 * (`cacheBytes`, only the non-zero 64 KiB chunks of each cached block). Time:
 * linear in the decoded size, which `maxDecoded` bounds.
 */
import { decodeBlock, type BzInput, type BzOutput } from '@openpgp/seek-bzip';
import { decodedLimit, decodeRefusal, type DecodeBudget } from './budget.ts';
import { CancelledError, InputError } from './errors.ts';
import { checkCancel, type ReadControl } from './stream.ts';
import type { ByteSource } from './source.ts';
import { lastAtOrBelow } from '../../../src/model/sorted.ts';
import { CHUNK, PageMap, pagesAllZero, SparseSource, type SparsePiece } from './sparse-chunks.ts';

/**
 * Compressed bytes one block may span: a block codes at most 32,767 × 50 symbols of at most 20 bits (4.1 MB) after
 * tables of a few KiB; real blocks are under 1 MB. A block that needs more is damaged.
 */
const WINDOW = 5 << 20;
const BLOCK_HI = 0x314159;
const BLOCK_LO = 0x265359;
const EOS_HI = 0x177245;
const EOS_LO = 0x385090;

/** Thrown by `Window.readByte` past the bytes it holds. */
class PastWindow extends Error {}

/** The decoder's input: the 4-byte header of the block's stream, then file bytes at absolute offsets from a buffer. */
class Window implements BzInput {
  buf: Uint8Array = new Uint8Array(0);
  /** File offset of `buf[0]`. */
  base = 0;
  /** True when `buf` reaches the end of the file. */
  atEnd = false;
  private pos = 0;
  private header: number[] = [];
  /** Highest file offset read + 1 since `start`. */
  reached = 0;

  start(level: number): void {
    this.header = [0x42, 0x5a, 0x68, 0x30 + level];
    this.pos = -4;
    this.reached = 0;
  }
  readByte(): number {
    const p = this.pos++;
    if (p < 0) return this.header[p + 4];
    const i = p - this.base;
    if (i < 0 || i >= this.buf.length) throw new PastWindow();
    if (p >= this.reached) this.reached = p + 1;
    return this.buf[i];
  }
  read(dst: Uint8Array, at: number, length: number): number {
    for (let k = 0; k < length; k++) dst[at + k] = this.readByte();
    return length;
  }
  seek(byte: number): void {
    this.pos = byte;
  }
  /** `n` ≤ 24 bits at file bit offset `bit` (MSB first), or -1 when they are not all in the buffer. */
  bits(bit: number, n: number): number {
    let v = 0;
    for (let k = 0; k < n; k++) {
      const b = bit + k;
      const i = Math.floor(b / 8) - this.base;
      if (i < 0 || i >= this.buf.length) return -1;
      v = (v << 1) | ((this.buf[i] >> (7 - (b & 7))) & 1);
    }
    return v;
  }
}

/** First pass output: counts bytes and marks non-zero pages. */
/** A cached block: its non-zero 64 KiB chunks (null: all zero). */
class ChunkOut implements BzOutput, SparsePiece {
  readonly chunks: (Uint8Array | null)[] = [];
  stored = 0;
  private cur = new Uint8Array(CHUNK);
  private n = 0;
  private nonZero = false;
  total = 0;
  writeByte(b: number): void {
    this.cur[this.n++] = b;
    if (b !== 0) this.nonZero = true;
    if (this.n === CHUNK) this.flush();
  }
  flush(): void {
    if (this.n === 0) return;
    this.total += this.n;
    if (this.nonZero) {
      this.chunks.push(this.n === CHUNK ? this.cur : this.cur.slice(0, this.n));
      this.stored += this.n;
      this.cur = new Uint8Array(CHUNK);
    } else this.chunks.push(null);
    this.n = 0;
    this.nonZero = false;
  }
}

export interface Bzip2IndexOptions {
  /** Bounds the decoded size (and so the time) by the stored size: past it the input is refused, naming the limit. */
  budget?: DecodeBudget;
  /** Decoded bytes allowed, without a budget; unlimited by default. */
  maxDecoded?: number;
  /** Called with the first decoded bytes (at least 64, or all when shorter), e.g. to refuse a non-core at once. */
  onStart?(head: Uint8Array): void;
}

/** The blocks of a bzip2 file and which of its decoded pages hold anything but zeros. */
export class Bzip2Index {
  private constructor(
    /** Per block: file bit offset of its magic. */
    readonly inBit: Float64Array,
    /** Per block: file offset just past the last byte it uses. */
    readonly inEnd: Float64Array,
    /** Per block: decoded offset of its first byte; one more entry: the decoded size. */
    readonly out: Float64Array,
    /** Per block: its stream's block-size digit (1..9). */
    readonly level: Uint8Array,
    /** Bit per decoded 4 KiB page: 1 = not all zero. */
    readonly nonZero: Uint8Array,
    /** Set when the data ended early or was damaged after some output: what went wrong. */
    readonly problem: string | null,
  ) {}

  get blocks(): number {
    return this.level.length;
  }

  /** Decoded size. */
  get size(): number {
    return this.out[this.out.length - 1];
  }

  /** Bytes the index holds. */
  get bytes(): number {
    return this.inBit.byteLength + this.inEnd.byteLength + this.out.byteLength + this.level.byteLength + this.nonZero.byteLength;
  }

  /**
   * One pass over `src`, decoding every block. A file that ends early or is damaged after some output gives an
   * index of the blocks decoded before that, with `problem` set; one that yields nothing throws `InputError`.
   */
  static async build(src: ByteSource, ctl?: ReadControl, opts: Bzip2IndexOptions = {}): Promise<Bzip2Index> {
    const maxDecoded = opts.budget ? decodedLimit(src.size, opts.budget) : (opts.maxDecoded ?? Infinity);
    const win = new Window();
    const fill = async (from: number): Promise<void> => {
      // Keeps at least [from, from + WINDOW) (or to the end of the file) in the window; when it holds less, reads
      // WINDOW more, so each byte of the file is copied about twice in all.
      const held = win.base + win.buf.length;
      if (from >= win.base && (win.atEnd || held - from >= WINDOW)) return;
      const keep = from >= win.base && from < held ? win.buf.subarray(from - win.base) : new Uint8Array(0);
      const more = await src.read(from + keep.length, Math.min(src.size - from - keep.length, WINDOW + (WINDOW - keep.length)));
      const buf = new Uint8Array(keep.length + more.length);
      buf.set(keep);
      buf.set(more, keep.length);
      win.buf = buf;
      win.base = from;
      win.atEnd = from + buf.length >= src.size;
    };
    const inBit: number[] = [];
    const inEnd: number[] = [];
    const outAt: number[] = [];
    const levels: number[] = [];
    const pass = new PageMap();
    let problem: string | null = null;
    let lastProgress = 0;
    let started = false;
    const head = new Uint8Array(64);
    const headOut: BzOutput = {
      writeByte(b: number) {
        if (pass.total < 64) head[pass.total] = b;
        pass.writeByte(b);
      },
    };

    /** Reads a stream header at byte `at`; returns its level, or 0 when there is none. */
    const header = async (at: number): Promise<number> => {
      await fill(at);
      const i = at - win.base;
      if (win.buf.length - i < 4) return 0;
      const b = win.buf;
      return b[i] === 0x42 && b[i + 1] === 0x5a && b[i + 2] === 0x68 && b[i + 3] >= 0x31 && b[i + 3] <= 0x39 ? b[i + 3] - 0x30 : 0;
    };

    let level = await header(0);
    if (!level) throw new InputError(src.name, 'not bzip2 data (no BZh1–BZh9 header)');
    let bit = 32;
    try {
      for (;;) {
        checkCancel(src, ctl);
        await fill(Math.floor(bit / 8));
        const hi = win.bits(bit, 24);
        const lo = win.bits(bit + 24, 24);
        if (hi < 0 || lo < 0) {
          problem = 'the bzip2 data ends too early: the file is truncated';
          break;
        }
        if (hi === EOS_HI && lo === EOS_LO) {
          // End of a stream: its CRC, padding to a byte; another stream may follow (anything else is ignored, as bzip2 does).
          const next = Math.ceil((bit + 48 + 32) / 8);
          if (next >= src.size) break;
          level = await header(next);
          if (!level) break;
          bit = (next + 4) * 8;
          continue;
        }
        if (hi !== BLOCK_HI || lo !== BLOCK_LO) {
          problem = `the bzip2 data is damaged (no block or end-of-stream magic at bit ${bit.toLocaleString('en-US')})`;
          break;
        }
        const before = pass.total;
        win.start(level);
        try {
          decodeBlock(win, bit, started ? pass : headOut);
        } catch (e) {
          if (e instanceof PastWindow) {
            problem = win.atEnd ? 'the bzip2 data ends too early: the file is truncated' : 'the bzip2 data is damaged (a block runs past 5 MiB)';
          } else problem = `the bzip2 data is damaged (${(e as Error).message})`;
          // The page map must end where the good blocks do.
          if (pass.total !== before) {
            problem += '; a block was cut short';
            return finishBuilt(src, inBit, inEnd, outAt, levels, pass, before, problem);
          }
          break;
        }
        inBit.push(bit);
        inEnd.push(win.reached);
        outAt.push(before);
        levels.push(level);
        if (!started && pass.total >= 64) {
          started = true;
          opts.onStart?.(head);
        }
        if (pass.total > maxDecoded) {
          throw new InputError(
            src.name,
            opts.budget ? decodeRefusal('bzip2', src.size, opts.budget) : `the bzip2 data decodes to more than ${maxDecoded.toLocaleString('en-US')} bytes: refused`,
          );
        }
        // The next magic starts within the last byte the decoder read (just after the block's last bit).
        const last = win.reached - 1;
        await fill(last);
        let next = -1;
        for (let k = 1; k <= 8 && next < 0; k++) {
          const b = last * 8 + k;
          const h = win.bits(b, 24);
          const l = win.bits(b + 24, 24);
          if ((h === BLOCK_HI && l === BLOCK_LO) || (h === EOS_HI && l === EOS_LO)) next = b;
        }
        if (next < 0) {
          if (win.atEnd && win.base + win.buf.length - last < 8) {
            problem = 'the bzip2 data ends too early: the file is truncated';
            break;
          }
          problem = `the bzip2 data is damaged (no magic after the block at bit ${bit.toLocaleString('en-US')})`;
          break;
        }
        bit = next;
        const now = Date.now();
        if (ctl?.onProgress && now - lastProgress > 50) {
          lastProgress = now;
          ctl.onProgress({ file: src.name, bytesRead: Math.floor(bit / 8), totalBytes: src.size });
        }
        // Lets a cancel (and the progress message) through between blocks.
        if (inBit.length % 16 === 0) await new Promise((r) => setTimeout(r, 0));
      }
    } catch (e) {
      if (e instanceof CancelledError || e instanceof InputError) throw e;
      problem = `the bzip2 data is damaged (${(e as Error).message})`;
    }
    if (!started && pass.total > 0) opts.onStart?.(head.slice(0, pass.total));
    ctl?.onProgress?.({ file: src.name, bytesRead: src.size, totalBytes: src.size });
    return finishBuilt(src, inBit, inEnd, outAt, levels, pass, pass.total, problem);
  }

  /** True when every byte of [offset, offset + length) was zero in the first pass. */
  zeroRange(offset: number, length: number): boolean {
    return pagesAllZero(this.nonZero, offset, length);
  }

  /** Index of the block holding decoded `offset`. */
  blockAt(offset: number): number {
    return Math.max(0, lastAtOrBelow(this.out, offset, 0, this.blocks));
  }

  /** @internal */
  static make(inBit: number[], inEnd: number[], outAt: number[], levels: number[], size: number, nonZero: Uint8Array, problem: string | null): Bzip2Index {
    return new Bzip2Index(
      Float64Array.from(inBit),
      Float64Array.from(inEnd),
      Float64Array.from([...outAt, size]),
      Uint8Array.from(levels),
      nonZero,
      problem,
    );
  }
}

function finishBuilt(
  src: ByteSource,
  inBit: number[],
  inEnd: number[],
  outAt: number[],
  levels: number[],
  pass: PageMap,
  size: number,
  problem: string | null,
): Bzip2Index {
  if (size === 0) throw new InputError(src.name, problem ?? 'the bzip2 data decodes to nothing');
  // Pages past `size` (a cut-short block's) are never read; their bits do not matter.
  return Bzip2Index.make(inBit, inEnd, outAt, levels, size, pass.finish(), problem);
}

/**
 * A random-access `ByteSource` over the decoded bytes of a bzip2 file, through its `Bzip2Index`: a read decodes
 * the blocks it touches (only their non-zero chunks kept), in an LRU cache of about `cacheBytes` (always at least
 * the block being read).
 */
export class Bzip2Source extends SparseSource<Bzip2Index> {
  constructor(name: string, file: ByteSource, index: Bzip2Index, cacheBytes = 32 << 20) {
    super(name, file, index, cacheBytes);
  }

  protected pieceAt(offset: number): number {
    return this.index.blockAt(offset);
  }

  protected pieceStart(k: number): number {
    return this.index.out[k];
  }

  protected pieceEnd(k: number): number {
    return this.index.out[k + 1];
  }

  protected async decode(k: number): Promise<ChunkOut> {
    const ix = this.index;
    const from = Math.floor(ix.inBit[k] / 8);
    const win = new Window();
    win.buf = await this.file.read(from, ix.inEnd[k] - from);
    win.base = from;
    win.start(ix.level[k]);
    const out = new ChunkOut();
    const want = ix.out[k + 1] - ix.out[k];
    try {
      decodeBlock(win, ix.inBit[k], out);
    } catch (e) {
      throw new InputError(this.name, `a bzip2 block could not be decoded again (the file changed?): ${(e as Error).message}`);
    }
    out.flush();
    if (out.total < want) throw new InputError(this.name, 'a bzip2 block decoded to fewer bytes than in the first pass (the file changed?)');
    return out;
  }
}
