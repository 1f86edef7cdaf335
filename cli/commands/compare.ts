/**
 * `heapscope compare A B [--list-a LIST --list-b LIST] [--bin FILE...] [--by library|function|site|class|sizeclass]
 *  [--status new,gone,grown,shrunk,same] [--limit N] [--debug-dir DIR] [--json]`:
 * snapshot A (before) against B (after), rows sorted by |Δ bytes|.
 *
 * A and B are snapshots: cores (with chap's lists given with --list-a / --list-b
 * and the --bin binaries, assembled as the browser assembles them; footers
 * attributed with the binaries and DIR/.build-id debug files, as `attribute`
 * does) or chap lists. Cores with footers compare by library / function / site (default
 * function); anything else by class (default) or size class. tracemalloc
 * snapshots are compared by `heapscope diff`. `--set SET` (leaked, unreferenced,
 * anchored, … — chap's sets, computed from each core) compares only the
 * allocations in that set: which site or class leaks more in B than in A.
 */
import { isSetName, type SetName } from '../../workers/logic/leaks/chap-sets.ts';
import { onlyInSet } from '../../workers/logic/leaks/leak-view.ts';
import { DIFF_STATUS_KEYS, type DiffStatusKey } from '../../src/model/diff.ts';
import { describeBuildChange } from '../../workers/logic/diff/builds.ts';
import { COMPARE_BY, compareSides, defaultCompareBy, type CompareBy, type CompareSide } from '../../workers/logic/diff/compare.ts';
import { InputError, type InputWarning } from '../../workers/logic/io/errors.ts';
import { parseArgs } from '../args.ts';
import { DEFAULT_DEBUG_DIR, splitBins } from '../core-inputs.ts';
import { assembleFiles, closeFiles, filesOf, loadFiles } from '../inputs.ts';
import { completeSnapshot } from '../snapshot-stages.ts';
import { cliProgress } from '../progress.ts';

const USAGE =
  'usage: heapscope compare A B [--list-a LIST --list-b LIST] [--bin FILE...] [--by library|function|site|class|sizeclass]\n' +
  '                         [--status new,gone,grown,shrunk,same] [--set leaked|unreferenced|…] [--limit N] [--debug-dir DIR] [--json]\n' +
  '       (tracemalloc snapshots: heapscope diff OLD NEW --by filename|lineno|traceback)\n';

interface Loaded extends CompareSide {
  format: string;
}

/**
 * A and B as snapshots: the files (A, B, their lists, the binaries) assembled as
 * the browser assembles them; a list given with --list-a / --list-b belongs to
 * A's / B's core when it fits it. Each core side is completed as the browser
 * completes it (footer attribution; vtable class names when `classes`).
 */
async function loadSides(
  a: string,
  b: string,
  lists: { a?: string; b?: string },
  bins: string[],
  debugDir: string,
  classes: boolean,
  warnings: InputWarning[],
  set?: SetName,
): Promise<[Loaded, Loaded]> {
  const paths = [a, b, ...(lists.a ? [lists.a] : []), ...(lists.b ? [lists.b] : []), ...bins];
  const files = await loadFiles(paths, { sessions: true, leaks: set !== undefined });
  try {
    for (const f of files.slice(0, 2)) {
      if (f.format === 'tracemalloc') throw new InputError(f.name, 'is a tracemalloc snapshot: compare snapshots with `heapscope diff OLD NEW --by filename|lineno|traceback`');
      if (f.format !== 'core' && f.format !== 'chap-list') throw new InputError(f.name, `is not a core dump or chap list (${f.format})`);
    }
    const [fa, fb] = files;
    const choices: Record<number, string> = {};
    let at = 2;
    for (const [which, list] of [['a', lists.a], ['b', lists.b]] as const) {
      if (!list) continue;
      const owner = which === 'a' ? fa : fb;
      if (owner.format !== 'core') throw new InputError(files[at].name, `--list-${which} is for cores, and ${owner.name} is itself a chap list`);
      choices[files[at].id] = `s${owner.id}`;
      at++;
    }
    const assembly = assembleFiles(files, choices);
    for (const n of assembly.notes) warnings.push({ file: files.find((f) => f.id === n.input)!.name, message: n.message });
    const sideOf = async (f: (typeof files)[number]): Promise<Loaded> => {
      const snap = assembly.snapshots.find((x) => x.parts.some((p) => p.input === f.id))!;
      if (set) {
        // Only the allocations in the set: the others count as free (every aggregation counts used ones only).
        const session = filesOf(snap, files).core?.session;
        if (!session || !snap.table) throw new InputError(f.name, `--set ${set} needs the core: the sets are computed from its memory (a chap list of the set can be compared as it is)`);
        const l = await session.leaks(cliProgress);
        warnings.push(...l.warnings);
        const t = snap.table;
        if (t.rows !== l.flags.length) throw new InputError(f.name, `its snapshot's table does not have the heap walk's rows, so --set ${set} cannot mark it`);
        snap.table = onlyInSet(t, set, l.flags);
      }
      const done = await completeSnapshot(snap, files, { debugDir, classes });
      warnings.push(...(done.attribution?.warnings ?? []));
      return { name: f.name, format: f.format, table: done.table!, attribution: done.attribution ? { ...done.attribution, modules: done.modules ?? undefined } : null };
    };
    const sa = await sideOf(fa);
    const sb = await sideOf(fb);
    if (assembly.snapshots.find((x) => x.parts.some((p) => p.input === fa.id)) === assembly.snapshots.find((x) => x.parts.some((p) => p.input === fb.id))) {
      throw new InputError(fb.name, `is part of the same snapshot as ${fa.name}: compare two snapshots (two cores, or the chap lists of two cores)`);
    }
    for (const f of files) warnings.push(...f.warnings);
    return [sa, sb];
  } finally {
    await closeFiles(files);
  }
}

function parseStatus(v: string | true | undefined): DiffStatusKey[] | string {
  if (v === undefined) return [];
  if (v === true) return '--status needs a value';
  const out: DiffStatusKey[] = [];
  for (const s of v.split(',').map((x) => x.trim()).filter(Boolean)) {
    if (!(DIFF_STATUS_KEYS as readonly string[]).includes(s)) return `unknown status "${s}" (use ${DIFF_STATUS_KEYS.join(', ')})`;
    out.push(s as DiffStatusKey);
  }
  return out;
}

const num = (n: number) => n.toLocaleString('en-US');
const signed = (n: number) => (n > 0 ? '+' : n < 0 ? '−' : '±') + num(Math.abs(n));

export async function run(args: string[]): Promise<number> {
  const { rest, bins } = splitBins(args);
  const p = parseArgs(rest, ['list-a', 'list-b', 'by', 'status', 'limit', 'debug-dir', 'set']);
  const setFlag = p.flags.get('set');
  const byFlag = p.flags.get('by');
  const status = parseStatus(p.flags.get('status'));
  const limitFlag = p.flags.get('limit');
  const limit = typeof limitFlag === 'string' ? Number(limitFlag) : 50;
  let problem = '';
  if (p.positional.length !== 2) problem = 'give two inputs, A and B';
  else if (byFlag !== undefined && (typeof byFlag !== 'string' || !COMPARE_BY.includes(byFlag as CompareBy))) problem = `--by must be one of ${COMPARE_BY.join(', ')}`;
  else if (typeof status === 'string') problem = status;
  else if (!Number.isInteger(limit) || limit < 0) problem = '--limit must be a whole number';
  else if (setFlag !== undefined && (typeof setFlag !== 'string' || !isSetName(setFlag) || setFlag === 'free')) problem = '--set must name one of chap\'s sets of used allocations (leaked, unreferenced, anchored, …)';
  if (problem) {
    process.stderr.write(`heapscope compare: ${problem}\n${USAGE}`);
    return 2;
  }
  const str = (k: string) => (typeof p.flags.get(k) === 'string' ? (p.flags.get(k) as string) : undefined);
  const debugDir = str('debug-dir') ?? DEFAULT_DEBUG_DIR;
  const warnings: InputWarning[] = [];
  // Class names of core allocations cost a read per allocation: only when the keys may be classes.
  const classes = byFlag === undefined || byFlag === 'class' || byFlag === 'sizeclass';
  const set = typeof setFlag === 'string' ? (setFlag as SetName) : undefined;
  const [a, b] = await loadSides(p.positional[0], p.positional[1], { a: str('list-a'), b: str('list-b') }, bins, debugDir, classes, warnings, set);
  const by = (byFlag as CompareBy | undefined) ?? defaultCompareBy(a, b);
  const c = compareSides(a, b, by, { status: status as DiffStatusKey[] });
  const d = c.diff;
  const side = (x: Loaded, k: 'a' | 'b') => ({
    file: x.name,
    format: x.format,
    footers: x.attribution ? x.attribution.detected : null,
    count: k === 'a' ? d.a.totalCount[0] : d.b.totalCount[0],
    bytes: k === 'a' ? d.a.totalBytes[0] : d.b.totalBytes[0],
    requested: d.hasRequested ? (k === 'a' ? d.a.totalRequested[0] : d.b.totalRequested[0]) : null,
  });
  const buildText = c.builds.map(describeBuildChange);
  const warnText = warnings.map((w) => `${w.file}: ${w.message}`);
  if (p.flags.has('json')) {
    const out = {
      by,
      ...(set ? { set } : {}),
      a: side(a, 'a'),
      b: side(b, 'b'),
      builds: c.builds.map((x) => ({ ...x, message: describeBuildChange(x) })),
      rows: c.rows.map((r) => ({
        key: r.key,
        path: r.path,
        status: r.status,
        a_bytes: r.aBytes,
        b_bytes: r.bBytes,
        d_bytes: r.dBytes,
        a_count: r.aCount,
        b_count: r.bCount,
        d_count: r.dCount,
        ...(d.hasRequested ? { a_requested: r.aRequested, b_requested: r.bRequested, d_requested: r.bRequested - r.aRequested } : {}),
      })),
      warnings: warnText,
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return 0;
  }
  const sa = side(a, 'a');
  const sb = side(b, 'b');
  let text = `A: ${sa.file} (${sa.format}${sa.footers ? ', footers' : ''}): ${num(sa.count)} allocations, ${num(sa.bytes)} bytes\n`;
  text += `B: ${sb.file} (${sb.format}${sb.footers ? ', footers' : ''}): ${num(sb.count)} allocations, ${num(sb.bytes)} bytes\n`;
  text += `Δ: ${signed(sb.count - sa.count)} allocations, ${signed(sb.bytes - sa.bytes)} bytes; by ${by}${set ? `, ${set} allocations only` : ''}, ${c.rows.length} row(s)\n`;
  for (const t of buildText) text += `note: ${t}\n`;
  text += `\n${'status'.padEnd(7)} ${'Δ bytes'.padStart(14)} ${'Δ count'.padStart(10)} ${'A bytes'.padStart(13)} ${'B bytes'.padStart(13)}  key\n`;
  const shown = Math.min(limit, c.rows.length);
  for (let i = 0; i < shown; i++) {
    const r = c.rows[i];
    text += `${r.status.padEnd(7)} ${signed(r.dBytes).padStart(14)} ${signed(r.dCount).padStart(10)} ${num(r.aBytes).padStart(13)} ${num(r.bBytes).padStart(13)}  ${r.key}\n`;
  }
  if (shown < c.rows.length) text += `… ${c.rows.length - shown} more row(s) (--limit N)\n`;
  process.stdout.write(text);
  for (const w of warnText) process.stderr.write(`warning: ${w}\n`);
  return 0;
}
