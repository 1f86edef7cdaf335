/**
 * Allocation sites from malloc_tracer footers: one row per distinct return
 * address of a malloc caller, struct of arrays.
 *
 * | column   | type         | meaning                                                            |
 * |----------|--------------|--------------------------------------------------------------------|
 * | addr     | Float64Array | return address in the process (exact: user-space, below 2^53)      |
 * | lib      | Uint32Array  | string id of the library name (gdb's spelling; "Unknown lib")      |
 * | func     | Uint32Array  | string id of the demangled function, or `module+0xOFFSET`          |
 * | offset   | Float64Array | addr − function start (or − module base when no symbol)            |
 * | exec     | Uint8Array   | 1 when addr lies in an executable range of a module (a valid       |
 * |          |              | footer), else 0; footers are "detected" when valid ones are ≥ half |
 *
 * Allocations point at sites through the allocation table's `site` column
 * (0 = no valid footer, otherwise site index + 1), and carry the footer's
 * requested size in its `requested` column (0 when `site` is 0, no footer; a `SizeColumn`): the attribution
 * (`AttributionData.table`, attribution.ts) is the table it was given, its columns
 * shared, with these two added (SharedArrayBuffers, so no copy crosses workers).
 * A saved analysis keeps the two columns as `attribution.rowSite` and
 * `attribution.rowRequested` (`SavedAttribution`, saved.ts).
 * This is a flat one-frame stack table: the footer records only the caller.
 */
import type { StringTableData } from './strings.ts';

export interface SitesTable {
  rows: number;
  addr: Float64Array;
  lib: Uint32Array;
  func: Uint32Array;
  offset: Float64Array;
  exec: Uint8Array;
  strings: StringTableData;
}

/**
 * The one rule for "this process ran under malloc_tracer", live and after a
 * saved analysis is reopened: at least half the in-use allocations examined
 * carry a footer whose return address is executable code of a module.
 */
export function footersDetected(checked: number, valid: number): boolean {
  return checked > 0 && valid * 2 >= checked;
}
