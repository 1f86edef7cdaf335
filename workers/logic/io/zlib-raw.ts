/**
 * A thin driver of pako's low-level inflate (zlib's inflate, ported to JavaScript), for what DecompressionStream
 * cannot do: stop at deflate block boundaries (`Z_BLOCK`), report where in the input they are, and restart a raw
 * deflate stream in the middle, from a bit offset with a preset 32 KiB window (zlib's `inflatePrime` and
 * `inflateSetDictionary`). Used by `gzip-index.ts`.
 */
import { ZStream, zlibInflate, zlibInflateInit2, zlibInflateReset, zlibInflateSetDictionary, Z_BLOCK, Z_BUF_ERROR, Z_NO_FLUSH, Z_OK, Z_STREAM_END } from 'pako';

export { Z_BLOCK, Z_NO_FLUSH };

export interface InflateStep {
  /** Bytes written to the output buffer. */
  produced: number;
  /** The (gzip member's or raw) deflate stream ended. */
  end: boolean;
  /** Stopped between two deflate blocks, the last one not yet read (a restart point). */
  atBlockBoundary: boolean;
  /** Input was consumed or output produced. */
  progressed: boolean;
  /** zlib's message when the data is damaged (what was produced before it is in the output). */
  error: string | null;
}

export class RawInflater {
  private readonly strm = new ZStream();

  /** 'gzip': a gzip member with its header and trailer; 'raw': deflate data alone (a restart). */
  constructor(mode: 'gzip' | 'raw') {
    const r = zlibInflateInit2(this.strm, mode === 'gzip' ? 31 : -15);
    if (r !== Z_OK) throw new Error(`inflate init failed (${r})`);
  }

  /** Gives the next input bytes (the previous ones must have been consumed). */
  feed(input: Uint8Array): void {
    this.strm.input = input as Uint8Array<ArrayBuffer>;
    this.strm.next_in = 0;
    this.strm.avail_in = input.length;
  }

  get availIn(): number {
    return this.strm.avail_in;
  }

  /** Index in the last fed input of the next byte to read. */
  get nextIn(): number {
    return this.strm.next_in;
  }

  /** Bits of the byte before `nextIn` not yet used (valid at a block boundary). */
  get bitsInByte(): number {
    return this.strm.data_type & 7;
  }

  /** Inflates into `out` (with `Z_BLOCK`, stopping at the next block boundary). Damaged data sets `error`. */
  run(out: Uint8Array, flush: typeof Z_BLOCK | typeof Z_NO_FLUSH): InflateStep {
    const s = this.strm;
    s.output = out as Uint8Array<ArrayBuffer>;
    s.next_out = 0;
    s.avail_out = out.length;
    const before = s.avail_in;
    const ret = zlibInflate(s, flush);
    const error = ret !== Z_OK && ret !== Z_STREAM_END && ret !== Z_BUF_ERROR ? s.msg || `inflate error ${ret}` : null;
    const produced = out.length - s.avail_out;
    const dt = s.data_type;
    return { produced, end: ret === Z_STREAM_END, atBlockBoundary: !error && (dt & 128) !== 0 && (dt & 64) === 0, progressed: produced > 0 || s.avail_in !== before, error };
  }

  /** Ready for another stream (a raw restart: `prime` and `setDictionary` again), its window buffer kept. */
  reset(): void {
    zlibInflateReset(this.strm);
  }

  /** After a gzip member's end: read the next member (concatenated gzip). */
  nextMember(): void {
    zlibInflateReset(this.strm);
  }

  /** zlib's inflatePrime: `bits` low bits of `value` come before the input. */
  prime(bits: number, value: number): void {
    const st = this.strm.state as { hold: number; bits: number };
    st.hold += (value & ((1 << bits) - 1)) << st.bits;
    st.bits += bits;
  }

  setDictionary(window: Uint8Array): void {
    const r = zlibInflateSetDictionary(this.strm, window);
    if (r !== Z_OK) throw new Error(`inflate dictionary refused (${r})`);
  }
}
