/**
 * `heapscope count SET CORE [LIST...] [--json]`: chap's `count SET` on a core —
 * its tally line exactly (`N allocations use 0xHEX (D,DDD) bytes.`), from the
 * core's heap walk (or the given chap lists of it) and the leak analysis.
 * SET is one of used, free, leaked, unreferenced, anchored, anchorpoints,
 * stackanchored, registeranchored, staticanchored, threadonlyanchored,
 * stackanchorpoints, registeranchorpoints, staticanchorpoints.
 */
import { isSetName, SET_NAMES, setTotals, tallyLine } from '../../workers/logic/leaks/chap-sets.ts';
import { parseArgs } from '../args.ts';
import { openLeaks } from '../leak-inputs.ts';

export async function run(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args);
  const [set, core, ...lists] = positional;
  if (!set || !core || !isSetName(set)) {
    process.stderr.write(`usage: heapscope count SET CORE [LIST...] [--json]\n  SET: ${SET_NAMES.join(', ')}\n`);
    return 2;
  }
  const o = await openLeaks(core, lists);
  for (const w of o.warnings) process.stderr.write(`warning: ${w.file}: ${w.message}\n`);
  const t = setTotals(set, o.table, o.analysis.flags);
  process.stdout.write(flags.has('json') ? JSON.stringify({ set, count: t.count, bytes: t.bytes, warnings: o.warnings.map((w) => w.message) }) + '\n' : tallyLine(t) + '\n');
  return 0;
}
