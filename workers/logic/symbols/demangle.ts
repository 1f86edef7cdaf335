/**
 * C++ symbol demangling for display, in gdb's spelling.
 *
 * The Itanium demangler in `itanium-demangle.ts` handles what programs' symbols
 * use and prints names exactly as gdb does (the reference answers are gdb's).
 * For what it does not decode (expressions in template arguments, Rust
 * symbols), an optional fallback demangler can be installed, e.g. the
 * `gecko-profiler-demangle` WebAssembly module (see `demangle-fallback.ts`);
 * without one the mangled name is shown unchanged.
 */
import { demangleItanium, demangleItaniumType, Unsupported } from './itanium-demangle.ts';

let fallback: ((name: string) => string) | null = null;
const cache = new Map<string, string>();

/** Installs a demangler used for names the built-in one cannot decode. */
export function setFallbackDemangler(fn: ((name: string) => string) | null): void {
  fallback = fn;
  cache.clear();
}

/** Demangled name of a symbol; plain C names and undecodable names come back unchanged. */
export function demangle(symbol: string): string {
  let out = cache.get(symbol);
  if (out !== undefined) return out;
  try {
    out = demangleItanium(symbol) ?? (fallback && symbol.startsWith('_R') ? fallback(symbol) : symbol);
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
    out = fallback ? fallback(symbol) : symbol;
  }
  if (cache.size > 100_000) cache.clear();
  cache.set(symbol, out);
  return out;
}

/** Demangled form of a mangled type (a typeinfo name such as `N7widgets4RectE`), or null. */
export function demangleType(mangled: string): string | null {
  try {
    return demangleItaniumType(mangled);
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
}

/** Class name of a `_ZTV…` vtable symbol (`vtable for X` → `X`), or null. */
export function classOfVtableSymbol(symbol: string): string | null {
  if (!symbol.startsWith('_ZTV')) return null;
  return demangleType(symbol.slice(4));
}
