/**
 * Profiler transforms on a `Hierarchy` (see src/model/transforms.ts): each one
 * rebuilds the tree in one pass over the nodes in id order (parents come before
 * their children), mapping every node to a node of the new tree or to its
 * parent's. Same-name siblings that meet merge (the builder keys children by
 * name), so totals are always the sums of what the original tree held: no
 * allocation is counted twice or lost, except outside a focused subtree.
 */
import type { Transform } from '../../../src/model/transforms.ts';
import { HierarchyBuilder } from '../aggregate/hierarchy.ts';
import { type Hierarchy } from '../../../src/model/hierarchy.ts';

/**
 * What old node `old` becomes, given its parent's new node: a new node id (or the
 * parent's, to merge it). `name` / `group` are its name and group ids in `b`.
 */
type Mapper = (old: number, parentNew: number, b: HierarchyBuilder, name: number, group: number) => number;

function rebuild(h: Hierarchy, rootName: string, levels: string[], start: Uint8Array | null, map: Mapper): Hierarchy {
  const b = new HierarchyBuilder(rootName, levels);
  b.hasRequested = h.hasRequested;
  const nameIds = h.names.map((s) => b.nameId(s));
  const groupIds = h.groups.map((s) => b.groupId(s));
  const mapped = new Int32Array(h.size).fill(-1);
  if (!start) {
    mapped[0] = 0;
    b.add(0, h.selfBytes[0], h.selfCount[0], h.selfRequested[0]);
  }
  for (let i = start ? 0 : 1; i < h.size; i++) {
    let m: number;
    if (start) {
      if (start[i]) m = 0;
      else if (i === 0 || mapped[h.parent[i]] < 0) continue;
      else m = map(i, mapped[h.parent[i]], b, nameIds[h.name[i]], groupIds[h.group[i]]);
    } else m = map(i, mapped[h.parent[i]], b, nameIds[h.name[i]], groupIds[h.group[i]]);
    mapped[i] = m;
    if (m >= 0) b.add(m, h.selfBytes[i], h.selfCount[i], h.selfRequested[i]);
  }
  return b.build();
}

const keep: Mapper = (_i, p, b, name, group) => b.child(p, name, group);

/** The node at `path` (names from the root's child down), or -1 when the path does not exist exactly. */
export function exactNode(h: Hierarchy, path: string[]): number {
  let node = 0;
  for (const nm of path) {
    let next = -1;
    for (let c = h.childStart[node]; c < h.childStart[node + 1]; c++) {
      if (h.names[h.name[h.children[c]]] === nm) {
        next = h.children[c];
        break;
      }
    }
    if (next < 0) return -1;
    node = next;
  }
  return node;
}

/** The subtree at `path` as a tree of its own (its node is the new root); null when the path does not exist. */
export function focusSubtree(h: Hierarchy, path: string[]): Hierarchy | null {
  const f = exactNode(h, path);
  if (f < 0) return null;
  if (f === 0) return h;
  const start = new Uint8Array(h.size);
  start[f] = 1;
  const levels = [h.levels[h.depth[f]] ?? 'focus', ...h.levels.slice(h.depth[f] + 1)];
  return rebuild(h, h.names[h.name[f]], levels, start, keep);
}

/** Removes every node for which `drop(node)` holds: its figures go to its parent, its children move up. */
export function mergeNodes(h: Hierarchy, drop: (node: number) => boolean): Hierarchy {
  return rebuild(h, h.names[h.name[0]], h.levels, null, (i, p, b, name, group) => (drop(i) ? p : b.child(p, name, group)));
}

/** Merge function: every node named `name` is removed (its bytes stay with its caller). */
export function mergeName(h: Hierarchy, name: string): Hierarchy {
  const id = h.names.indexOf(name);
  if (id < 0) return h;
  return mergeNodes(h, (i) => h.name[i] === id);
}

/** `*` matches any run of characters; otherwise the pattern is a substring. Case-sensitive. */
export function patternMatcher(pattern: string): (s: string) => boolean {
  if (!pattern.includes('*')) return (s) => s.includes(pattern);
  const re = new RegExp(pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*'));
  return (s) => re.test(s);
}

/** Hide frames: every node whose name matches `pattern` is merged into its parent. */
export function hideMatching(h: Hierarchy, pattern: string): Hierarchy {
  if (!pattern) return h;
  const match = patternMatcher(pattern);
  const hit = h.names.map(match);
  if (!hit.includes(true)) return h;
  return mergeNodes(h, (i) => hit[h.name[i]]);
}

/**
 * Collapse a library / module / file: each run of nodes of `group` becomes one
 * node holding the run's whole subtree below it in that group. The node is named
 * `group`, or keeps the run head's name when that is the group's base name (a
 * library node `libx.so` of group `/usr/lib/libx.so` stays `libx.so`).
 */
export function collapseGroup(h: Hierarchy, group: string): Hierarchy {
  const g = h.groups.indexOf(group);
  if (g < 0) return h;
  const base = group.slice(group.lastIndexOf('/') + 1);
  return rebuild(h, h.names[h.name[0]], h.levels, null, (i, p, b, name, gid) => {
    if (h.group[i] !== g) return b.child(p, name, gid);
    const parent = h.parent[i];
    // Inside a run: stay in the run's node.
    if (parent > 0 && h.group[parent] === g) return p;
    return b.child(p, h.names[h.name[i]] === base ? name : b.nameId(group), gid);
  });
}

/** Applies `list` in order; a transform whose target is absent leaves the tree as it is. */
export function applyTransforms(h: Hierarchy, list: readonly Transform[]): Hierarchy {
  let t = h;
  for (const x of list) {
    if (x.kind === 'focus') t = focusSubtree(t, x.path) ?? t;
    else if (x.kind === 'merge') t = mergeName(t, x.name);
    else if (x.kind === 'collapse') t = collapseGroup(t, x.group);
    else if (x.kind === 'hide') t = hideMatching(t, x.pattern);
  }
  return t;
}

export { describeTransform } from '../../../src/model/transforms.ts';

const CODES = { focus: 'f', merge: 'm', collapse: 'c', hide: 'h' } as const;

/** URL form: `f.a/b~m.name~…`, each argument URI-encoded (a focus path: each name, joined by `/`). */
export function encodeTransforms(list: readonly Transform[]): string {
  return list
    .map((x) => {
      const arg = x.kind === 'focus' ? x.path.map(encodeURIComponent).join('/') : encodeURIComponent(x.kind === 'merge' ? x.name : x.kind === 'collapse' ? x.group : x.pattern);
      return `${CODES[x.kind]}.${arg.replace(/~/g, '%7E')}`;
    })
    .join('~');
}

/** Parses `encodeTransforms` output; malformed parts are skipped, never thrown. */
export function decodeTransforms(s: string | null | undefined): Transform[] {
  if (!s) return [];
  const out: Transform[] = [];
  for (const part of s.split('~')) {
    const dot = part.indexOf('.');
    if (dot !== 1) continue;
    const arg = part.slice(2);
    try {
      if (part[0] === 'f') out.push({ kind: 'focus', path: arg ? arg.split('/').map(decodeURIComponent) : [] });
      else if (part[0] === 'm') out.push({ kind: 'merge', name: decodeURIComponent(arg) });
      else if (part[0] === 'c') out.push({ kind: 'collapse', group: decodeURIComponent(arg) });
      else if (part[0] === 'h') out.push({ kind: 'hide', pattern: decodeURIComponent(arg) });
    } catch {
      // a damaged part: skipped
    }
  }
  return out;
}
