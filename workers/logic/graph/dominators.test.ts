import { describe, expect, it } from 'vitest';
import type { RefGraph } from '../../../src/model/objects.ts';
import { dominatedBy, dominatorChain, dominatorTree, gcRoots } from './dominators.ts';
import { reachable } from './reachability.ts';
import { inDegrees, referents, referrers, reverseGraph } from './reverse.ts';

/** CSR from adjacency lists. */
function graph(adj: number[][]): RefGraph {
  const refStart = new Uint32Array(adj.length + 1);
  const flat: number[] = [];
  adj.forEach((a, i) => {
    for (const x of a) flat.push(x);
    refStart[i + 1] = flat.length;
  });
  return { rows: adj.length, refStart, refTarget: Uint32Array.from(flat) };
}

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Nodes reachable from the synthetic root (node n, edges to `roots`) when `removed` is deleted. */
function reachFromRoot(adj: number[][], roots: number[], removed: number): boolean[] {
  const n = adj.length;
  const seen = new Array<boolean>(n + 1).fill(false);
  const stack = [n];
  seen[n] = true;
  while (stack.length) {
    const v = stack.pop()!;
    const next = v === n ? roots : adj[v];
    for (const w of next) {
      if (w === removed || seen[w]) continue;
      seen[w] = true;
      stack.push(w);
    }
  }
  return seen;
}

describe('dominator tree', () => {
  it('matches the definition (d dominates n iff removing d cuts n off the root) on random graphs', () => {
    const rand = rng(42);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(rand() * 14);
      const adj: number[][] = Array.from({ length: n }, () => []);
      const edges = Math.floor(rand() * n * 3);
      for (let e = 0; e < edges; e++) adj[Math.floor(rand() * n)].push(Math.floor(rand() * n));
      const roots = Array.from({ length: n }, (_, i) => i).filter(() => rand() < 0.2);
      const sizes = Float64Array.from({ length: n }, () => 1 + Math.floor(rand() * 100));
      const t = dominatorTree(graph(adj), sizes, roots);
      // Every node is reachable from the final root list (fallback roots included).
      const allRoots = Array.from(t.roots);
      expect(reachFromRoot(adj, allRoots, -1).every(Boolean)).toBe(true);
      expect(allRoots.slice(0, allRoots.length - t.fallbackRoots)).toEqual([...new Set(roots)]);
      // Brute-force dominator sets, then compare with the idom chains.
      const dominates: boolean[][] = [];
      for (let d = 0; d < n; d++) {
        const seen = reachFromRoot(adj, allRoots, d);
        dominates.push(Array.from({ length: n }, (_, v) => v === d || !seen[v]));
      }
      for (let v = 0; v < n; v++) {
        const chain = new Set(dominatorChain(t, v).filter((x) => x !== t.root));
        const brute = new Set(Array.from({ length: n }, (_, d) => d).filter((d) => dominates[d][v]));
        expect([...chain].sort((a, b) => a - b)).toEqual([...brute].sort((a, b) => a - b));
        // Retained size: the sizes of everything v dominates.
        let retained = 0;
        for (let w = 0; w < n; w++) if (dominates[v][w]) retained += sizes[w];
        expect(t.retained[v]).toBe(retained);
      }
      expect(t.retained[t.root]).toBe(sizes.reduce((a, b) => a + b, 0));
    }
  });

  it('gives the textbook answer on a small graph, children by retained size', () => {
    // root -> 0; 0 -> 1, 2; 1 -> 3; 2 -> 3; 3 -> 4; 4 -> 1 (cycle)
    const g = graph([[1, 2], [3], [3], [4], [1]]);
    const t = dominatorTree(g, Float64Array.from([10, 20, 30, 40, 50]), [0]);
    expect(Array.from(t.idom)).toEqual([5, 0, 0, 0, 3, 5]);
    expect(Array.from(t.retained)).toEqual([150, 20, 30, 90, 50, 150]);
    expect(dominatedBy(t, 0)).toEqual([3, 2, 1]);
    expect(dominatedBy(t, 0, 1)).toEqual([3]);
    expect(dominatorChain(t, 4)).toEqual([4, 3, 0, 5]);
  });

  it('adds unreachable cycles as fallback roots in row order', () => {
    const g = graph([[1], [0], [3], [2]]);
    const t = dominatorTree(g, Float64Array.from([1, 2, 3, 4]), []);
    expect(Array.from(t.roots)).toEqual([0, 2]);
    expect(t.fallbackRoots).toBe(2);
    expect(Array.from(t.idom)).toEqual([4, 0, 4, 2, 4]);
  });

  it('handles a 300,000-long chain and a 300,000-wide fan without recursion', () => {
    const n = 300_000;
    const start = new Uint32Array(n + 1);
    const target = new Uint32Array(n - 1);
    for (let i = 0; i < n - 1; i++) {
      target[i] = i + 1;
      start[i + 1] = i + 1;
    }
    start[n] = n - 1;
    const chain: RefGraph = { rows: n, refStart: start, refTarget: target };
    const t = dominatorTree(chain, new Float64Array(n).fill(1), [0]);
    expect(t.retained[0]).toBe(n);
    expect(t.retained[n - 1]).toBe(1);
    expect(t.idom[n - 1]).toBe(n - 2);
    expect(reachable(chain, new Float64Array(n).fill(2), 1)).toEqual({ count: n - 1, size: 2 * (n - 1) });
    const fan = graph([Array.from({ length: n - 1 }, (_, i) => i + 1), ...Array.from({ length: n - 1 }, () => [0])]);
    const f = dominatorTree(fan, new Float64Array(n).fill(1), [0]);
    expect(f.retained[0]).toBe(n);
    expect(dominatedBy(f, 0).length).toBe(n - 1);
  });

  it('gcRoots: objects nobody refers to, plus modules and frames', () => {
    const g = graph([[1], [2], [1], [], [0]]);
    expect(Array.from(gcRoots(g, Uint32Array.from([0, 7, 0, 0, 0]), [7, 0]))).toEqual([1, 3, 4]);
  });
});

describe('referrers and referents', () => {
  const g = graph([[1, 2, 1], [2], [0], []]);
  it('reverse CSR lists referrers ascending, duplicates kept', () => {
    const rev = reverseGraph(g);
    expect(Array.from(rev.refStart)).toEqual([0, 1, 3, 5, 5]);
    expect(Array.from(rev.refTarget)).toEqual([2, 0, 0, 0, 1]);
    expect(referrers(rev, 1)).toEqual([0]);
    expect(referrers(rev, 2)).toEqual([0, 1]);
    expect(referrers(rev, 3)).toEqual([]);
    expect(referents(g, 0)).toEqual([1, 2]);
    expect(Array.from(inDegrees(g))).toEqual([1, 2, 2, 0]);
  });
  it('reachable size counts each object once, cycles included', () => {
    const sizes = Float64Array.from([1, 10, 100, 1000]);
    expect(reachable(g, sizes, 1)).toEqual({ count: 3, size: 111 });
    expect(reachable(g, sizes, [3, 2])).toEqual({ count: 4, size: 1111 });
  });
});
