/** Loading binaries and debug files for the commands that read cores (`attribute`, `compare`). Node only. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openBinary, type Binary } from '../workers/logic/formats/elf/binary.ts';
import type { CoreFile } from '../workers/logic/formats/elf/core-file.ts';
import { NodeFileSource } from './node-source.ts';
import { loadModules, type ModuleMap } from '../workers/logic/symbols/modules.ts';

/** Where gdb looks for separate debug files. */
export const DEFAULT_DEBUG_DIR = '/usr/lib/debug';

/** Splits argv: values after --bin until the next flag are binaries. */
export function splitBins(args: string[]): { rest: string[]; bins: string[] } {
  const rest: string[] = [];
  const bins: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--bin') {
      while (i + 1 < args.length && !args[i + 1].startsWith('--')) bins.push(args[++i]);
    } else rest.push(args[i]);
  }
  return { rest, bins };
}

export async function binaryAt(path: string): Promise<Binary> {
  const src = await NodeFileSource.open(path);
  try {
    return await openBinary(src);
  } finally {
    await src.close();
  }
}

/** Modules with the given binaries, plus separate debug files found by build-id under `debugDir` (as gdb finds them). */
export async function modulesWithDebugFiles(core: CoreFile, binaries: Binary[], debugDir: string): Promise<ModuleMap> {
  const modules = await loadModules(core, binaries);
  const extra: Binary[] = [];
  for (const m of modules.modules) {
    if (m.symbolSource === 'binary' || !m.buildId || m.buildId.length < 3) continue;
    const p = join(debugDir, '.build-id', m.buildId.slice(0, 2), `${m.buildId.slice(2)}.debug`);
    if (existsSync(p)) extra.push(await binaryAt(p));
  }
  return extra.length ? loadModules(core, [...binaries, ...extra]) : modules;
}
