/**
 * Sequential reading of a source in slices, with transparent gzip decoding,
 * progress reports and cancellation. Used by the text and pickle readers.
 */
import { decodedLimit, decodeRefusal, TEXT_DECODE_BUDGET, type DecodeBudget } from './budget.ts';
import { CancelledError, InputError } from './errors.ts';
import type { ByteSource } from './source.ts';
import type { StageName, StageUnit } from '../../../src/model/stages.ts';

export interface Progress {
  file: string;
  /** Stored bytes consumed so far (compressed bytes for gzip input); in a later stage, its bytes or items done. */
  bytesRead: number;
  /** The stage's size in its unit (0 while unknown). */
  totalBytes: number;
  /** The stage reporting (absent: the read). */
  stage?: StageName;
  unit?: StageUnit;
}

export interface ReadControl {
  /** Shared cancel flag: reading stops with `CancelledError` once `cancel[0] !== 0`. */
  cancel?: Int32Array;
  onProgress?(p: Progress): void;
  /** Slice size; 4 MiB by default. */
  chunkSize?: number;
  /** Slices asked for before the reader takes them (`RAW_AHEAD` by default). */
  ahead?: number;
}

/** Cancel check for loops that run over counts taken from a file: every `every` steps it reads the shared flag. */
export class CancelCheck {
  private n = 0;
  constructor(
    private readonly src: { name: string },
    private readonly ctl?: ReadControl,
    private readonly every = 4096,
  ) {}
  /** Throws `CancelledError` once the flag is set (looked at once per `every` calls). */
  tick(): void {
    if (++this.n >= this.every) {
      this.n = 0;
      if (isCancelled(this.ctl)) throw new CancelledError(this.src.name);
    }
  }
}

/**
 * Progress and cancellation of one stage over a count known up front (allocations, heap bytes): `at(done)`
 * once per batch reads the shared cancel flag (throws `CancelledError`) and reports at most every 50 ms; the
 * stage is reported at its start (0 done) and by `end()` (all done).
 */
export class StageMeter {
  private last = 0;
  constructor(
    private readonly ctl: ReadControl | undefined,
    readonly file: string,
    readonly stage: StageName,
    public total: number,
    private readonly unit: StageUnit = 'items',
  ) {
    if (isCancelled(ctl)) throw new CancelledError(file);
    this.report(0);
  }
  at(done: number): void {
    if (isCancelled(this.ctl)) throw new CancelledError(this.file);
    const now = Date.now();
    if (now - this.last >= 50) this.report(done, now);
  }
  end(): void {
    this.report(this.total);
  }
  private report(done: number, now = Date.now()): void {
    this.last = now;
    this.ctl?.onProgress?.({ file: this.file, bytesRead: Math.min(done, this.total), totalBytes: this.total, stage: this.stage, unit: this.unit });
  }
}

export const DEFAULT_CHUNK = 4 << 20;

export function isCancelled(ctl?: ReadControl): boolean {
  return !!ctl?.cancel && Atomics.load(ctl.cancel, 0) !== 0;
}

export function checkCancel(src: ByteSource, ctl?: ReadControl): void {
  if (isCancelled(ctl)) throw new CancelledError(src.name);
}

/** Slices of `rawChunks` asked for before the reader takes them. */
const RAW_AHEAD = 3;

/**
 * Yields the stored bytes of `src` slice by slice. The next slices (up to `RAW_AHEAD`) are asked for before the
 * current one is yielded, so a slow source (a dropped `File`: a round trip to the browser process per read) reads
 * while the reader parses; a failed read ahead is the failure of the await that reaches it.
 */
export async function* rawChunks(src: ByteSource, ctl?: ReadControl): AsyncGenerator<Uint8Array> {
  const step = ctl?.chunkSize ?? DEFAULT_CHUNK;
  const ahead = Math.max(1, ctl?.ahead ?? RAW_AHEAD);
  let last = 0;
  let asked = 0;
  const queue: Promise<Uint8Array>[] = [];
  const fill = () => {
    while (queue.length < ahead && asked < src.size) {
      const p = src.read(asked, step);
      p.catch(() => {});
      queue.push(p);
      asked += step;
    }
  };
  fill();
  for (let off = 0; queue.length; ) {
    checkCancel(src, ctl);
    const chunk = await queue.shift()!;
    if (chunk.length === 0) break;
    off += chunk.length;
    // A short read before the end: the slices asked after it start at the wrong place; ask again from here.
    if (chunk.length < step && off < src.size) {
      queue.length = 0;
      asked = off;
    }
    fill();
    const now = Date.now();
    if (ctl?.onProgress && (now - last > 50 || off >= src.size)) {
      last = now;
      ctl.onProgress({ file: src.name, bytesRead: off, totalBytes: src.size });
    }
    yield chunk;
  }
}

export type Compression = 'none' | 'gzip' | 'bzip2';

export function compressionOf(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68 && head[3] >= 0x31 && head[3] <= 0x39) {
    return 'bzip2';
  }
  return 'none';
}

/**
 * Pipes an async iterable of bytes through a `DecompressionStream`. With a
 * `budget`, decoding stops with an `InputError` naming the file and the limit
 * as soon as the output passes `decodedLimit(src.size, budget)`.
 */
async function* inflate(
  src: ByteSource,
  chunks: AsyncIterable<Uint8Array>,
  format: 'gzip' | 'deflate',
  budget?: DecodeBudget,
): AsyncGenerator<Uint8Array> {
  const limit = budget ? decodedLimit(src.size, budget) : Infinity;
  let decoded = 0;
  let finished = false;
  const it = chunks[Symbol.asyncIterator]();
  const input = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const r = await it.next();
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    cancel() {
      return it.return?.(undefined).then(
        () => undefined,
        () => undefined,
      );
    },
  });
  const reader = input
    .pipeThrough(new DecompressionStream(format) as unknown as ReadableWritablePair<Uint8Array, Uint8Array>)
    .getReader();
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) {
        finished = true;
        return;
      }
      decoded += r.value.length;
      if (decoded > limit) {
        throw new InputError(src.name, decodeRefusal(format, src.size, budget!));
      }
      yield r.value;
    }
  } catch (e) {
    if (e instanceof CancelledError || e instanceof InputError) throw e;
    throw new InputError(src.name, `the gzip data is damaged or truncated (${(e as Error).message})`);
  } finally {
    // When the consumer stops early (a budget, a cancel, the STOP of a pickle), stop reading the input too.
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/**
 * Yields the decoded bytes of `src`: gzip is inflated on the fly; uncompressed
 * input passes through. bzip2 is refused here (cores read it through bzip2-index.ts, in formats/elf/core-file.ts).
 * `budget` bounds what gzip may decode to (see `budget.ts`).
 */
export async function* decodedChunks(src: ByteSource, ctl?: ReadControl, budget?: DecodeBudget): AsyncGenerator<Uint8Array> {
  const head = await src.read(0, 4);
  const kind = compressionOf(head);
  if (kind === 'gzip') {
    yield* inflate(src, rawChunks(src, ctl), 'gzip', budget);
  } else if (kind === 'bzip2') {
    throw new InputError(src.name, 'bzip2-compressed text is not supported; decompress it first (bunzip2)');
  } else {
    yield* rawChunks(src, ctl);
  }
}

/**
 * About how many bytes `src` decodes to, for sizing tables up front (never
 * trusted for anything else): the stored size, or for a one-member gzip the
 * ISIZE trailer (the decoded size modulo 2^32), kept within the decode budget.
 */
export async function decodedSizeHint(src: ByteSource, budget: DecodeBudget = TEXT_DECODE_BUDGET): Promise<number> {
  const head = await src.read(0, 4);
  if (compressionOf(head) !== 'gzip' || src.size < 18) return src.size;
  const t = await src.read(src.size - 4, 4);
  if (t.length < 4) return src.size;
  const isize = (t[0] | (t[1] << 8) | (t[2] << 16) | (t[3] << 24)) >>> 0;
  return Math.min(Math.max(isize, src.size), decodedLimit(src.size, budget));
}

/**
 * Reads the first `n` decoded bytes (for format sniffing), one 64 KiB slice at a time: slices asked ahead would be
 * read for nothing, and three in a row looked like a scan to a `BlobSource` (which then read 20 MiB of the `File` ahead
 * while the reader began).
 */
export async function decodedHead(src: ByteSource, n: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let have = 0;
  for await (const c of decodedChunks(src, { chunkSize: 64 << 10, ahead: 1 })) {
    parts.push(c);
    have += c.length;
    if (have >= n) break;
  }
  const out = new Uint8Array(Math.min(n, have));
  let at = 0;
  for (const p of parts) {
    const take = Math.min(p.length, out.length - at);
    out.set(p.subarray(0, take), at);
    at += take;
    if (at >= out.length) break;
  }
  return out;
}
