/**
 * CPython's heap in a core: obmalloc's blocks merged into the glibc walk's
 * table (see README.md). `walkPythonHeap` is what the core reader calls.
 */
import type { AllocationTable } from '../../../../src/model/allocations.ts';
import type { CoreFile } from '../../formats/elf/core-file.ts';
import type { InputWarning } from '../../io/errors.ts';
import { mergeObmalloc } from './merge.ts';
import { findPythonModules, type PythonModule } from './modules.ts';
import { findObmalloc, walkObmalloc, type ObmallocHeap } from './obmalloc.ts';

export type { ObmallocHeap, ObmallocInfo, ArenaTally } from './obmalloc.ts';
export type { PythonModule } from './modules.ts';

export interface PythonHeap {
  modules: PythonModule[];
  /** null when the core has CPython modules but no arena array was found, or none at all. */
  obmalloc: ObmallocHeap | null;
  /** The glibc table with obmalloc's blocks merged in (the glibc table itself when there are none). */
  table: AllocationTable;
  /** Table row of each obmalloc block. */
  blockRow: Int32Array;
  /** First region id given to arenas (arena k has region `regionBase + k + 1`). */
  regionBase: number;
  warnings: InputWarning[];
}

/** Finds and walks obmalloc in `core`; `glibc` is the glibc walk's table, `regionBase` its number of regions. */
export async function walkPythonHeap(core: CoreFile, glibc: AllocationTable, regionBase: number): Promise<PythonHeap> {
  const modules = await findPythonModules(core);
  const none: PythonHeap = { modules, obmalloc: null, table: glibc, blockRow: new Int32Array(0), regionBase, warnings: [] };
  if (modules.length === 0) return none;
  const info = await findObmalloc(core, modules);
  if (!info) {
    none.warnings.push({ file: core.name, message: `CPython (${modules.map((m) => m.path).join(', ')}) is mapped but its obmalloc arenas were not found; only glibc's chunks are listed` });
    return none;
  }
  const obmalloc = await walkObmalloc(core, info);
  const merged = mergeObmalloc(glibc, obmalloc.blocks, regionBase);
  const warnings = [...obmalloc.warnings];
  if (merged.discarded) warnings.push({ file: core.name, message: `${merged.discarded} obmalloc blocks overlap glibc chunks and are dropped, as chap drops them` });
  return { modules, obmalloc, table: merged.table, blockRow: merged.blockRow, regionBase, warnings };
}
