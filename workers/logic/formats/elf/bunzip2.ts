/**
 * Streaming bzip2 decoding for cores, with the block decoder of the maintained
 * `unbzip2-stream` package (pure JS, runs in a Web Worker; only its two
 * Node-free files are imported). Compressed input is read slice by slice and a
 * block is decoded only once enough input is buffered for it (a block's
 * compressed form is never larger than its size plus a small margin).
 */
import bzip2 from 'unbzip2-stream/lib/bzip2.js';
import bitIterator from 'unbzip2-stream/lib/bit_iterator.js';
import { CancelledError, InputError } from '../../io/errors.ts';
import { checkCancel, rawChunks, type ReadControl } from '../../io/stream.ts';
import type { ByteSource } from '../../io/source.ts';

/** Yields the decoded bytes of a bzip2 `src` (concatenated streams too), block by block. */
export async function* bunzip2Chunks(src: ByteSource, ctl?: ReadControl): AsyncGenerator<Uint8Array> {
  const queue: Uint8Array[] = [];
  let buffered = 0;
  let eof = false;
  const input = rawChunks(src, { ...ctl, chunkSize: 1 << 20 })[Symbol.asyncIterator]();
  const bits = bitIterator(() => queue.shift() ?? new Uint8Array(0));
  const need = async (bytes: number): Promise<void> => {
    while (!eof && buffered - bits.bytesRead < bytes) {
      const r = await input.next();
      if (r.done) eof = true;
      else {
        queue.push(r.value);
        buffered += r.value.length;
      }
    }
  };
  const truncated = (): never => {
    throw new InputError(src.name, 'the bzip2 data ends too early: the file is truncated');
  };
  let blockSize = 0;
  let crc: number | null = null;
  let out = new Uint8Array(0);
  let work = new Int32Array(0);
  let n = 0;
  // A block's output can be far larger than the block size (runs of equal bytes), so it is cut into slices.
  const full: Uint8Array[] = [];
  const write = (b: number): void => {
    if (n === out.length) {
      full.push(out);
      out = new Uint8Array(out.length);
      n = 0;
    }
    out[n++] = b;
  };
  let streams = 0;
  try {
    for (;;) {
      checkCancel(src, ctl);
      if (!blockSize) {
        await need(64);
        if (buffered - bits.bytesRead <= 0) {
          if (streams === 0) truncated();
          return;
        }
        blockSize = bzip2.header(bits);
        crc = 0;
        streams++;
        out = new Uint8Array(100000 * blockSize + 16);
        work = new Int32Array(100000 * blockSize);
        continue;
      }
      await need(100000 * blockSize + 25000);
      if (eof && buffered - bits.bytesRead < 10) truncated();
      n = 0;
      crc = bzip2.decompress(bits, write, work, 100000 * blockSize, crc);
      if (bits.bytesRead > buffered) truncated();
      if (crc === null) {
        blockSize = 0;
        // Streams are byte aligned; another may follow.
        bits(null);
        await need(4);
        if (eof && buffered - bits.bytesRead < 4) return;
        continue;
      }
      for (const f of full) yield f;
      full.length = 0;
      yield out.slice(0, n);
    }
  } catch (e) {
    if (e instanceof InputError || e instanceof CancelledError) throw e;
    throw new InputError(src.name, `the bzip2 data is damaged (${(e as Error).message})`);
  }
}
