/**
 * Reachability over the CSR reference graph: what an object keeps alive at most
 * (its own size plus everything it can reach, each object counted once), as
 * meliae's `compute_total_size` does.
 */
import type { RefGraph } from '../../../src/model/objects.ts';

export interface Reach {
  /** Objects reachable from the start rows, the start rows included. */
  count: number;
  /** Sum of their sizes. */
  size: number;
}

/**
 * Objects reachable from `start` (one row or several) and their total size, by an
 * iterative depth-first walk (no recursion). `seen` may be passed to reuse a
 * buffer of `rows` bytes; it is cleared before use.
 */
export function reachable(g: RefGraph, sizes: ArrayLike<number>, start: number | ArrayLike<number>, seen?: Uint8Array): Reach {
  const mark = seen ?? new Uint8Array(g.rows);
  if (seen) mark.fill(0);
  const stack: number[] = [];
  const starts = typeof start === 'number' ? [start] : Array.from(start);
  let count = 0;
  let size = 0;
  for (const s of starts) {
    if (mark[s]) continue;
    mark[s] = 1;
    stack.push(s);
  }
  const { refStart, refTarget } = g;
  while (stack.length > 0) {
    const v = stack.pop()!;
    count++;
    size += sizes[v];
    for (let e = refStart[v], end = refStart[v + 1]; e < end; e++) {
      const w = refTarget[e];
      if (!mark[w]) {
        mark[w] = 1;
        stack.push(w);
      }
    }
  }
  return { count, size };
}
