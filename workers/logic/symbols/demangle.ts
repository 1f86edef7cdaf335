/**
 * C++ symbol demangling for display, in gdb's spelling: what binutils'
 * `c++filt -i` prints (parameters kept; `std::string` and the other standard
 * abbreviations not spelled out except before a constructor or destructor).
 *
 * The Itanium demangler in `itanium-demangle.ts` equals `c++filt -i` on every
 * C++ symbol of the machine's shared libraries (checked by
 * `itanium-demangle.differential.test.ts`). A name it cannot decode (or one
 * that is not Itanium-mangled, e.g. a Rust `_R` symbol) is shown unchanged,
 * as c++filt leaves it.
 */
import { demangleItanium, demangleItaniumType, Unsupported } from './itanium-demangle.ts';

const cache = new Map<string, string>();

/** Demangled name of a symbol; plain C names and undecodable names come back unchanged. */
export function demangle(symbol: string): string {
  let out = cache.get(symbol);
  if (out !== undefined) return out;
  try {
    out = demangleItanium(symbol) ?? symbol;
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
    out = symbol;
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
