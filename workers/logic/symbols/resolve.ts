/**
 * Return address → (library, function, offset), the way malloc_tracer's gdb
 * plugin names them, so our numbers line up with its `heap_total`:
 * - an address inside a symbol of a module: library = the name the dynamic
 *   loader used for it (`link_map.l_name`, e.g. `/lib/x86_64-linux-gnu/libstdc++.so.6`),
 *   function = the demangled symbol;
 * - an address in a mapped file but in no symbol: library = the mapping's path
 *   from NT_FILE (e.g. `/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30`, the
 *   symlink-resolved file), function = `file+0xOFFSET` from the module base;
 * - anything else: library `Unknown lib`, function `0xADDR`.
 */
import { demangle } from './demangle.ts';
import { functionAt } from './symbol-table.ts';
import { isExecutableIn, moduleIndexAt, type ModuleMap } from './modules.ts';

export { UNKNOWN_LIB } from '../../../src/model/site-keys.ts';
import { UNKNOWN_LIB } from '../../../src/model/site-keys.ts';

export interface ResolvedAddress {
  /** Module index in the map, or -1. */
  module: number;
  lib: string;
  func: string;
  /** Offset from the function start, or from the module base when no symbol. */
  offset: number;
  /** A symbol was found. */
  resolved: boolean;
  /** The address lies in an executable range of a module. */
  executable: boolean;
}

function baseName(p: string): string {
  const i = p.lastIndexOf('/');
  return i >= 0 ? p.slice(i + 1) : p;
}

/** Resolves one process address against the module map. */
export function resolveAddress(map: ModuleMap, addr: number): ResolvedAddress {
  const mi = moduleIndexAt(map, addr);
  if (mi < 0) return { module: -1, lib: UNKNOWN_LIB, func: '0x' + addr.toString(16), offset: 0, resolved: false, executable: false };
  const m = map.modules[mi];
  const executable = isExecutableIn(m, addr);
  if (m.symbols) {
    const i = functionAt(m.symbols, addr - m.bias);
    if (i >= 0) {
      return {
        module: mi,
        lib: m.loaderName ?? m.path,
        func: demangle(m.symbols.funcName[i]),
        offset: addr - m.bias - m.symbols.funcAddr[i],
        resolved: true,
        executable,
      };
    }
  }
  const offset = addr - m.base;
  return { module: mi, lib: m.path, func: `${baseName(m.path)}+0x${offset.toString(16)}`, offset, resolved: false, executable };
}
