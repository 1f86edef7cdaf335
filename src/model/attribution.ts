/**
 * malloc_tracer footer attribution as the views and the CLI read it: count and byte sums per library, function
 * and return address (as malloc_tracer's gdb plugin prints them: User, Mem, Chunk), and per allocation the site
 * and requested size as columns of the allocation table (`site`, `requested`). Made by
 * `workers/logic/formats/malloc-tracer/attribution.ts` from a core's footers, or rebuilt from the columns by
 * `attributionFromTable` (workers/logic/aggregate/attribution-rows.ts) for a saved analysis.
 */
import type { AllocationTable, SizeColumn } from './allocations.ts';
import type { InputWarning } from './errors.ts';
import type { SitesTable } from './sites.ts';

/** Count and byte sums of a group of allocations. */
export interface Sizes {
  count: number;
  /** Requested bytes (footer). */
  user: number;
  /** Usable − 16. */
  mem: number;
  /** Usable size (chap's size). */
  chunk: number;
}

/** One return address. */
export interface SiteNode {
  /** Row in `AttributionData.sites` (the table's `site` column holds this + 1). */
  id: number;
  addr: number;
  /** Offset in the function (or module). */
  offset: number;
  sizes: Sizes;
}

export interface FunctionNode {
  name: string;
  sizes: Sizes;
  sites: SiteNode[];
}

export interface LibraryNode {
  name: string;
  sizes: Sizes;
  functions: FunctionNode[];
}

/**
 * Result of footer attribution: the summary library → function → return address, the sites table, and the
 * table attributed with its `site` and `requested` columns filled.
 */
export interface AttributionData {
  total: Sizes;
  /** Footers with requested ≥ usable, too-small allocations, unreadable footers. */
  errors: { count: number; chunk: number };
  /** In-use allocations examined. */
  checked: number;
  /** Footers whose return address is in an executable range of a module. */
  valid: number;
  /** True when most in-use allocations carry a valid footer (the process ran under malloc_tracer). */
  detected: boolean;
  /** Libraries sorted by User bytes, descending (ties: first seen first); functions and sites likewise. */
  libraries: LibraryNode[];
  /** Sites table (one row per return address). */
  sites: SitesTable;
  /**
   * The table attributed (a chap list of the core, or the heap walk's table): its rows and columns, shared, with
   * `site` (0 = no footer used, else 1 + the row in `sites`) and `requested` (the footer's requested size where
   * `site` is not 0; 0 where it is — saved files before 2026-12-03 hold NaN there) filled.
   */
  table: AllocationTable & { site: Uint32Array; requested: SizeColumn };
  /** `table.site` (the same array): what the Callers helpers (src/views/alloc-caller.ts, use-callers.ts) and the saved format read. */
  rowSite: Uint32Array;
  /** `table.requested` (the same array), likewise. */
  rowRequested: SizeColumn;
  warnings: InputWarning[];
}
