/**
 * Opens a core for the leak commands (`count`, `list`, `summary`): the glibc
 * heap walk, or the allocations of chap lists of that core when given (their
 * boundaries are used; the walk still tells which memory the allocator owns),
 * then the leak analysis. Node only.
 */
import { AllocationTableBuilder, AllocState, isInUse, type AllocationTable } from '../src/model/allocations.ts';
import { readChapList } from '../workers/logic/formats/chap-list/chap-list.ts';
import { readCore } from '../workers/logic/formats/core/read-core.ts';
import type { InputWarning } from '../workers/logic/io/errors.ts';
import type { LeakAnalysis } from '../workers/logic/leaks/compute.ts';
import { analyzeCoreRead } from '../workers/logic/leaks/from-core.ts';
import { NodeFileSource } from './node-source.ts';
import { obmallocOf } from '../workers/logic/heaps/python/analyse.ts';
import { pythonPatterns } from '../workers/logic/heaps/python/patterns.ts';
import { cliProgress } from './progress.ts';
import { InputError } from '../workers/logic/io/errors.ts';
import { sniff } from '../workers/logic/formats/sniff.ts';
import { assembleFiles, closeFiles, loadFiles } from './inputs.ts';

export interface OpenedLeaks {
  table: AllocationTable;
  /** Null when not asked for (`leaks: false`). */
  analysis: LeakAnalysis | null;
  warnings: InputWarning[];
  /** chap's Python pattern of each row of `table` (0 none, else 1 + index into PYTHON_PATTERNS), when asked for. */
  patterns?: Uint8Array;
}

export interface OpenLeaksOptions {
  /** Run the leak analysis (default true). */
  leaks?: boolean;
  /** Tag the rows with chap's Python patterns (`%SimplePythonObject`, …): a core of a CPython process. */
  patterns?: boolean;
}

/** The patterns of `walk`'s rows carried over to `table`'s rows at the same addresses. */
function patternsFor(walk: AllocationTable, tags: Uint8Array, table: AllocationTable): Uint8Array {
  if (table === walk) return tags;
  const at = new Map<number, number>();
  for (let i = 0; i < walk.rows; i++) if (tags[i]) at.set(walk.addrHi[i] * 4294967296 + walk.addrLo[i], tags[i]);
  const out = new Uint8Array(table.rows);
  for (let i = 0; i < table.rows; i++) out[i] = at.get(table.addrHi[i] * 4294967296 + table.addrLo[i]) ?? 0;
  return out;
}

/** One table from several chap lists of the same process, sorted by address, each address once. */
export function mergeListTables(tables: AllocationTable[]): AllocationTable {
  const rows: { t: AllocationTable; r: number; a: number }[] = [];
  for (const t of tables) for (let r = 0; r < t.rows; r++) rows.push({ t, r, a: t.addrHi[r] * 4294967296 + t.addrLo[r] });
  rows.sort((x, y) => x.a - y.a);
  const b = new AllocationTableBuilder({ expectedRows: rows.length });
  let last = -1;
  for (const { t, r, a } of rows) {
    if (a === last) continue;
    last = a;
    b.add(t.addrHi[r], t.addrLo[r], t.size[r], isInUse(t.state[r]) ? AllocState.Used : AllocState.Free);
  }
  return b.freeze();
}

export async function openLeaks(corePath: string, listPaths?: string[], opts?: OpenLeaksOptions & { leaks?: true }): Promise<OpenedLeaks & { analysis: LeakAnalysis }>;
export async function openLeaks(corePath: string, listPaths: string[], opts: OpenLeaksOptions): Promise<OpenedLeaks>;
export async function openLeaks(corePath: string, listPaths: string[] = [], opts: OpenLeaksOptions = {}): Promise<OpenedLeaks> {
  const src = await NodeFileSource.open(corePath);
  try {
    const r = await readCore(src, cliProgress, { heapWords: opts.leaks !== false ? 'compressed' : undefined });
    try {
      const warnings = [...r.warnings];
      let table = r.table;
      if (listPaths.length) {
        const tables: AllocationTable[] = [];
        for (const p of listPaths) {
          const ls = await NodeFileSource.open(p);
          try {
            const l = await readChapList(ls);
            warnings.push(...l.warnings);
            tables.push(l.table);
          } finally {
            await ls.close();
          }
        }
        table = mergeListTables(tables);
      }
      let patterns: Uint8Array | undefined;
      if (opts.patterns) {
        const ob = obmallocOf(r.heap.contributions);
        if (r.python && ob) patterns = patternsFor(r.table, (await pythonPatterns(r.core, r.table, r.python.objects, ob.detail.obmalloc.info.arenaStructArray)).tag, table);
        else warnings.push({ file: src.name, message: 'no CPython objects in this core: no allocation matches a Python pattern' });
      }
      const analysis = opts.leaks === false ? null : await analyzeCoreRead(r, cliProgress, table);
      if (analysis) warnings.push(...analysis.warnings);
      return { table, analysis, warnings, ...(patterns ? { patterns } : {}) };
    } finally {
      await r.core.close();
    }
  } finally {
    await src.close();
  }
}

/** The one snapshot chap lists form without their core, and the chap sets they name (`assemble`'s rules). */
export interface ListSets {
  table: AllocationTable;
  flags?: Uint16Array;
  /** The sets the lists name (`list leaked` as chap's redirect names it, …); used and free are always known. */
  known: string[];
  warnings: InputWarning[];
  names: string;
}

/**
 * chap lists given without a core (the first file is a chap list): the snapshot they form, as the browser
 * assembles them; null when the first file is not a chap list (a core: `openLeaks`). Every file must be a
 * chap list and together they must form one snapshot, else an `InputError` naming them.
 */
export async function openListSets(paths: string[]): Promise<ListSets | null> {
  const first = await NodeFileSource.open(paths[0]);
  let role: string;
  try {
    role = (await sniff(first)).role;
  } finally {
    await first.close();
  }
  if (role !== 'chap-list') return null;
  const files = await loadFiles(paths);
  try {
    const other = files.find((f) => f.format !== 'chap-list');
    if (other) throw new InputError(other.name, `is ${other.format === 'core' ? 'a core' : `not a chap list (${other.format})`}: give the core first (CORE [LIST...])`);
    const names = files.map((f) => f.name).join(', ');
    const a = assembleFiles(files);
    if (a.snapshots.length !== 1 || !a.snapshots[0].table) throw new InputError(names, `these chap lists form ${a.snapshots.length} snapshots, not one${a.notes.length ? ` (${a.notes.map((n) => n.message).join('; ')})` : ''}`);
    const s = a.snapshots[0];
    return { table: s.table!, flags: s.table!.flags, known: s.knownSets, warnings: files.flatMap((f) => f.warnings), names };
  } finally {
    await closeFiles(files);
  }
}
