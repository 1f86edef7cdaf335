/**
 * `heapscope count SET CORE [LIST...] [%Pattern] [--json]`: chap's `count SET` on a core —
 * its tally line exactly (`N allocations use 0xHEX (D,DDD) bytes.`), from the
 * core's heap walk (or the given chap lists of it) and the leak analysis; or, given chap lists
 * without their core (`count leaked core.1.list_used core.1.list_leaked`), from the sets they name.
 * SET is one of used, free, leaked, unreferenced, anchored, anchorpoints,
 * stackanchored, registeranchored, staticanchored, threadonlyanchored,
 * stackanchorpoints, registeranchorpoints, staticanchorpoints.
 * `%Pattern` (chap's `count used %SimplePythonObject`) keeps the allocations of the set
 * that match one of chap's Python patterns (workers/logic/heaps/python/patterns.ts):
 * %SimplePythonObject, %ContainerPythonObject, %PyDictKeysObject, %PyDictValuesArray,
 * %PythonListItems, %PythonArenaStructArray. `heapscope count %Pattern CORE` is `count used`.
 */
import { isSetName, SET_NAMES, setPredicate, tallyLine, type SetName } from '../../workers/logic/leaks/chap-sets.ts';
import { PYTHON_PATTERNS, type PythonPattern } from '../../workers/logic/heaps/python/patterns.ts';
import { parseArgs } from '../args.ts';
import { openLeaks, openListSets } from '../leak-inputs.ts';
import { InputError } from '../../workers/logic/io/errors.ts';

const isPattern = (s: string): s is PythonPattern => (PYTHON_PATTERNS as readonly string[]).includes(s);

export async function run(args: string[]): Promise<number> {
  const { positional, flags } = parseArgs(args);
  const patterns = positional.filter((p) => p.startsWith('%'));
  const rest = positional.filter((p) => !p.startsWith('%'));
  const pattern = patterns[0];
  const [set, core, ...lists] = pattern && !isSetName(rest[0] ?? '') ? ['used', ...rest] : rest;
  if (!set || !core || !isSetName(set) || patterns.length > 1 || (pattern !== undefined && !isPattern(pattern))) {
    process.stderr.write(`usage: heapscope count SET CORE [LIST...] [%Pattern] [--json]\n       heapscope count SET LIST... (chap lists without their core: the sets they name)\n  SET: ${SET_NAMES.join(', ')}\n  %Pattern: ${PYTHON_PATTERNS.join(', ')}\n`);
    return 2;
  }
  const needsLeaks = set !== 'used' && set !== 'free';
  // chap lists without their core: the sets they name (`list leaked`, … as chap's redirect names them).
  const ls = pattern === undefined ? await openListSets([core, ...lists]) : null;
  if (ls && needsLeaks && !ls.known.includes(set)) {
    throw new InputError(ls.names, `chap lists without their core give only the sets they list (${ls.known.length ? ls.known.join(', ') : 'none here'}); ${set} is computed from the core: give it first`);
  }
  const o = ls ? { table: ls.table, analysis: { flags: ls.flags }, warnings: ls.warnings, patterns: undefined } : await openLeaks(core, lists, { leaks: needsLeaks, patterns: pattern !== undefined });
  for (const w of o.warnings) process.stderr.write(`warning: ${w.file}: ${w.message}\n`);
  const inSet = setPredicate(set as SetName, o.table, o.analysis?.flags);
  const want = pattern ? PYTHON_PATTERNS.indexOf(pattern as PythonPattern) + 1 : 0;
  let count = 0;
  let bytes = 0;
  for (let r = 0; r < o.table.rows; r++) {
    if (!inSet(r) || (want && o.patterns?.[r] !== want)) continue;
    count++;
    bytes += o.table.size[r];
  }
  const t = { count, bytes };
  process.stdout.write(flags.has('json') ? JSON.stringify({ set, ...(pattern ? { pattern } : {}), count, bytes, warnings: o.warnings.map((w) => w.message) }) + '\n' : tallyLine(t) + '\n');
  return 0;
}
