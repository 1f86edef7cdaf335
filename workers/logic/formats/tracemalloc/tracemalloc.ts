/**
 * Reader for Python `tracemalloc` snapshots (`Snapshot.dump()` files: pickles,
 * protocol 4 or 5 from CPython 3.4+, protocols 2–5 accepted; gzip tolerated).
 *
 * The pickle is decoded by `SnapshotPickleDecoder`, which accepts nothing but
 * a Snapshot's object graph and fills columnar tables directly: one trace row
 * per memory block, tracebacks interned in a stack prefix tree (oldest frame
 * at the root), frames interned as (file name id, line). The result also has
 * an `AllocationTable` view of the traces (size, state Used, site = stack id,
 * address unknown = 0) so the format-independent views work on it.
 */
import { AllocState, type AllocationTable } from '../../../../src/model/allocations.ts';
import { allocShared, type ColumnBuilder, type TypedArray } from '../../../../src/model/columns.ts';
import type { TraceTable, TracemallocSnapshot } from '../../../../src/model/traces.ts';
import { type InputWarning } from '../../io/errors.ts';
import { TEXT_DECODE_BUDGET } from '../../io/budget.ts';
import { decodedChunks, decodedSizeHint, type ReadControl } from '../../io/stream.ts';
import type { ByteSource } from '../../io/source.ts';
import { SnapshotPickleDecoder, type DecodedSnapshot } from './pickle-snapshot.ts';

export interface TracemallocResult {
  snapshot: TracemallocSnapshot;
  /** One row per trace, for the common allocation views. */
  table: AllocationTable;
  warnings: InputWarning[];
  /** Pickle protocol of the file. */
  protocol: number;
}

/** Reads a tracemalloc snapshot; throws `InputError` naming the file when it is anything else. */
export async function readTracemalloc(src: ByteSource, ctl?: ReadControl): Promise<TracemallocResult> {
  const dec = new SnapshotPickleDecoder(src.name, await decodedSizeHint(src));
  for await (const chunk of decodedChunks(src, ctl, TEXT_DECODE_BUDGET)) {
    dec.push(chunk);
    if (dec.done) {
      // Count what follows STOP in this slice only; do not read the rest.
      break;
    }
  }
  return assembleSnapshot(src.name, dec.finish());
}

/** Decodes a whole snapshot held in memory (tests, small inputs). */
export function decodeTracemallocBytes(name: string, bytes: Uint8Array): TracemallocResult {
  const dec = new SnapshotPickleDecoder(name, bytes.length);
  dec.push(bytes);
  return assembleSnapshot(name, dec.finish());
}

function gather<T extends TypedArray>(col: ColumnBuilder<T>, order: Uint32Array | null, make: (n: number) => T): T {
  if (!order) return col.freeze();
  const out = make(order.length);
  const src = col.array;
  for (let i = 0; i < order.length; i++) out[i] = src[order[i]];
  return out;
}

function zeros<T extends TypedArray>(ctor: { new (b: ArrayBufferLike, o: number, n: number): T; BYTES_PER_ELEMENT: number }, n: number): T {
  return new ctor(allocShared(Math.max(1, n) * ctor.BYTES_PER_ELEMENT), 0, n);
}

function assembleSnapshot(file: string, d: DecodedSnapshot): TracemallocResult {
  const { pool, order } = d;
  const traces: TraceTable = {
    rows: d.rows,
    size: gather(pool.size, order, (n) => zeros(Float64Array, n)),
    domain: gather(pool.domain, order, (n) => zeros(Uint32Array, n)),
    stack: gather(pool.stack, order, (n) => zeros(Uint32Array, n)),
    totalFrames: gather(pool.totalFrames, order, (n) => zeros(Uint32Array, n)),
  };
  const domainSet = new Set<number>();
  const dom = traces.domain;
  let last = -1;
  for (let i = 0; i < dom.length; i++) {
    if (dom[i] !== last) {
      last = dom[i];
      domainSet.add(last);
    }
  }
  const strings = d.strings.freeze();
  const snapshot: TracemallocSnapshot = {
    file,
    traces,
    stacks: d.stacks.freeze(),
    frames: d.frames.freeze(),
    strings,
    tracebackLimit: d.tracebackLimit,
    domains: [...domainSet].sort((a, b) => a - b),
  };
  return { snapshot, table: traceAllocationTable(snapshot), warnings: d.warnings, protocol: d.protocol };
}

/**
 * The allocation-table view of a snapshot's traces: size and requested size =
 * the trace size, state Used, site = the trace's stack id, type unknown,
 * address unknown (0). The size and site columns are the trace table's own.
 */
export function traceAllocationTable(s: TracemallocSnapshot): AllocationTable {
  const n = s.traces.rows;
  const state = zeros(Uint8Array, n);
  if (AllocState.Used !== 0) state.fill(AllocState.Used);
  return {
    rows: n,
    addrHi: zeros(Uint32Array, n),
    addrLo: zeros(Uint32Array, n),
    size: s.traces.size,
    state,
    type: zeros(Uint32Array, n),
    requested: s.traces.size,
    site: s.traces.stack,
    strings: s.strings,
  };
}
