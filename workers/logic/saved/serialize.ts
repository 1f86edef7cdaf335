/**
 * `saveAnalysis`: a `SavedAnalysis` to the binary format of `src/model/saved.ts`.
 * Column-wise, each column coded (shuffle / delta / address delta) then
 * DEFLATE-compressed; arrays used twice are stored once (`same`). Deterministic:
 * the same analysis always gives the same bytes, so its content hash is its id.
 */
import {
  ELEMENT_BYTES,
  ID_TYPES,
  ROW_TABLES,
  SAVED_MAGIC,
  SAVED_VERSION,
  SIZE_TYPES,
  type SavedAnalysis,
  type SavedCodec,
  type SavedColumn,
  type SavedElement,
  type SavedHeader,
  type SavedInputHeader,
  type RowColumns,
  type RowTableName,
} from '../../../src/model/saved.ts';
import type { StringTableData } from '../../../src/model/strings.ts';
import { addrEncode, bytesOf, deflate, deltaEncode, shuffle } from './codec.ts';

type Column = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;

/** Options of `saveAnalysis`. */
export interface SaveOptions {
  /** DEFLATE level, 0–9 (default 6). */
  level?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
}

interface PendingColumn {
  meta: Omit<SavedColumn, 'packed' | 'raw'>;
  array: Column;
}

function elementOf(a: Column, where: string): SavedElement {
  if (a instanceof Uint8Array) return 'u8';
  if (a instanceof Uint16Array) return 'u16';
  if (a instanceof Uint32Array) return 'u32';
  if (a instanceof Int32Array) return 'i32';
  if (a instanceof Float64Array) return 'f64';
  throw new TypeError(`saveAnalysis: column ${where} is not a typed array`);
}

const DELTA_COLUMNS = new Set(['strings/offsets', 'tmStrings/offsets', 'siteStrings/offsets', 'objects/refStart', 'objects/dangling', 'stacks/parent']);

/** Encodes one analysis. Throws `TypeError` when a column has the wrong type or length (a programming error, not an input error). */
export async function saveAnalysis(a: SavedAnalysis, opts: SaveOptions = {}): Promise<Uint8Array> {
  const level = opts.level ?? 6;
  const pending: PendingColumn[] = [];
  const inputs: SavedInputHeader[] = [];

  /** `want`: the element type, or the types a narrow column may have (it is saved as it is). */
  const add = (input: number, table: string, name: string, array: Column, want: SavedElement | readonly SavedElement[], count: number, codec: SavedCodec = 'shuffle'): void => {
    const where = `${input}/${table}/${name}`;
    const type = elementOf(array, where);
    if (typeof want === 'string' ? type !== want : !want.includes(type)) throw new TypeError(`saveAnalysis: column ${where} is ${type}, ${typeof want === 'string' ? want : want.join(' or ')} expected`);
    if (array.length !== count) throw new TypeError(`saveAnalysis: column ${where} has ${array.length} elements, ${count} expected`);
    const c = codec === 'shuffle' && DELTA_COLUMNS.has(`${table}/${name}`) ? 'delta' : codec;
    pending.push({ meta: { input, table, name, type, count, codec: c }, array });
  };
  /** Every column of a row table (`ROW_TABLES`), in its order. */
  const addRows = <T extends RowTableName>(input: number, table: T, cols: RowColumns<T> & { rows: number }): void => {
    for (const [name, type] of Object.entries(ROW_TABLES[table]) as [keyof RowColumns<T> & string, SavedElement][]) add(input, table, name, cols[name] as Column, type, cols.rows);
  };
  const addStrings = (input: number, table: string, s: StringTableData): number => {
    const n = s.offsets.length - 1;
    add(input, table, 'bytes', s.bytes, 'u8', s.bytes.length);
    add(input, table, 'offsets', s.offsets, 'u32', n + 1);
    return n;
  };

  a.inputs.forEach((inp, i) => {
    const h: SavedInputHeader = { name: inp.name, format: inp.format, size: inp.size, rows: inp.rows, tables: {} };
    if (inp.info !== undefined) h.info = inp.info;
    if (inp.warnings !== undefined) h.warnings = inp.warnings;
    const t = inp.table;
    if (t) {
      h.tables.allocations = { rows: t.rows };
      add(i, 'allocations', 'addrHi', t.addrHi, 'u32', t.rows, 'addr-hi');
      add(i, 'allocations', 'addrLo', t.addrLo, 'u32', t.rows, 'addr');
      add(i, 'allocations', 'size', t.size, SIZE_TYPES, t.rows);
      add(i, 'allocations', 'state', t.state, 'u8', t.rows);
      add(i, 'allocations', 'type', t.type, ID_TYPES, t.rows);
      if (t.requested) add(i, 'allocations', 'requested', t.requested, SIZE_TYPES, t.rows);
      if (t.site) add(i, 'allocations', 'site', t.site, 'u32', t.rows);
      if (t.region) add(i, 'allocations', 'region', t.region, ID_TYPES, t.rows);
      if (t.flags) add(i, 'allocations', 'flags', t.flags, 'u16', t.rows);
      addStrings(i, 'strings', t.strings);
    }
    const s = inp.tracemalloc;
    if (s) {
      h.tables.tracemalloc = { file: s.file, tracebackLimit: s.tracebackLimit, domains: [...s.domains], traces: s.traces.rows, stacks: s.stacks.rows, frames: s.frames.rows };
      addRows(i, 'traces', s.traces);
      addRows(i, 'stacks', s.stacks);
      addRows(i, 'frames', s.frames);
      addStrings(i, 'tmStrings', s.strings);
    }
    const o = inp.objects;
    if (o) {
      h.tables.objects = { rows: o.rows, missingRefs: o.missingRefs };
      add(i, 'objects', 'name', o.name, 'u32', o.rows);
      add(i, 'objects', 'len', o.len, 'f64', o.rows);
      add(i, 'objects', 'refStart', o.refStart, 'u32', o.rows + 1);
      add(i, 'objects', 'refTarget', o.refTarget, 'u32', o.refTarget.length);
      add(i, 'objects', 'dangling', o.dangling, 'u32', o.dangling.length);
      // valueStart/valueBytes hold memory contents (string snippets): never saved.
    }
    const at = inp.attribution;
    if (at) {
      const st = at.sites;
      h.tables.attribution = { sites: st.rows };
      addRows(i, 'sites', st);
      addStrings(i, 'siteStrings', st.strings);
      add(i, 'attribution', 'rowSite', at.rowSite, 'u32', at.rowSite.length);
      add(i, 'attribution', 'rowRequested', at.rowRequested, SIZE_TYPES, at.rowRequested.length);
    }
    inputs.push(h);
  });

  // Version 2: snapshots, with the rows each chap list of a snapshot lists.
  const snapshots: SavedHeader['snapshots'] = a.snapshots?.map((snap) => ({
    key: snap.key,
    name: snap.name,
    kind: snap.kind,
    holder: snap.holder,
    sources: snap.sources.map((src, k) => {
      const { listRows, ...rest } = src;
      if (listRows) add(snap.holder, 'sources', `rows${k}`, listRows, 'u32', listRows.length, 'delta');
      return rest;
    }),
  }));

  // Encode: aliases first (same array object or same bytes of the same buffer), then codecs.
  const columns: SavedColumn[] = [];
  const blobs: Uint8Array[] = [];
  let addrDeltas: { dHi: Uint32Array; dLo: Uint32Array } | null = null;
  const isAddr = (c: SavedCodec): boolean => c === 'addr' || c === 'addr-hi';
  for (let k = 0; k < pending.length; k++) {
    const { meta, array } = pending[k];
    const raw = array.byteLength;
    const ref = isAddr(meta.codec)
      ? -1
      : pending.findIndex(
          (p, j) =>
            j < k && !isAddr(p.meta.codec) && p.meta.type === meta.type && p.array.buffer === array.buffer && p.array.byteOffset === array.byteOffset && p.array.length === array.length,
        );
    if (ref >= 0 && array.length > 0) {
      columns.push({ ...meta, codec: 'same', ref, raw, packed: 0 });
      continue;
    }
    let bytes: Uint8Array;
    if (meta.codec === 'addr-hi') {
      // The addrLo partner is always the next pending column.
      addrDeltas = addrEncode(array as Uint32Array, pending[k + 1].array as Uint32Array);
      bytes = shuffle(bytesOf(addrDeltas.dHi), 4);
    } else if (meta.codec === 'addr') {
      bytes = shuffle(bytesOf(addrDeltas!.dLo), 4);
      addrDeltas = null;
    } else if (meta.codec === 'delta') {
      bytes = shuffle(bytesOf(deltaEncode(array as Uint32Array)), 4);
    } else {
      bytes = shuffle(bytesOf(array), ELEMENT_BYTES[meta.type]);
    }
    const packed = deflate(bytes, level);
    blobs.push(packed);
    columns.push({ ...meta, raw, packed: packed.length });
  }

  const header: SavedHeader = { version: SAVED_VERSION, name: a.name, created: a.created, view: a.view, inputs, columns };
  if (snapshots) header.snapshots = snapshots;
  const json = new TextEncoder().encode(JSON.stringify(header));
  const total = 16 + json.length + blobs.reduce((n, b) => n + b.length, 0);
  const out = new Uint8Array(total);
  out.set(SAVED_MAGIC, 0);
  const dv = new DataView(out.buffer);
  dv.setUint32(8, SAVED_VERSION, true);
  dv.setUint32(12, json.length, true);
  out.set(json, 16);
  let at = 16 + json.length;
  for (const b of blobs) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}
