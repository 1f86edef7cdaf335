/**
 * A saved analysis: the derived tables of an analysis plus a small JSON header,
 * in a compact, versioned binary file (`.heapscope`). Written and read by
 * `workers/logic/saved/` (`saveAnalysis`, `loadAnalysis`); stored locally by
 * `src/storage/library.ts` and shared through the server (`server/`).
 *
 * What is saved: per input its allocation table (addresses, sizes, states, type
 * ids + optional requested/site/region columns and the string table), and when
 * present its tracemalloc tables (traces, stacks, frames, strings), its object
 * table and CSR reference graph (meliae) and its footer attribution (sites
 * table + per-row site and requested size). Never the raw input, never memory
 * contents: object value snippets (meliae `value`) are dropped on save, and a
 * loaded object table has every value empty.
 *
 * ## File layout (all integers little-endian)
 *
 * | offset  | size | content                                                              |
 * |---------|------|----------------------------------------------------------------------|
 * | 0       | 8    | magic `89 48 53 41 0D 0A 1A 0A` (`\x89HSA\r\n\x1a\n`)                 |
 * | 8       | 4    | u32 format version (`SAVED_VERSION`); other versions are refused     |
 * | 12      | 4    | u32 H = byte length of the header (at most `MAX_HEADER_BYTES`)       |
 * | 16      | H    | header: UTF-8 JSON (`SavedHeader`), not compressed                   |
 * | 16 + H  | rest | column blobs back to back, in the header's `columns` order; each is  |
 * |         |      | a raw DEFLATE stream (RFC 1951) of the column's encoded bytes        |
 *
 * Each column entry (`SavedColumn`) gives its place (`input`, `table`, `name`),
 * element type, element count, codec, encoded byte length (`raw`) and stored
 * byte length (`packed`). The blobs must cover the rest of the file exactly.
 *
 * Codecs, applied before DEFLATE (they make columns of small integers compress
 * to a fraction of a byte per row):
 * - `shuffle`: the bytes of the elements regrouped by byte position (all byte 0s,
 *   then all byte 1s, …) — high bytes of small numbers become long zero runs.
 * - `delta`: (u32 columns) each value minus the previous one modulo 2^32, then
 *   `shuffle` — for ascending offsets and sorted ids.
 * - `addr`: (the `addrLo` column, whose `addrHi` partner comes just before it and
 *   uses `addr-hi`) the 64-bit address minus the previous row's, with carry, split
 *   into low/high u32 deltas, then `shuffle`.
 * - `same`: no blob (`packed` = 0); the column is the same array as column
 *   `ref` (e.g. a tracemalloc table's size column is its trace size column).
 *
 * Header `version` equals the u32 at offset 8. Limits checked on load: header
 * size, total decoded size (`LoadOptions.maxDecodedBytes`, default
 * `DEFAULT_MAX_DECODED_BYTES`), every column's `raw` = count × element size,
 * counts consistent with the row counts, offsets monotonic and ending at their
 * data length, ids inside the tables they point into, and a DEFLATE stream may
 * never produce more than its declared `raw` (decompression-bomb guard).
 */
import type { AllocationTable, SizeColumn } from './allocations.ts';
import type { ObjectTable } from './objects.ts';
import type { SitesTable } from './sites.ts';
import type { TracemallocSnapshot } from './traces.ts';

/**
 * Current format version written by `saveAnalysis`. Version 2 saves snapshots
 * (`SavedAnalysis.snapshots`): each snapshot's tables live in one `inputs`
 * entry (its *holder*), and the files that formed it are listed as its
 * `sources`. Version 1 (one entry per dropped file, no snapshots) still loads;
 * the app assembles its snapshots from those entries as it does live.
 */
export const SAVED_VERSION = 2;

/** Versions `loadAnalysis` reads. */
export const SAVED_VERSIONS_READ = [1, 2] as const;

/** The 8 magic bytes that start every saved analysis. */
export const SAVED_MAGIC = new Uint8Array([0x89, 0x48, 0x53, 0x41, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Largest header accepted (JSON bytes). */
export const MAX_HEADER_BYTES = 16 << 20;

/** Default limit of the total decoded column bytes on load (1 GiB). */
export const DEFAULT_MAX_DECODED_BYTES = 1 << 30;

/** Plain JSON value (what `view` and `info` may hold). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

/** Footer attribution of one input (see `sites.ts` and `workers/logic/formats/malloc-tracer/attribution.ts`). */
export interface SavedAttribution {
  sites: SitesTable;
  /** Per allocation row: 0 = no footer, else site index + 1. */
  rowSite: Uint32Array;
  /**
   * Per allocation row: requested size from the footer where `rowSite` is not 0 (Uint32 while every size fits, as
   * the allocation table's `size`); 0 where it is. Files saved before 2026-12-03 hold f64 with NaN there, read as 0.
   */
  rowRequested: SizeColumn;
}

/** A file that formed a saved snapshot (never its contents). */
export interface SavedSource {
  name: string;
  format: string;
  size: number;
  rows: number;
  /** What the file is in its snapshot (`PartRole` of src/model/snapshot.ts). */
  as: string;
  /** A chap list of one of chap's sets (`leaked`, …): that set's name (the part's `set`). */
  set?: string;
  info?: { [k: string]: JsonValue };
  warnings?: string[];
  /** chap lists: the rows of the snapshot's table the list lists. */
  listRows?: Uint32Array;
}

/** A saved snapshot: where its tables are (`holder`, an index into `inputs`) and what formed it. */
export interface SavedSnapshot {
  key: string;
  name: string;
  kind: string;
  holder: number;
  sources: SavedSource[];
}

/** What a saved input says of itself, in the file's header and once loaded. */
export interface SavedInputFacts {
  /** File name as the user opened it (no directory). */
  name: string;
  /** Reader role that read it (`chap-list`, `core`, `tracemalloc`, `meliae`, …). */
  format: string;
  /** Size of the input file in bytes. */
  size: number;
  /** Rows read (allocations, traces or objects). */
  rows: number;
  /** Format-specific facts shown by the app (plain JSON). */
  info?: { [k: string]: JsonValue };
  /** Warning messages from reading the input. */
  warnings?: string[];
}

/** One input of a saved analysis: its description and the tables derived from it. */
export interface SavedInput extends SavedInputFacts {
  table?: AllocationTable;
  tracemalloc?: TracemallocSnapshot;
  /** Object table + reference graph; values are never saved (see above). */
  objects?: ObjectTable;
  attribution?: SavedAttribution;
}

/** An analysis as saved and loaded: header fields plus per-input tables. */
export interface SavedAnalysis {
  /** Name shown in the library (user-editable). */
  name: string;
  /** ISO 8601 date the analysis was saved. */
  created: string;
  /** Opaque view state of the app (the URL view state), plain JSON. */
  view: JsonValue;
  inputs: SavedInput[];
  /** Version 2: the snapshots, each with its tables in one of `inputs`. Absent in version 1 files. */
  snapshots?: SavedSnapshot[];
}

/** Element types of saved columns. */
export type SavedElement = 'u8' | 'u16' | 'u32' | 'i32' | 'f64';

/** Codecs of saved columns (see the module comment). */
export type SavedCodec = 'shuffle' | 'delta' | 'addr-hi' | 'addr' | 'same';

/** One column's directory entry in the header. */
export interface SavedColumn {
  /** Index of the input in `inputs`. */
  input: number;
  /** Table the column belongs to: `allocations`, `strings`, `traces`, `stacks`, `frames`, `tmStrings`, `objects`, `sites`, `siteStrings`, `attribution`, `sources` (v2: `rows<k>` of source k). */
  table: string;
  name: string;
  type: SavedElement;
  /** Number of elements. */
  count: number;
  codec: SavedCodec;
  /** Encoded (decompressed) byte length: count × element size. */
  raw: number;
  /** Stored (compressed) byte length. */
  packed: number;
  /** For codec `same`: index of the column this one is. */
  ref?: number;
}

/** Per-input description in the header: everything but the column data. */
export interface SavedInputHeader extends SavedInputFacts {
  /** Which table groups are present, with their scalar fields. */
  tables: {
    allocations?: { rows: number };
    tracemalloc?: { file: string; tracebackLimit: number; domains: number[]; traces: number; stacks: number; frames: number };
    objects?: { rows: number; missingRefs: number };
    attribution?: { sites: number };
  };
}

/** The JSON header of a saved analysis file. */
export interface SavedHeader {
  version: number;
  name: string;
  created: string;
  view: JsonValue;
  inputs: SavedInputHeader[];
  /** Version 2: the snapshots (sources without their row columns). */
  snapshots?: (Omit<SavedSnapshot, 'sources'> & { sources: Omit<SavedSource, 'listRows'>[] })[];
  columns: SavedColumn[];
}

/**
 * The element types of the allocation table's narrow columns (allocations.ts): `size`, `requested` and the
 * attribution's `rowRequested` are u32 or f64, `type` and `region` u8, u16 or u32, as they were in memory (files saved
 * before 2026-12-03 hold f64 sizes, u32 types and regions; they load as they are).
 */
export const SIZE_TYPES = ['u32', 'f64'] as const satisfies readonly SavedElement[];
export const ID_TYPES = ['u8', 'u16', 'u32'] as const satisfies readonly SavedElement[];

/** Bytes per element of each saved element type. */
export const ELEMENT_BYTES: Record<SavedElement, number> = { u8: 1, u16: 2, u32: 4, i32: 4, f64: 8 };

/**
 * The row tables whose columns all have the table's row count, as the writer writes them and the reader reads
 * them: each column's element type, in the order written (tracemalloc's traces, stacks and frames; the footer
 * attribution's sites — `exec` is absent from version 1 files).
 */
export const ROW_TABLES = {
  traces: { size: 'f64', domain: 'u32', stack: 'u32', totalFrames: 'u32' },
  stacks: { frame: 'u32', parent: 'u32', depth: 'u32' },
  frames: { file: 'u32', line: 'i32' },
  sites: { addr: 'f64', lib: 'u32', func: 'u32', offset: 'f64', exec: 'u8' },
} as const satisfies Record<string, Record<string, SavedElement>>;

export type RowTableName = keyof typeof ROW_TABLES;

/** The typed array a column of element type `E` is. */
export type ArrayOf<E extends SavedElement> = E extends 'f64' ? Float64Array : E extends 'u32' ? Uint32Array : E extends 'i32' ? Int32Array : E extends 'u16' ? Uint16Array : Uint8Array;

/** The columns of row table `T`, by name. */
export type RowColumns<T extends RowTableName> = { -readonly [K in keyof (typeof ROW_TABLES)[T]]: ArrayOf<(typeof ROW_TABLES)[T][K] & SavedElement> };

/**
 * The files a saved analysis was made from (name, format, size, rows), each once:
 * version 2's snapshot sources (a binary shared by two snapshots is one file),
 * version 1's inputs.
 */
export function savedFiles(a: Pick<SavedAnalysis, 'inputs' | 'snapshots'>): { name: string; format: string; size: number; rows: number }[] {
  if (!a.snapshots) return a.inputs.map(({ name, format, size, rows }) => ({ name, format, size, rows }));
  const seen = new Map<string, { name: string; format: string; size: number; rows: number }>();
  for (const s of a.snapshots) for (const f of s.sources) seen.set(`${f.name}\u0000${f.size}`, { name: f.name, format: f.format, size: f.size, rows: f.rows });
  return [...seen.values()];
}
