/**
 * Budgets that bound what one input may cost. Every reader keeps to them, so
 * a hostile or huge input ends in an `InputError` that names the file and the
 * limit instead of exhausting memory or time (issue 13).
 *
 * - Decoded bytes of compressed text (chap lists, meliae dumps, tracemalloc
 *   pickles): at most `ratio` × the stored size, never less than `floor`, never
 *   more than `cap`. Real inputs: chap lists compress 8–16:1, meliae and JSON
 *   up to ~55:1, pickles ~3:1; a DEFLATE bomb reaches 1032:1.
 * - Rows of one table (`MAX_ROWS`): columns cost 21 bytes per allocation row
 *   (see `src/model/allocations.ts`), so 2^26 rows are ~1.4 GB once read.
 * - Decoded bytes of a compressed core (gzip, bzip2): `CORE_DECODE_BUDGET`,
 *   20,000× the stored size (at least 256 MiB, at most 64 GiB). Cores are mostly
 *   zero pages, so they compress far more than text; the real ones measured
 *   (2026-12-02): chap's SpinningThreads 3,167:1 in bzip2 (the most), the shared
 *   leakgen / heapgen / tcmalloc cores 623 / 394 / 106:1 in bzip2 -9 and
 *   374 / 273 / 91:1 in gzip, the Python cores 7–9:1, the bench core 19:1 (.gz)
 *   and 38:1 (.bz2). gzip cannot pass 1032:1 at all; runs of zeros reach
 *   ~1,000,000:1 in bzip2 (an 8 KB file inflating to 6 GiB), so the ratio is what
 *   stops a bzip2 bomb: at 20,000× an 8 KB one is refused after 256 MiB (the
 *   floor) in ~2 s of CPU instead of 695 MiB in ~5–12 s at 100,000×, with 6×
 *   headroom over SpinningThreads. What a compressed core decodes to is never
 *   held (restart points, zero-page maps, a bounded cache), so the budget bounds
 *   time, not memory; a real core past it (a huge untouched mapping) opens once
 *   decompressed, which the refusal says.
 * - Per-format limits (line length, memo entries, stack depth, notes, program
 *   headers) live beside each reader and are listed in its README.
 */

/** How far a compressed input may inflate. */
export interface DecodeBudget {
  /** Decoded bytes allowed per stored byte. */
  ratio: number;
  /** Decoded bytes always allowed, whatever the stored size. */
  floor: number;
  /** Decoded bytes never exceeded. */
  cap: number;
}

/** Budget of the text and pickle readers (chap lists, meliae, tracemalloc). */
export const TEXT_DECODE_BUDGET: DecodeBudget = { ratio: 64, floor: 64 << 20, cap: 4 * 2 ** 30 };

/** Budget of compressed cores (gzip and bzip2): decoding time is linear in what they decode to. */
export const CORE_DECODE_BUDGET: DecodeBudget = { ratio: 20_000, floor: 256 << 20, cap: 64 * 2 ** 30 };

/**
 * Bytes of plain cores the browser's core worker keeps in memory once read (`ByteSource.keep`), for all its open
 * cores together: later passes over a kept core (attribution, the leak graph, the inspector) copy from memory
 * instead of reading the dropped File again (~200 MB/s in Chromium here, 2026-12-04: the 607 MB bench core was read
 * three times). A core bigger than what is left is read from the File each time, as before. `deviceMemoryGiB` is
 * `navigator.deviceMemory` (Chromium reports at most 8): an eighth of it, at most 1 GiB; 512 MiB when unknown.
 */
export function keptCoreBytes(deviceMemoryGiB?: number): number {
  if (!deviceMemoryGiB || !(deviceMemoryGiB > 0)) return 512 * 2 ** 20;
  return Math.min(2 ** 30, Math.floor((deviceMemoryGiB * 2 ** 30) / 8));
}

/** Most rows one reader puts in a table. */
export const MAX_ROWS = 1 << 26;

/** Decoded bytes allowed for an input of `storedBytes` under `b`. */
export function decodedLimit(storedBytes: number, b: DecodeBudget): number {
  return Math.min(b.cap, Math.max(b.floor, b.ratio * storedBytes));
}

/** The refusal of a decompression bomb: names the limit and where it comes from. */
export function decodeRefusal(format: string, storedBytes: number, b: DecodeBudget): string {
  return (
    `the ${format} data decodes to more than ${mib(decodedLimit(storedBytes, b))}, the limit for a ${storedBytes < 1 << 20 ? kib(storedBytes) : mib(storedBytes)} file ` +
    `(${b.ratio.toLocaleString('en-US')}× its size, at least ${mib(b.floor)}, at most ${mib(b.cap)}): refused as a decompression bomb (if it is a real input, decompress it and open that)`
  );
}

/** "7.1 KiB" style figure for messages. */
export function kib(bytes: number): string {
  return `${(bytes / 1024).toLocaleString('en-US', { maximumFractionDigits: 1 })} KiB`;
}

/** "1,024 MiB" style figure for messages. */
export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toLocaleString('en-US', { maximumFractionDigits: 1 })} MiB`;
}
