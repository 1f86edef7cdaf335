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

/** Most rows one reader puts in a table. */
export const MAX_ROWS = 1 << 26;

/** Decoded bytes allowed for an input of `storedBytes` under `b`. */
export function decodedLimit(storedBytes: number, b: DecodeBudget): number {
  return Math.min(b.cap, Math.max(b.floor, b.ratio * storedBytes));
}

/** "1,024 MiB" style figure for messages. */
export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toLocaleString('en-US', { maximumFractionDigits: 1 })} MiB`;
}
