/**
 * Python tracemalloc snapshots as tables.
 *
 * Trace table — one row per trace (one live memory block), in the snapshot's order:
 *
 * | column      | type         | meaning                                                          |
 * |-------------|--------------|------------------------------------------------------------------|
 * | size        | Float64Array | size of the block in bytes, as requested from the allocator       |
 * | domain      | Uint32Array  | tracemalloc address-space domain (0 = Python's allocators)        |
 * | stack       | Uint32Array  | the block's traceback: a stack id in the snapshot's stack table   |
 * | totalFrames | Uint32Array  | `total_nframe`: frames the stack really had before the traceback |
 * |             |              | limit cut it (equals the stored depth on CPython <= 3.8 dumps)    |
 *
 * The traceback is stored in the stack table (`stacks.ts`) oldest frame first,
 * i.e. CPython's `Traceback` order, the reverse of the pickled tuple.
 */
import type { FrameTable, StackTable } from './stacks.ts';
import type { StringTableData } from './strings.ts';

export interface TraceTable {
  rows: number;
  size: Float64Array;
  domain: Uint32Array;
  stack: Uint32Array;
  totalFrames: Uint32Array;
}

/** Everything a `tracemalloc.Snapshot` holds, columnar; string ids refer to `strings`. */
export interface TracemallocSnapshot {
  /** File name the snapshot was read from (for messages and labels). */
  file: string;
  traces: TraceTable;
  stacks: StackTable;
  frames: FrameTable;
  strings: StringTableData;
  /** `Snapshot.traceback_limit`: the `nframe` given to `tracemalloc.start()`. */
  tracebackLimit: number;
  /** Distinct domains present, ascending. */
  domains: number[];
}
