/**
 * Profiler transforms of a tree view (as Firefox Profiler's): applied in order
 * to the hierarchy a flame graph / treemap draws, recorded in the URL (`tf=`).
 * Implemented by `workers/logic/transforms/` (`applyTransforms`).
 *
 * | kind       | argument        | effect                                                                    |
 * |------------|-----------------|---------------------------------------------------------------------------|
 * | `focus`    | `path` (names)  | the node at this name path becomes the root; everything outside it goes   |
 * | `merge`    | `name`          | every node of this name is removed; its bytes go to its parent, its       |
 * |            |                 | children move up (same-name siblings then merge)                          |
 * | `collapse` | `group`         | each run of nodes of this group (library, module, file) becomes one node  |
 * |            |                 | named after the group, holding the run's whole subtree                    |
 * | `hide`     | `pattern`       | `merge` for every node whose name matches (substring, `*` wildcards,      |
 * |            |                 | case-sensitive), e.g. `<frozen importlib._bootstrap>`                     |
 */
export type Transform =
  | { kind: 'focus'; path: string[] }
  | { kind: 'merge'; name: string }
  | { kind: 'collapse'; group: string }
  | { kind: 'hide'; pattern: string };

export type TransformKind = Transform['kind'];

/** A short description of a transform, for its chip in the transform bar. */
export function describeTransform(x: Transform): string {
  if (x.kind === 'focus') return `Focus: ${x.path[x.path.length - 1] ?? 'all'}`;
  if (x.kind === 'merge') return `Merge: ${x.name}`;
  if (x.kind === 'collapse') return `Collapse: ${x.group}`;
  return `Hide: ${x.pattern}`;
}
