/**
 * The CPython modules of a core and their writable ranges, as chap finds them:
 * a mapped file whose name is `python…` (the executable) or `libpython…` (the
 * shared library), with the major version from the name (`python2.7`,
 * `libpython3.12.so.1.0`). A module's writable ranges come from its own ELF
 * program headers, read from the core (PT_LOAD with PF_W, `.data` and `.bss`),
 * each extended to the end of the core segment holding its last byte.
 */
import type { CoreFile } from '../../formats/elf/core-file.ts';
import { findModules } from '../modules.ts';

export interface PythonModule {
  path: string;
  /** True for `libpython…`, false for the `python…` executable. */
  isLibrary: boolean;
  /** 2 or 3 when the name says, else 0. */
  major: number;
  /** Lowest and highest address of its mappings. */
  start: number;
  end: number;
  /** Writable ranges, in address order. */
  writable: { start: number; end: number }[];
}

const MODULE_NAME = /^(lib)?python([23])?[^/]+$/;

/** The executable and shared library of CPython mapped in `core` (library first, as chap looks there first). */
export async function findPythonModules(core: CoreFile): Promise<PythonModule[]> {
  const found = await findModules(core, MODULE_NAME);
  return found
    .map((m) => {
      const match = MODULE_NAME.exec(m.path.slice(m.path.lastIndexOf('/') + 1))!;
      return { ...m, isLibrary: match[1] !== undefined, major: match[2] ? Number(match[2]) : 0 };
    })
    .sort((a, b) => Number(b.isLibrary) - Number(a.isLibrary));
}
