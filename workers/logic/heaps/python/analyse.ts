/**
 * The Python objects stage of a core: after the allocator registry has merged
 * glibc's chunks and obmalloc's blocks into one table, find the objects in it
 * (types.ts), what each owns (ownership.ts), the type table and the advice, and
 * put each object's type name in the table's `type` column. The core reader
 * (formats/core/read-core.ts) runs it when obmalloc was found.
 */
import type { AllocationTable } from '../../../../src/model/allocations.ts';
import type { PythonHeapInfo } from '../../../../src/model/python-heap.ts';
import { allocShared } from '../../../../src/model/columns.ts';
import { StringTable, StringTableBuilder } from '../../../../src/model/strings.ts';
import type { CoreFile } from '../../formats/elf/core-file.ts';
import type { InputWarning } from '../../io/errors.ts';
import type { HeapContribution } from '../allocator.ts';
import { pythonAdvice, type PythonAdvice } from './advice.ts';
import type { PythonDetail } from './index.ts';
import { MappedFiles, type OpenMappedFile } from './mapped-files.ts';
import type { PyType } from './types.ts';
import { Pages } from './pages.ts';
import { pythonOwnership, type Ownership } from './ownership.ts';
import { pythonTypeTable, type PyTypeTable } from './type-table.ts';
import { findPythonObjects, type PythonObjects } from './types.ts';

export type { OpenMappedFile } from './mapped-files.ts';
export { openerOf } from './mapped-files.ts';

export interface PythonAnalysis {
  objects: PythonObjects;
  ownership: Ownership;
  typeTable: PyTypeTable;
  advice: PythonAdvice;
  /** The input table with Python type names in its `type` column (other columns shared). */
  table: AllocationTable;
  info: PythonHeapInfo;
  warnings: InputWarning[];
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** The obmalloc contribution among the registry's results, if any. */
export function obmallocOf(contributions: readonly HeapContribution[]): HeapContribution<PythonDetail> | null {
  return (contributions.find((c) => c.info.id === 'obmalloc') as HeapContribution<PythonDetail> | undefined) ?? null;
}

export async function analysePython(core: CoreFile, table: AllocationTable, ob: HeapContribution<PythonDetail>, openMappedFile?: OpenMappedFile): Promise<PythonAnalysis | null> {
  const { modules } = ob.detail;
  const files = openMappedFile ? new MappedFiles(core, openMappedFile) : undefined;
  // One page cache for every stage: the core's bytes are read once.
  const pages = new Pages(core);
  const objects = await findPythonObjects(core, modules, table, files, pages);
  await files?.close();
  if (!objects) return null;
  return finishPython(core, table, ob, objects, pages);
}

/** What follows from the objects and their types' names (ownership reads `list` and 2.7's `instance`): ownership, type table, advice. */
async function finishPython(core: CoreFile, table: AllocationTable, ob: HeapContribution<PythonDetail>, objects: PythonObjects, pages = new Pages(core)): Promise<PythonAnalysis> {
  const { obmalloc } = ob.detail;
  const ownership = await pythonOwnership(core, table, objects, pages);
  const typed = withPythonTypes(table, objects);
  const typeTable = pythonTypeTable(typed, objects, ownership);
  const advice = await pythonAdvice(core, typed, objects, ownership, obmalloc.blocks.size, pages);
  const info: PythonHeapInfo = {
    version: `${objects.version.major}.${objects.version.minor}`,
    module: obmalloc.info.module,
    arenaSize: obmalloc.info.arenaSize,
    poolSize: obmalloc.info.poolSize,
    objects: objects.objects,
    types: typeTable.rows,
    other: typeTable.other,
    advice,
    arenas: obmalloc.arenas.map((a) => ({
      address: hex(a.address),
      pools: a.pools,
      poolsInUse: a.poolsInUse,
      usedBlocks: a.usedBlocks,
      usedBytes: a.usedBytes,
      freeBlocks: a.freeBlocks,
      freeBytes: a.freeBytes,
    })),
  };
  return { objects, ownership, typeTable, advice, table: typed, info, warnings: objects.warnings };
}

/**
 * The same table with each object's Python type name (tp_name) in the `type`
 * column; other rows keep theirs. Shares every other column.
 */
export function withPythonTypes(table: AllocationTable, objects: PythonObjects): AllocationTable {
  const strings = new StringTableBuilder();
  const old = new StringTable(table.strings);
  for (let i = 1; i < old.size; i++) strings.intern(old.get(i));
  const ids = objects.types.map((t) => strings.intern(t.name));
  const type = new Uint32Array(allocShared(table.rows * 4));
  type.set(table.type);
  for (let i = 0; i < table.rows; i++) if (objects.rowType[i] >= 0) type[i] = ids[objects.rowType[i]];
  return { ...table, type, strings: strings.freeze() };
}

/**
 * The analysis with its static types named from the process's mapped files, as
 * reading the core with `openMappedFile` names them: types whose tp_name is not in
 * the core (named by the builtins dict, or not at all) take tp_name from the file
 * mapped there (build-id checked). The browser reads a core before it knows the
 * snapshot's binaries and names its types here when they come; the CLI passes the
 * same opener when it reads the core. Null when no name changes.
 */
export async function namePythonTypes(core: CoreFile, heapTable: AllocationTable, ob: HeapContribution<PythonDetail>, a: PythonAnalysis, open: OpenMappedFile): Promise<PythonAnalysis | null> {
  const files = new MappedFiles(core, open);
  const { objects } = a;
  let types: PyType[] | null = null;
  try {
    for (const [k, t] of objects.types.entries()) {
      if (t.nameFrom === 'core' || t.nameFrom === 'file') continue;
      const ptr = await core.readWord(t.address + objects.layout.tpName);
      const name = ptr ? await files.cString(ptr) : null;
      if (name === null || name === t.name) continue;
      types ??= objects.types.slice();
      types[k] = { ...t, name, shortName: name.slice(name.lastIndexOf('.') + 1), nameFrom: 'file' };
    }
  } finally {
    await files.close();
  }
  if (!types) return null;
  const named = await finishPython(core, heapTable, ob, { ...objects, types });
  return { ...named, warnings: a.warnings };
}

/**
 * `table` (a snapshot's table of the same rows: the core's, or its chap lists') with the
 * Python type names of `before` replaced by those of `after` (same objects, renamed types).
 */
export function renamePythonTypes(table: AllocationTable, before: PythonObjects, after: PythonObjects): AllocationTable {
  const old = new StringTable(table.strings);
  const strings = new StringTableBuilder();
  for (let i = 1; i < old.size; i++) strings.intern(old.get(i));
  const from = before.types.map((t) => strings.intern(t.name));
  const to = after.types.map((t) => strings.intern(t.name));
  const type = new Uint32Array(allocShared(table.rows * 4));
  type.set(table.type);
  for (let i = 0; i < table.rows; i++) {
    const k = before.rowType[i];
    if (k >= 0 && type[i] === from[k]) type[i] = to[k];
  }
  return { ...table, type, strings: strings.freeze() };
}
