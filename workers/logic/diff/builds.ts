/**
 * Build detection between two snapshots: modules loaded in both processes
 * (matched by the base name of their path) that are not the same build, so
 * offsets in functions may not line up and the UI says so.
 */
import type { Module, ModuleMap } from '../symbols/modules.ts';
import { baseName } from './site-keys.ts';

export type BuildChangeReason = 'build-id' | 'size' | 'path';

/** A module present in A and B that is (or may be) a different build. */
export interface BuildChange {
  /** Base name of the module's path: the key the diff matches libraries by. */
  name: string;
  pathA: string;
  pathB: string;
  buildIdA: string | null;
  buildIdB: string | null;
  /** Mapped size (end − base) on each side. */
  sizeA: number;
  sizeB: number;
  /**
   * 'build-id': both have one and they differ (a different build for sure);
   * 'size': no build-id to compare (on one side at least) and the mapped size differs;
   * 'path': no build-id on either side, same size, different path (may be another copy).
   */
  reason: BuildChangeReason;
}

function byName(map: ModuleMap): Map<string, Module[]> {
  const out = new Map<string, Module[]>();
  for (const m of map.modules) {
    const k = baseName(m.path);
    const list = out.get(k);
    if (list) list.push(m);
    else out.set(k, [m]);
  }
  return out;
}

/**
 * Modules present in both maps whose build-id differs, or — when a build-id is
 * missing — whose mapped size (or, both without build-id, path) changed.
 * Modules with the same base name are paired in load order. Sorted by name.
 */
export function compareBuilds(a: ModuleMap, b: ModuleMap): BuildChange[] {
  const inB = byName(b);
  const out: BuildChange[] = [];
  for (const [name, as] of byName(a)) {
    const bs = inB.get(name);
    if (!bs) continue;
    for (let i = 0; i < Math.min(as.length, bs.length); i++) {
      const x = as[i];
      const y = bs[i];
      const sizeA = x.end - x.base;
      const sizeB = y.end - y.base;
      let reason: BuildChangeReason | null = null;
      if (x.buildId && y.buildId) {
        if (x.buildId !== y.buildId) reason = 'build-id';
      } else if (sizeA !== sizeB) reason = 'size';
      else if (!x.buildId && !y.buildId && x.path !== y.path) reason = 'path';
      if (reason) out.push({ name, pathA: x.path, pathB: y.path, buildIdA: x.buildId, buildIdB: y.buildId, sizeA, sizeB, reason });
    }
  }
  return out.sort((p, q) => (p.name < q.name ? -1 : p.name > q.name ? 1 : 0));
}

/** The sentence the UI and the CLI show for one change. */
export function describeBuildChange(c: BuildChange): string {
  if (c.reason === 'build-id') return `${c.name} is a different build in B (build-id ${c.buildIdA} → ${c.buildIdB}): offsets may not match`;
  if (c.reason === 'size') return `${c.name} may be a different build in B (mapped size ${c.sizeA} → ${c.sizeB}, no build-id to compare): offsets may not match`;
  return `${c.name} is loaded from another path in B (${c.pathA} → ${c.pathB}, no build-id to compare): offsets may not match`;
}
