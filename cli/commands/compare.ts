/**
 * `heapscope compare A B [--list-a LIST --list-b LIST] [--bin FILE...] [--by library|function|site|class|sizeclass]
 *  [--status new,gone,grown,shrunk,same] [--limit N] [--debug-dir DIR] [--json]`:
 * snapshot A (before) against B (after), rows sorted by |Δ bytes|.
 *
 * A and B are cores (allocations from chap's list given with --list-a / --list-b,
 * else from the core's glibc heap walk; malloc_tracer footers attributed with
 * the --bin binaries and DIR/.build-id debug files, as `attribute` does) or chap
 * lists. Cores with footers compare by library / function / site (default
 * function); anything else by class (default) or size class. tracemalloc
 * snapshots are compared by `heapscope diff`.
 */
import type { AllocationTable } from '../../src/model/allocations.ts';
import { DIFF_STATUS_KEYS, type DiffStatusKey } from '../../src/model/diff.ts';
import { attributeWithModules, type Attribution } from '../../workers/logic/aggregate/attribution.ts';
import { findSignatures } from '../../workers/logic/aggregate/signatures.ts';
import { describeBuildChange } from '../../workers/logic/diff/builds.ts';
import { COMPARE_BY, compareSides, defaultCompareBy, type CompareBy, type CompareSide } from '../../workers/logic/diff/compare.ts';
import type { Binary } from '../../workers/logic/formats/elf/binary.ts';
import { openCore, type CoreFile } from '../../workers/logic/formats/elf/core-file.ts';
import { readChapList } from '../../workers/logic/formats/chap-list/chap-list.ts';
import { findAllocations } from '../../workers/logic/heaps/find-allocators.ts';
import { InputError, type InputWarning } from '../../workers/logic/io/errors.ts';
import { NodeFileSource } from '../node-source.ts';
import { sniff } from '../../workers/logic/formats/sniff.ts';
import { ROLE_LABELS } from '../../src/model/inputs.ts';
import { parseArgs } from '../args.ts';
import { binaryAt, DEFAULT_DEBUG_DIR, modulesWithDebugFiles, splitBins } from '../core-inputs.ts';

const USAGE =
  'usage: heapscope compare A B [--list-a LIST --list-b LIST] [--bin FILE...] [--by library|function|site|class|sizeclass]\n' +
  '                         [--status new,gone,grown,shrunk,same] [--limit N] [--debug-dir DIR] [--json]\n' +
  '       (tracemalloc snapshots: heapscope diff OLD NEW --by filename|lineno|traceback)\n';

async function listTable(path: string, warnings: InputWarning[]): Promise<AllocationTable> {
  const src = await NodeFileSource.open(path);
  try {
    const r = await readChapList(src);
    warnings.push(...r.warnings);
    return r.table;
  } finally {
    await src.close();
  }
}

interface Loaded extends CompareSide {
  format: string;
}

/** Reads one side: a chap list, or a core (+ list) with its footer attribution and, when `classes`, vtable class names. */
async function loadSide(path: string, list: string | undefined, binaries: Binary[], debugDir: string, classes: boolean, warnings: InputWarning[]): Promise<Loaded> {
  const src = await NodeFileSource.open(path);
  let core: CoreFile | null = null;
  try {
    const s = await sniff(src);
    if (s.role === 'chap-list') {
      if (list) throw new InputError(list, `--list is for cores, and ${src.name} is itself a chap list`);
      return { name: src.name, format: 'chap-list', table: await listTable(path, warnings) };
    }
    if (s.role === 'tracemalloc') throw new InputError(src.name, 'is a tracemalloc snapshot: compare snapshots with `heapscope diff OLD NEW --by filename|lineno|traceback`');
    if (s.role !== 'core') throw new InputError(src.name, `is not a core dump or chap list (${s.role === 'unknown' ? s.detail : ROLE_LABELS[s.role]})`);
    core = await openCore(src);
    warnings.push(...core.warnings);
    let table: AllocationTable;
    if (list) table = await listTable(list, warnings);
    else {
      const heap = await findAllocations(core);
      warnings.push(...heap.warnings);
      table = heap.table;
    }
    const modules = await modulesWithDebugFiles(core, binaries, debugDir);
    const attribution: Attribution = await attributeWithModules(core, table, modules);
    warnings.push(...attribution.warnings);
    if (classes) {
      // Class / size-class keys: name allocations by their vtable class where the table has no type yet (heap walk).
      let typed = false;
      for (let i = 0; i < table.rows && !typed; i++) typed = table.type[i] !== 0;
      if (!typed) {
        const sig = await findSignatures(core, table, modules);
        table = { ...table, type: sig.rowClass, strings: sig.strings };
      }
    }
    return { name: src.name, format: 'core', table, attribution };
  } finally {
    await core?.close();
    await src.close();
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
  const p = parseArgs(rest, ['list-a', 'list-b', 'by', 'status', 'limit', 'debug-dir']);
  const byFlag = p.flags.get('by');
  const status = parseStatus(p.flags.get('status'));
  const limitFlag = p.flags.get('limit');
  const limit = typeof limitFlag === 'string' ? Number(limitFlag) : 50;
  let problem = '';
  if (p.positional.length !== 2) problem = 'give two inputs, A and B';
  else if (byFlag !== undefined && (typeof byFlag !== 'string' || !COMPARE_BY.includes(byFlag as CompareBy))) problem = `--by must be one of ${COMPARE_BY.join(', ')}`;
  else if (typeof status === 'string') problem = status;
  else if (!Number.isInteger(limit) || limit < 0) problem = '--limit must be a whole number';
  if (problem) {
    process.stderr.write(`heapscope compare: ${problem}\n${USAGE}`);
    return 2;
  }
  const str = (k: string) => (typeof p.flags.get(k) === 'string' ? (p.flags.get(k) as string) : undefined);
  const debugDir = str('debug-dir') ?? DEFAULT_DEBUG_DIR;
  const binaries: Binary[] = [];
  for (const b of bins) binaries.push(await binaryAt(b));
  const warnings: InputWarning[] = [];
  // Class names of core allocations cost a read per allocation: only when the keys may be classes.
  const classes = byFlag === undefined || byFlag === 'class' || byFlag === 'sizeclass';
  const a = await loadSide(p.positional[0], str('list-a'), binaries, debugDir, classes, warnings);
  const b = await loadSide(p.positional[1], str('list-b'), binaries, debugDir, classes, warnings);
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
  text += `Δ: ${signed(sb.count - sa.count)} allocations, ${signed(sb.bytes - sa.bytes)} bytes; by ${by}, ${c.rows.length} row(s)\n`;
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
