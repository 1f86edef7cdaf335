/** The leak analysis of what the core reader gives (`readCore`): its table, glibc's ranges and CPython's arenas. */
import type { AllocationTable } from '../../../src/model/allocations.ts';
import type { CoreReadResult } from '../formats/core/read-core.ts';
import type { HeapContribution } from '../heaps/allocator.ts';
import { glibcLayoutOf } from '../heaps/glibc/glibc.ts';
import type { ObmallocHeap } from '../heaps/python/index.ts';
import type { ReadControl } from '../io/stream.ts';
import { analyzeLeaks, type LeakAnalysis } from './compute.ts';
import type { PythonArenas } from './python-claims.ts';

/** CPython's arenas from the registry's obmalloc contribution, when there is one. */
export function pythonArenasOf(found: CoreReadResult['heap']): PythonArenas | undefined {
  const part = found.contributions.find((c) => c.info.id === 'obmalloc') as HeapContribution<{ obmalloc: ObmallocHeap }> | undefined;
  const info = part?.detail.obmalloc?.info;
  return info ? { arenaSize: info.arenaSize, arenas: info.arenas.map((address) => ({ address })) } : undefined;
}

/** `table` replaces the walk's table (e.g. the allocations of chap lists of the same core). */
export function analyzeCoreRead(r: CoreReadResult, ctl?: ReadControl, table: AllocationTable = r.table): Promise<LeakAnalysis> {
  return analyzeLeaks({ core: r.core, table, glibc: glibcLayoutOf(r.heap), claims: r.heap.claims, python: pythonArenasOf(r.heap), seen: r.heapWords }, ctl);
}
