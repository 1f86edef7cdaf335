/**
 * A snapshot completed as the browser completes it: a core snapshot's table
 * gets vtable class names and its footer attribution from the open core
 * (`CoreSession.processSnapshot`, the function the core worker calls), with the
 * snapshot's binaries plus — as gdb finds them — separate debug files under
 * `debugDir/.build-id/` for modules still without symbols. Node only.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AllocationTable } from '../src/model/allocations.ts';
import type { AttributionData } from '../src/model/attribution.ts';
import type { Snapshot } from '../src/model/snapshot.ts';
import type { ByteSource } from '../workers/logic/io/source.ts';
import type { ModuleMap } from '../workers/logic/symbols/modules.ts';
import { filesOf, type LoadedFile } from './inputs.ts';
import { NodeFileSource } from './node-source.ts';
import { cliProgress } from './progress.ts';

export interface CompletedSnapshot {
  snapshot: Snapshot;
  table: AllocationTable | null;
  attribution: AttributionData | null;
  /** The core's modules with the binaries used (cores only). */
  modules: ModuleMap | null;
}

/** Debug files for the modules of `modules` that have no symbols from a binary, by build-id. */
export function debugFilePaths(modules: ModuleMap, debugDir: string): string[] {
  const out: string[] = [];
  for (const m of modules.modules) {
    if (m.symbolSource === 'binary' || !m.buildId || m.buildId.length < 3) continue;
    const p = join(debugDir, '.build-id', m.buildId.slice(0, 2), `${m.buildId.slice(2)}.debug`);
    if (existsSync(p)) out.push(p);
  }
  return out;
}

export async function completeSnapshot(s: Snapshot, files: LoadedFile[], opts: { debugDir: string; classes?: boolean }): Promise<CompletedSnapshot> {
  const { core, binaries } = filesOf(s, files);
  if (!core?.session || !s.table) return { snapshot: s, table: s.table, attribution: null, modules: null };
  const session = core.session;
  const given: ByteSource[] = binaries.map((b) => b.src).filter((x): x is NodeFileSource => !!x);
  await session.setBinaries(given);
  const debug = await Promise.all(debugFilePaths(await session.modules(), opts.debugDir).map((p) => NodeFileSource.open(p)));
  try {
    const r = await session.processSnapshot(s.table, [...given, ...debug], { classes: opts.classes, ctl: cliProgress });
    return { snapshot: s, table: r.table, attribution: r.attribution, modules: await session.modules() };
  } finally {
    for (const d of debug) await d.close();
  }
}
