/**
 * Names of the footer-attribution hierarchy's nodes (the stable keys that
 * survive ASLR and rebuilds; see workers/logic/diff/site-keys.ts for the whole
 * table): library base name → demangled function → `+0xOFFSET` in the function.
 * Here so that views (the Callers table selecting its row in the flame graph)
 * and the logic build the same names.
 */

/** Library of return addresses in no mapped file. */
export const UNKNOWN_LIB = 'Unknown lib';
/** Library node of allocations without a valid footer (errors of the attribution). */
export const NO_FOOTER = '(no footer)';
/** Function node under `Unknown lib`: return addresses in no mapped file. */
export const OUTSIDE_MODULES = '(outside any module)';

/** The last component of a path (`/a/b/libx.so.1` → `libx.so.1`); the whole string when it has no `/`. */
export function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i >= 0 && i < path.length - 1 ? path.slice(i + 1) : path;
}

/** Stable key of a library: its base name (`Unknown lib` stays as is). */
export function libraryKey(name: string): string {
  return name === UNKNOWN_LIB ? name : baseName(name);
}

/** Stable key of a site: its offset in its function (or module), `+0x1f`. */
export function offsetKey(offset: number): string {
  return `+0x${Math.max(0, offset).toString(16)}`;
}

/** The node path of a Callers row (library, function, site offset) in the attribution hierarchy. */
export function attributionPath(lib: string, func?: string, offset?: number): string[] {
  if (lib === UNKNOWN_LIB) return func === undefined ? [UNKNOWN_LIB] : [UNKNOWN_LIB, OUTSIDE_MODULES];
  const out = [libraryKey(lib)];
  if (func !== undefined) out.push(func);
  if (func !== undefined && offset !== undefined) out.push(offsetKey(offset));
  return out;
}

/** A site's function name that is only an address: raw hex, or `module+0xOFFSET` (no symbol). */
export const RAW_ADDRESS = /^(0x)?[0-9a-f]{6,16}$|\+0x[0-9a-f]+$/i;
/** What such a name reads when addresses are left out of an upload. */
export const LEFT_OUT = '(address left out)';
