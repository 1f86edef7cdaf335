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

export interface OpenedLeaks {
  table: AllocationTable;
  analysis: LeakAnalysis;
  warnings: InputWarning[];
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

export async function openLeaks(corePath: string, listPaths: string[] = []): Promise<OpenedLeaks> {
  const src = await NodeFileSource.open(corePath);
  try {
    const r = await readCore(src);
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
      const analysis = await analyzeCoreRead(r, undefined, table);
      warnings.push(...analysis.warnings);
      return { table, analysis, warnings };
    } finally {
      await r.core.close();
    }
  } finally {
    await src.close();
  }
}
