/**
 * CPython's obmalloc as a layered finder of the allocator registry
 * (../find-allocators.ts): its blocks and free pools are a contribution that
 * the registry merges with glibc's chunks (chap's rules: a malloc()ed arena's
 * chunk wraps its blocks and both are listed). See README.md.
 */
import { AllocationTableBuilder, AllocState } from '../../../../src/model/allocations.ts';
import type { CoreFile } from '../../formats/elf/core-file.ts';
import type { AllocatorFinder, Absent, HeapContribution } from '../allocator.ts';
import { CancelCheck, type ReadControl } from '../../io/stream.ts';
import { findPythonModules, type PythonModule } from './modules.ts';
import { findObmalloc, walkObmalloc, type ObmallocHeap } from './obmalloc.ts';

export type { ObmallocHeap, ObmallocInfo, ArenaTally } from './obmalloc.ts';
export type { PythonModule } from './modules.ts';

export interface PythonDetail {
  modules: PythonModule[];
  obmalloc: ObmallocHeap;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** Finds and walks obmalloc in `core`: its blocks in address order, one region (kind 'python-arena') per arena. */
export async function findPython(core: CoreFile, ctl?: ReadControl): Promise<HeapContribution<PythonDetail> | Absent> {
  // The search looks at every word of the module's writable data, the walk at every pool: both stop at the cancel flag.
  const cancel = new CancelCheck(core, ctl, 1024);
  const modules = await findPythonModules(core);
  if (modules.length === 0) return { absent: 'no CPython module (python…, libpython…) mapped' };
  const info = await findObmalloc(core, modules, cancel);
  if (!info) {
    const message = `CPython (${modules.map((m) => m.path).join(', ')}) is mapped but its obmalloc arenas were not found; only the other allocators' blocks are listed`;
    return { absent: 'CPython is mapped but no obmalloc arena array was found', warnings: [{ file: core.name, message }] };
  }
  const obmalloc = await walkObmalloc(core, info, cancel);
  const { blocks } = obmalloc;
  const b = new AllocationTableBuilder({ expectedRows: blocks.count, region: true });
  for (let j = 0; j < blocks.count; j++) {
    const a = blocks.addr[j];
    const row = b.add(Math.floor(a / 4294967296), a >>> 0, blocks.size[j], blocks.used[j] ? AllocState.Used : AllocState.Free);
    b.region!.set(row, blocks.arena[j] + 1);
  }
  const lib = info.module.slice(info.module.lastIndexOf('/') + 1);
  const version = /python(\d\.\d+)/.exec(lib)?.[1];
  const n = info.arenas.length;
  return {
    info: {
      id: 'obmalloc',
      description: `CPython${version ? ` ${version}` : ''} obmalloc, ${n} arena${n === 1 ? '' : 's'}`,
      ...(version ? { version } : {}),
      facts: [
        { label: 'module', value: lib },
        { label: 'arena size', value: info.arenaSize.toLocaleString('en-US') },
        { label: 'pool size', value: info.poolSize.toLocaleString('en-US') },
        { label: 'arena struct array', value: hex(info.arenaStructArray) },
      ],
    },
    table: b.freeze(),
    regions: info.arenas.map((a) => ({ kind: 'python-arena', start: a, end: a + info.arenaSize, arena: a })),
    warnings: obmalloc.warnings,
    detail: { modules, obmalloc },
  };
}

/** The obmalloc finder: layered, as its arenas live in glibc chunks or mmapped memory. */
export const obmallocFinder: AllocatorFinder = {
  id: 'obmalloc',
  layer: 'layered',
  find: (core, ctx) => findPython(core, ctx.ctl),
};
