/**
 * `heapscope stats SNAP --by filename|lineno|traceback [--cumulative] [--json]`:
 * `Snapshot.statistics()` of a tracemalloc snapshot, rows in CPython's order.
 *
 * Options shared with `diff`:
 *   --by KEY              filename, lineno (default) or traceback
 *   --cumulative          count every frame of each traceback (filename / lineno)
 *   --json                a JSON array of rows {key, size, count}; every row
 *   --limit N             text output: the first N rows only
 *   --exclude-default     apply the usual exclusions (<frozen importlib._bootstrap>, <unknown>)
 *   --include PATTERN     keep traces whose most recent frame's file matches (fnmatch)
 *   --exclude PATTERN     drop traces whose most recent frame's file matches (fnmatch)
 */
import type { TracemallocSnapshot } from '../../src/model/traces.ts';
import { InputError } from '../../workers/logic/io/errors.ts';
import { NodeFileSource } from '../node-source.ts';
import { openInput } from '../../workers/logic/formats/open-input.ts';
import { DEFAULT_EXCLUDES, filterTraces, type TraceFilter } from '../../workers/logic/python/filters.ts';
import { formatStatistic } from '../../workers/logic/python/format.ts';
import { keyJson, statistics, type KeyType, type PyFrame } from '../../workers/logic/python/statistics.ts';
import { parseArgs, type ParsedArgs } from '../args.ts';
import { cliProgress } from '../progress.ts';

export const STATS_VALUE_FLAGS = ['by', 'limit', 'include', 'exclude'];

/** Options common to `stats` and `diff`, or an error message. */
export interface SnapshotOptions {
  by: KeyType;
  cumulative: boolean;
  json: boolean;
  limit: number;
  filters: TraceFilter[];
}

/** Reads the shared flags; returns a message when one is wrong. */
export function snapshotOptions(p: ParsedArgs): SnapshotOptions | string {
  const by = p.flags.get('by') ?? 'lineno';
  if (by !== 'filename' && by !== 'lineno' && by !== 'traceback') return `--by must be filename, lineno or traceback (got "${String(by)}")`;
  const cumulative = p.flags.has('cumulative');
  if (cumulative && by === 'traceback') return '--cumulative works with --by filename or lineno only (as in CPython)';
  const limitFlag = p.flags.get('limit');
  const limit = limitFlag === undefined ? Infinity : Number(limitFlag);
  if (!(limit >= 0)) return `--limit must be a number (got "${String(limitFlag)}")`;
  const filters: TraceFilter[] = [];
  if (p.flags.has('exclude-default')) filters.push(...DEFAULT_EXCLUDES);
  const inc = p.flags.get('include');
  if (typeof inc === 'string') filters.push({ kind: 'file', inclusive: true, pattern: inc });
  const exc = p.flags.get('exclude');
  if (typeof exc === 'string') filters.push({ kind: 'file', inclusive: false, pattern: exc });
  return { by, cumulative, json: p.flags.has('json'), limit, filters };
}

/** Opens a file, checks that it is a tracemalloc snapshot, prints its warnings to stderr. */
export async function loadSnapshot(path: string, filters: TraceFilter[]): Promise<TracemallocSnapshot> {
  const src = await NodeFileSource.open(path);
  try {
    const r = await openInput(src, cliProgress);
    if (!r.tracemalloc) throw new InputError(src.name, `is a ${r.format} input, not a tracemalloc snapshot`);
    for (const w of r.warnings) process.stderr.write(`warning: ${w.file}: ${w.message}\n`);
    return filters.length ? filterTraces(r.tracemalloc, filters) : r.tracemalloc;
  } finally {
    await src.close();
  }
}

/**
 * Prints `rows` as `stats` and `diff` do: with --json each as `json(row)` in one array, else each `line(row)` (and
 * its traceback when keyed by traceback), at most --limit of them and a line saying how many more.
 */
export function printRows<R extends { frames: PyFrame[] }>(rows: readonly R[], opts: SnapshotOptions, line: (r: R) => string, json: (r: R) => object): void {
  if (opts.json) {
    process.stdout.write(JSON.stringify(rows.map(json)) + '\n');
    return;
  }
  let text = '';
  const shown = Math.min(rows.length, opts.limit);
  for (let i = 0; i < shown; i++) {
    text += line(rows[i]) + '\n';
    if (opts.by === 'traceback') text += tracebackLines(rows[i].frames);
  }
  if (shown < rows.length) text += `… ${rows.length - shown} more row(s)\n`;
  process.stdout.write(text);
}

/** Text form of a key's traceback under its `str()` line (CPython's Traceback.format without source). */
export function tracebackLines(frames: PyFrame[]): string {
  return frames.map(([f, l]) => `  File "${f}", line ${l}\n`).join('');
}

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args, STATS_VALUE_FLAGS);
  const opts = snapshotOptions(p);
  if (typeof opts === 'string' || p.positional.length !== 1) {
    if (typeof opts === 'string') process.stderr.write(`heapscope stats: ${opts}\n`);
    process.stderr.write('usage: heapscope stats SNAP --by filename|lineno|traceback [--cumulative] [--json] [--limit N] [--exclude-default] [--include PAT] [--exclude PAT]\n');
    return 2;
  }
  const snap = await loadSnapshot(p.positional[0], opts.filters);
  const rows = statistics(snap, opts.by, opts.cumulative);
  printRows(rows, opts, formatStatistic, (r) => ({ key: keyJson(opts.by, r.frames), size: r.size, count: r.count }));
  return 0;
}
