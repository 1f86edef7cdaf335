/**
 * What chap's CPython finder claims: each obmalloc arena `[arena, arena +
 * ARENA_SIZE)` (not static anchor memory: it is a source of allocations),
 * unless the arena's start is already claimed (an arena malloc()ed inside a
 * glibc heap or mmapped chunk).
 */
import type { Partition } from './partition.ts';

export interface PythonArenas {
  arenaSize: number;
  arenas: readonly { address: number }[];
}

export function claimPythonArenas(py: PythonArenas, p: Partition): void {
  for (const a of py.arenas) {
    if (a.address === 0 || p.isClaimed(a.address)) continue;
    p.claim(a.address, py.arenaSize, 'python arena', false);
  }
}
