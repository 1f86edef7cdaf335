/**
 * From what a reader returned for one file to what `assemble` needs of it.
 * The browser (reader and core workers' outcomes) and the CLI (`openInput`,
 * `readCore`) both go through `assemblyInput`.
 */
import { isInUse, SET_FLAGS, type AllocationTable } from '../../../src/model/allocations.ts';
import type { ObjectTable } from '../../../src/model/objects.ts';
import type { TracemallocSnapshot } from '../../../src/model/traces.ts';
import type { AssemblyInput } from './assemble.ts';

/** The parts of a read result the assembly looks at (a `ReadResult` or a worker's `ReadOutcome`). */
export interface ReadFacts {
  format?: string;
  table?: AllocationTable;
  tracemalloc?: TracemallocSnapshot;
  objects?: ObjectTable;
  info?: Record<string, unknown>;
}

interface TallyFacts {
  count: number;
  bytes: number;
  listedCount: number;
  listedBytes: number;
}

/** A chap list is complete when it has a closing tally and every tally equals the rows before it. */
export function listComplete(info: Record<string, unknown> | undefined, rows: number): boolean {
  const tallies = info?.tallies as TallyFacts[] | undefined;
  if (!Array.isArray(tallies) || tallies.length === 0) return false;
  let listed = 0;
  for (const t of tallies) {
    if (t.count !== t.listedCount || t.bytes !== t.listedBytes) return false;
    listed += t.listedCount;
  }
  return listed === rows;
}

/**
 * The chap set a list of used allocations holds, when its name says it. chap's `list leaked`, `list
 * unreferenced`, `list anchored`, … print `Used allocation at` lines, so the rows cannot say which set they
 * are; chap's `redirect on` names a command's output file after the core and the command
 * (`<core>.list_leaked`; switches add `::name:value`), and that name does. Only a complete list whose rows
 * are all used and carry no set of their own is named so.
 */
export function chapListSet(name: string, table: AllocationTable, complete: boolean): string | undefined {
  const m = /\.list_([a-z]+)$/.exec(name.replace(/\.(gz|bz2)$/i, ''));
  if (!m || !complete || table.flags || !SET_FLAGS.some(([n]) => n === m[1])) return undefined;
  for (let i = 0; i < table.rows; i++) if (!isInUse(table.state[i])) return undefined;
  return m[1];
}

export function assemblyInput(id: number, name: string, r: ReadFacts): AssemblyInput {
  const role = r.format ?? 'unknown';
  const out: AssemblyInput = { id, name, role, table: r.table, tracemalloc: r.tracemalloc, objects: r.objects };
  if (role === 'chap-list' && r.table) {
    out.complete = listComplete(r.info, r.table.rows);
    const set = chapListSet(name.slice(name.lastIndexOf('/') + 1), r.table, out.complete);
    if (set) out.set = set;
  }
  if (role === 'core') out.modules = (r.info?.modules as AssemblyInput['modules']) ?? [];
  if (role === 'elf') out.buildId = (r.info?.buildId as string | null | undefined) ?? null;
  return out;
}
