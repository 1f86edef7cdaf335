/**
 * `heapscope diff OLD NEW --by filename|lineno|traceback [--cumulative] [--json]`:
 * `NEW.compare_to(OLD, key)` of two tracemalloc snapshots, rows in CPython's
 * order. Same options as `stats` (filters apply to both snapshots).
 */
import { formatStatisticDiff } from '../../workers/logic/python/format.ts';
import { compareTo, keyJson } from '../../workers/logic/python/statistics.ts';
import { parseArgs } from '../args.ts';
import { loadSnapshot, printRows, snapshotOptions, STATS_VALUE_FLAGS } from './stats.ts';

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args, STATS_VALUE_FLAGS);
  const opts = snapshotOptions(p);
  if (typeof opts === 'string' || p.positional.length !== 2) {
    if (typeof opts === 'string') process.stderr.write(`heapscope diff: ${opts}\n`);
    process.stderr.write('usage: heapscope diff OLD NEW --by filename|lineno|traceback [--cumulative] [--json] [--limit N] [--exclude-default] [--include PAT] [--exclude PAT]\n');
    return 2;
  }
  const oldSnap = await loadSnapshot(p.positional[0], opts.filters);
  const newSnap = await loadSnapshot(p.positional[1], opts.filters);
  const rows = compareTo(newSnap, oldSnap, opts.by, opts.cumulative);
  printRows(rows, opts, formatStatisticDiff, (r) => ({ key: keyJson(opts.by, r.frames), size: r.size, size_diff: r.sizeDiff, count: r.count, count_diff: r.countDiff }));
  return 0;
}
