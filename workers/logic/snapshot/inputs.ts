/**
 * From what a reader returned for one file to what `assemble` needs of it.
 * The browser (reader and core workers' outcomes) and the CLI (`openInput`,
 * `readCore`) both go through `assemblyInput`.
 */
import type { AllocationTable } from '../../../src/model/allocations.ts';
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

export function assemblyInput(id: number, name: string, r: ReadFacts): AssemblyInput {
  const role = r.format ?? 'unknown';
  const out: AssemblyInput = { id, name, role, table: r.table, tracemalloc: r.tracemalloc, objects: r.objects };
  if (role === 'chap-list' && r.table) out.complete = listComplete(r.info, r.table.rows);
  if (role === 'core') out.modules = (r.info?.modules as AssemblyInput['modules']) ?? [];
  if (role === 'elf') out.buildId = (r.info?.buildId as string | null | undefined) ?? null;
  return out;
}
