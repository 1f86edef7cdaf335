/**
 * Dominator tree and retained sizes of an object graph (what Chrome DevTools
 * shows as "Retained Size"): object d dominates object n when every path from
 * the roots to n goes through d; n's retained size is the sum of the sizes of
 * the objects it dominates (itself included), i.e. what freeing it would free.
 *
 * The graph gets a synthetic root (node id = rows) whose references are the GC
 * roots. meliae dumps name no roots, so `gcRoots` chooses them:
 *   1. every object that nothing in the dump refers to (in-degree 0), and
 *   2. every object whose type is `module` or `frame` (modules are held by the
 *      interpreter's `sys.modules`, frames by running threads: neither holder is
 *      in the dump), and then
 *   3. inside `dominatorTree`, objects still unreachable (islands of cycles whose
 *      holder is not in the dump) are added as roots one at a time, in row order:
 *      the first unreached row becomes a root, everything it reaches is marked,
 *      and so on.
 *
 * The algorithm is Lengauer–Tarjan (simple version: path compression, linking
 * without balancing, O(E log V)), written without recursion: a million objects
 * and deep chains never touch the JS call stack.
 */
import { allocShared } from '../../../src/model/columns.ts';
import type { RefGraph } from '../../../src/model/objects.ts';
import { reverseGraph, type ReverseGraph } from './reverse.ts';

/** Type names whose objects are taken as GC roots (see the module comment). */
export const ROOT_TYPE_NAMES: readonly string[] = ['module', 'frame'];

export interface DominatorTree {
  /** Node id of the synthetic root; equals the number of rows. */
  root: number;
  /** Immediate dominator of each node (rows + 1 entries); `idom[root] === root`. */
  idom: Uint32Array;
  /** Retained size of each node (rows + 1 entries); `retained[root]` is the size of all objects. */
  retained: Float64Array;
  /** The rows the synthetic root refers to: the chosen GC roots, then the fallback roots. */
  roots: Uint32Array;
  /** How many of `roots` were added because they were otherwise unreachable (step 3). */
  fallbackRoots: number;
  /** Children of each node in the dominator tree (CSR over node ids, unsorted; see `dominatedBy`). */
  childStart: Uint32Array;
  child: Uint32Array;
}

/**
 * The GC roots of steps 1 and 2: rows with no referrer, and rows whose type id is
 * in `rootTypes` (string ids of `ROOT_TYPE_NAMES` in the input's string table).
 * Ascending row order.
 */
export function gcRoots(g: RefGraph, types: ArrayLike<number>, rootTypes: ArrayLike<number>): Uint32Array {
  const n = g.rows;
  const referred = new Uint8Array(n);
  const edges = g.refStart[n];
  for (let e = 0; e < edges; e++) referred[g.refTarget[e]] = 1;
  const rootType = new Set<number>(Array.from(rootTypes).filter((t) => t > 0));
  const out: number[] = [];
  for (let r = 0; r < n; r++) if (!referred[r] || rootType.has(types[r])) out.push(r);
  return Uint32Array.from(out);
}

/**
 * Computes the dominator tree of `g` under a synthetic root that refers to
 * `roots` (plus fallback roots for whatever they do not reach), with retained
 * sizes from `sizes` (one per row). Pass `rev` when the reverse graph is at hand.
 */
export function dominatorTree(g: RefGraph, sizes: ArrayLike<number>, roots: ArrayLike<number>, rev?: ReverseGraph): DominatorTree {
  const n = g.rows;
  const root = n;
  const total = n + 1;
  const preds = rev ?? reverseGraph(g);
  const { refStart, refTarget } = g;

  // --- 1. Depth-first numbering from the root (iterative, true DFS order). ---
  const dfn = new Int32Array(total).fill(-1);
  const vertex = new Int32Array(total);
  const parent = new Int32Array(total); // in DFS-number space
  const cursor = new Uint32Array(total); // next edge to look at, per node
  const stack = new Int32Array(total);
  const rootList: number[] = [];
  const isRoot = new Uint8Array(n);
  for (let k = 0; k < roots.length; k++) {
    const r = roots[k];
    if (r >= 0 && r < n && !isRoot[r]) {
      isRoot[r] = 1;
      rootList.push(r);
    }
  }
  const chosen = rootList.length;
  let count = 0;
  let sp = 0;
  let scan = 0; // next row to test for the fallback roots
  dfn[root] = count;
  vertex[count++] = root;
  stack[sp++] = root;
  while (sp > 0) {
    const v = stack[sp - 1];
    let next = -1;
    if (v === root) {
      while (cursor[root] < rootList.length) {
        const w = rootList[cursor[root]++];
        if (dfn[w] < 0) {
          next = w;
          break;
        }
      }
      if (next < 0) {
        // Fallback: the first row nothing so far reaches becomes a root.
        while (scan < n && dfn[scan] >= 0) scan++;
        if (scan < n) {
          isRoot[scan] = 1;
          rootList.push(scan);
          cursor[root]++;
          next = scan;
        }
      }
    } else {
      const end = refStart[v + 1];
      let e = refStart[v] + cursor[v];
      while (e < end) {
        const w = refTarget[e++];
        if (dfn[w] < 0) {
          next = w;
          break;
        }
      }
      cursor[v] = e - refStart[v];
    }
    if (next < 0) {
      sp--;
      continue;
    }
    dfn[next] = count;
    parent[count] = dfn[v];
    vertex[count++] = next;
    stack[sp++] = next;
  }
  // count === total here: every row is reachable through the fallback roots.

  // --- 2. Semidominators and implicit immediate dominators. ---
  const semi = new Int32Array(total);
  const label = new Int32Array(total);
  const ancestor = new Int32Array(total).fill(-1);
  const idom = new Int32Array(total);
  const bucketHead = new Int32Array(total).fill(-1);
  const bucketNext = new Int32Array(total);
  for (let i = 0; i < total; i++) {
    semi[i] = i;
    label[i] = i;
  }
  const path = stack; // reused as the compression stack

  const evalNode = (v: number): number => {
    if (ancestor[v] < 0) return v;
    // Path compression without recursion: walk up, then update top-down.
    let top = 0;
    let x = v;
    while (ancestor[ancestor[x]] >= 0) {
      path[top++] = x;
      x = ancestor[x];
    }
    while (top > 0) {
      const y = path[--top];
      const a = ancestor[y];
      if (semi[label[a]] < semi[label[y]]) label[y] = label[a];
      ancestor[y] = ancestor[a];
    }
    return label[v];
  };

  const pStart = preds.refStart;
  const pTarget = preds.refTarget;
  for (let w = total - 1; w >= 1; w--) {
    const node = vertex[w];
    let s = semi[w];
    for (let e = pStart[node], end = pStart[node + 1]; e < end; e++) {
      const v = dfn[pTarget[e]];
      const u = evalNode(v);
      if (semi[u] < s) s = semi[u];
    }
    if (isRoot[node]) s = 0; // the synthetic root refers to it: semi can only drop to 0
    semi[w] = s;
    bucketNext[w] = bucketHead[s];
    bucketHead[s] = w;
    const p = parent[w];
    ancestor[w] = p;
    for (let v = bucketHead[p]; v >= 0; v = bucketNext[v]) {
      const u = evalNode(v);
      idom[v] = semi[u] < semi[v] ? u : p;
    }
    bucketHead[p] = -1;
  }
  for (let w = 1; w < total; w++) if (idom[w] !== semi[w]) idom[w] = idom[idom[w]];
  idom[0] = 0;

  // --- 3. Retained sizes (children have larger DFS numbers than their idom). ---
  const retainedDf = new Float64Array(total);
  for (let w = 1; w < total; w++) retainedDf[w] = sizes[vertex[w]];
  for (let w = total - 1; w >= 1; w--) retainedDf[idom[w]] += retainedDf[w];

  const idomOut = new Uint32Array(allocShared(total * 4));
  const retained = new Float64Array(allocShared(total * 8));
  for (let w = 0; w < total; w++) {
    const node = vertex[w];
    idomOut[node] = vertex[idom[w]];
    retained[node] = retainedDf[w];
  }
  idomOut[root] = root;

  // --- 4. Dominator-tree children (CSR), in DFS order. ---
  const childStart = new Uint32Array(allocShared((total + 1) * 4));
  for (let node = 0; node < n; node++) childStart[idomOut[node] + 1]++;
  for (let i = 0; i < total; i++) childStart[i + 1] += childStart[i];
  const child = new Uint32Array(allocShared(Math.max(1, n) * 4), 0, n);
  const fill = childStart.slice(0, total);
  for (let w = 1; w < total; w++) {
    const node = vertex[w];
    child[fill[idomOut[node]]++] = node;
  }

  return {
    root,
    idom: idomOut,
    retained,
    roots: Uint32Array.from(rootList),
    fallbackRoots: rootList.length - chosen,
    childStart,
    child,
  };
}

/** The nodes `node` immediately dominates, largest retained size first (at most `limit`). */
export function dominatedBy(t: DominatorTree, node: number, limit = Infinity): number[] {
  const kids = Array.from(t.child.subarray(t.childStart[node], t.childStart[node + 1]));
  kids.sort((a, b) => t.retained[b] - t.retained[a] || a - b);
  return kids.length > limit ? kids.slice(0, limit) : kids;
}

/** The chain of dominators from `node` up to the synthetic root (node first, root last). */
export function dominatorChain(t: DominatorTree, node: number): number[] {
  const out = [node];
  let x = node;
  while (x !== t.root) {
    x = t.idom[x];
    out.push(x);
  }
  return out;
}
