/**
 * Sandwich view of one function (as speedscope's): who calls it and what it
 * calls, over every place it appears in the tree. Only the outermost
 * occurrences count (a recursive function's inner calls are inside the outer
 * ones' figures already), so the root of both trees holds the function's
 * total, each allocation once.
 *
 * - `callersOf`: root = the function, its children = its direct callers, their
 *   children = their callers … up to the tree's top (an inverted tree of the
 *   paths leading to it). A caller's total = the function's bytes reached through it.
 * - `calleesOf`: root = the function, below it the merged subtrees of every
 *   outermost occurrence (what it calls, and what those call).
 */
import { HierarchyBuilder } from '../aggregate/hierarchy.ts';
import { type Hierarchy } from '../../../src/model/hierarchy.ts';

/** Nodes named `name` with no ancestor of that name. */
export function outermost(h: Hierarchy, name: string): number[] {
  const id = h.names.indexOf(name);
  if (id < 0) return [];
  const inside = new Uint8Array(h.size);
  const out: number[] = [];
  for (let i = 1; i < h.size; i++) {
    const p = h.parent[i];
    if (inside[p]) inside[i] = 1;
    else if (h.name[i] === id) {
      inside[i] = 1;
      out.push(i);
    }
  }
  return out;
}

export function callersOf(h: Hierarchy, name: string): Hierarchy {
  const b = new HierarchyBuilder(name, ['function', 'caller']);
  b.hasRequested = h.hasRequested;
  const nameIds = h.names.map((s) => b.nameId(s));
  const groupIds = h.groups.map((s) => b.groupId(s));
  for (const n of outermost(h, name)) {
    let node = 0;
    for (let p = h.parent[n]; p > 0; p = h.parent[p]) node = b.child(node, nameIds[h.name[p]], groupIds[h.group[p]]);
    b.add(node, h.totalBytes[n], h.totalCount[n], h.totalRequested[n]);
  }
  return b.build();
}

export function calleesOf(h: Hierarchy, name: string): Hierarchy {
  const b = new HierarchyBuilder(name, ['function', 'callee']);
  b.hasRequested = h.hasRequested;
  const nameIds = h.names.map((s) => b.nameId(s));
  const groupIds = h.groups.map((s) => b.groupId(s));
  const id = h.names.indexOf(name);
  const mapped = new Int32Array(h.size).fill(-1);
  for (let i = 1; i < h.size; i++) {
    const p = mapped[h.parent[i]];
    if (p >= 0) mapped[i] = b.child(p, nameIds[h.name[i]], groupIds[h.group[i]]);
    else if (h.name[i] === id) mapped[i] = 0;
    else continue;
    b.add(mapped[i], h.selfBytes[i], h.selfCount[i], h.selfRequested[i]);
  }
  return b.build();
}
