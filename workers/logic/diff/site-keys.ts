/**
 * Site keys that survive ASLR and rebuilds, and the footer-attribution
 * hierarchy built on them. A node's *name* is its stable key; its *group* is
 * the display name (and colour) of its library.
 *
 * | input                          | path of names (the key)                                        |
 * |--------------------------------|----------------------------------------------------------------|
 * | core with malloc_tracer footers| library base name → demangled function → `+0xOFFSET` in function |
 * | footer site with no symbol     | library base name → `module+0xOFFSET` → `+0xOFFSET` in module    |
 * | footer outside any module      | `Unknown lib` → `(outside any module)`                          |
 * | no valid footer                | `(no footer)`                                                   |
 * | tracemalloc                    | `file:line` frames (`stackTree`)                                |
 * | chap list, core without footers| class / signature → size class (`typeSizeTree`)                 |
 *
 * Raw addresses never appear in a key: library paths are cut to their base name
 * (so `/lib/x86_64-linux-gnu/libstdc++.so.6` matches the same library mounted
 * elsewhere), offsets are relative to the function or module.
 */
import { isInUse, type AllocationTable } from '../../../src/model/allocations.ts';
import type { Attribution } from '../formats/malloc-tracer/attribution.ts';
import { FOOTER_BYTES } from '../formats/malloc-tracer/footer.ts';
import { HierarchyBuilder } from '../aggregate/hierarchy.ts';
import { type Hierarchy } from '../../../src/model/hierarchy.ts';
import { libraryKey, NO_FOOTER, offsetKey, OUTSIDE_MODULES, UNKNOWN_LIB } from '../../../src/model/site-keys.ts';

export { baseName, libraryKey, NO_FOOTER, offsetKey, OUTSIDE_MODULES } from '../../../src/model/site-keys.ts';

/**
 * library → function → `+0xOFFSET` site hierarchy of a footer attribution, for
 * the flame graph / treemap and for `diffHierarchies`. Metrics: bytes = chunk
 * (usable size), count, requested = user (footer's requested size);
 * `hasRequested` is set. Mem is chunk − 16·count on every node.
 *
 * Allocations that were examined but have no valid footer (attribution errors)
 * go to one `(no footer)` library node (requested 0: unknown), so the root
 * holds every in-use allocation. With `table` (the table the attribution was
 * made from), that node is computed from its rows (`site` column 0), which also
 * covers in-use rows the attribution did not see.
 */
export function attributionHierarchy(a: Omit<Attribution, 'modules'>, table?: AllocationTable): Hierarchy {
  const b = new HierarchyBuilder('all allocations', ['all', 'library', 'function', 'site']);
  b.hasRequested = true;
  for (const lib of a.libraries) {
    const display = lib.name;
    const g = b.groupId(display);
    const libNode = b.child(0, b.nameId(libraryKey(lib.name)), g);
    if (lib.name === UNKNOWN_LIB) {
      // The "function" of an unknown library is a raw address: no stable key below the library.
      const fn = b.child(libNode, b.nameId(OUTSIDE_MODULES), g);
      b.add(fn, lib.sizes.chunk, lib.sizes.count, lib.sizes.user);
      continue;
    }
    for (const f of lib.functions) {
      const fn = b.child(libNode, b.nameId(f.name), g);
      for (const s of f.sites) b.add(b.child(fn, b.nameId(offsetKey(s.offset)), g), s.sizes.chunk, s.sizes.count, s.sizes.user);
    }
  }
  let count = a.errors.count;
  let bytes = a.errors.chunk;
  if (table) {
    count = 0;
    bytes = 0;
    const site = a.table.site;
    const n = Math.min(table.rows, site.length);
    for (let i = 0; i < n; i++) {
      if (site[i] === 0 && isInUse(table.state[i])) {
        count++;
        bytes += table.size[i];
      }
    }
  }
  if (count > 0) b.add(b.child(0, b.nameId(NO_FOOTER), b.groupId(NO_FOOTER)), bytes, count, 0);
  return b.build();
}

/** Mem bytes (usable − footer) of a node of an attribution hierarchy: chunk − 16·count. */
export function memBytes(h: Hierarchy, node: number): number {
  return h.totalBytes[node] - FOOTER_BYTES * h.totalCount[node];
}
