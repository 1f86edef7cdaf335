/**
 * `loadAnalysis`: bytes of a saved analysis back to a `SavedAnalysis`, refusing
 * anything malformed or hostile with an `InputError` that names the file:
 * unknown magic or version, lengths beyond the buffer, declared sizes over the
 * limit, column counts inconsistent with row counts, streams that inflate to
 * more than declared, offsets that decrease, ids out of range. Columns are
 * decoded into shared memory (`allocShared`) like a reader's tables.
 */
import { sizeColumnBuilder, type AllocationTable, type IdColumn, type SizeColumn } from '../../../src/model/allocations.ts';
import { allocShared } from '../../../src/model/columns.ts';
import type { ObjectTable } from '../../../src/model/objects.ts';
import {
  DEFAULT_MAX_DECODED_BYTES,
  ELEMENT_BYTES,
  ID_TYPES,
  ROW_TABLES,
  SIZE_TYPES,
  type RowColumns,
  type RowTableName,
  type SavedAnalysis,
  type SavedColumn,
  type SavedElement,
  type SavedInput,
} from '../../../src/model/saved.ts';
import type { StringTableData } from '../../../src/model/strings.ts';
import { InputError } from '../io/errors.ts';
import { addrDecode, deltaDecode, InflateError, inflateInto, unshuffle } from './codec.ts';
import { parsePrefix, type Fail } from './header.ts';
import { checkAllocations, checkAttribution, checkIds, checkObjects, checkTracemalloc } from './validate.ts';
import { StringTable } from '../../../src/model/strings.ts';
import { UNKNOWN_LIB } from '../symbols/resolve.ts';
import type { SitesTable } from '../../../src/model/sites.ts';

function execFromNames(sites: SitesTable): Uint8Array {
  const names = new StringTable(sites.strings);
  const out = new Uint8Array(allocShared(Math.max(1, sites.rows)), 0, sites.rows);
  for (let i = 0; i < sites.rows; i++) out[i] = names.get(sites.lib[i]) === UNKNOWN_LIB ? 0 : 1;
  return out;
}

type Column = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;

/**
 * A saved `rowRequested` as the attribution holds it: NaN (no footer, in files saved before 2026-12-03) read as 0,
 * in a Uint32 column unless a value needs Float64 (a value that is not a whole number ≥ 0 stays, for the checks).
 */
function requestedOf(v: SizeColumn): SizeColumn {
  if (!(v instanceof Float64Array)) return v;
  const b = sizeColumnBuilder(v.length);
  b.length = v.length;
  for (let i = 0; i < v.length; i++) if (!Number.isNaN(v[i])) b.set(i, v[i]);
  return b.freeze() as SizeColumn;
}

/** Options of `loadAnalysis`. */
export interface LoadOptions {
  /** Name used in error messages (default "saved analysis"). */
  name?: string;
  /** Largest total of decoded column bytes accepted (default 1 GiB). */
  maxDecodedBytes?: number;
}

const CTORS: Record<SavedElement, new (b: ArrayBufferLike, o: number, n: number) => Column> = {
  u8: Uint8Array,
  u16: Uint16Array,
  u32: Uint32Array,
  i32: Int32Array,
  f64: Float64Array,
};

/** Decodes and checks a saved analysis. */
export async function loadAnalysis(bytes: Uint8Array, opts: LoadOptions = {}): Promise<SavedAnalysis> {
  const file = opts.name ?? 'saved analysis';
  const fail: Fail = (problem) => {
    throw new InputError(file, problem);
  };
  const limit = opts.maxDecodedBytes ?? DEFAULT_MAX_DECODED_BYTES;
  const { header, dataStart } = parsePrefix(bytes, fail);
  const cols = header.columns;

  // Sizes first: stored data covers the rest exactly, decoded total under the limit.
  let packedTotal = 0;
  let rawTotal = 0;
  for (const c of cols) {
    packedTotal += c.packed;
    if (c.codec !== 'same') rawTotal += c.raw;
  }
  const available = bytes.length - dataStart;
  if (packedTotal > available) fail(`truncated: columns need ${packedTotal} bytes after the header, ${available} present`);
  if (packedTotal < available) fail(`${available - packedTotal} unexpected bytes after the last column`);
  if (rawTotal > limit) fail(`columns would decode to ${rawTotal} bytes, over the limit of ${limit}`);

  // Decode every column (aliases share the array of the column they name).
  const arrays: Column[] = [];
  const seen = new Set<string>();
  let at = dataStart;
  for (let k = 0; k < cols.length; k++) {
    const c = cols[k];
    const key = `${c.input}/${c.table}/${c.name}`;
    if (seen.has(key)) fail(`column ${c.table}.${c.name} of input ${c.input} appears twice`);
    seen.add(key);
    if (c.codec === 'same') {
      const r = cols[c.ref!];
      if (r.type !== c.type || r.count !== c.count || r.codec === 'addr' || r.codec === 'addr-hi') fail(`column ${c.table}.${c.name} is an alias of an incompatible column`);
      arrays.push(arrays[c.ref!]);
      continue;
    }
    const width = ELEMENT_BYTES[c.type];
    const out = new CTORS[c.type](allocShared(Math.max(width, c.raw)), 0, c.count);
    const outBytes = new Uint8Array(out.buffer, 0, c.raw);
    const tmp = width === 1 ? outBytes : new Uint8Array(c.raw);
    try {
      inflateInto(bytes.subarray(at, at + c.packed), tmp);
    } catch (e) {
      if (e instanceof InflateError) fail(`column ${c.table}.${c.name} of input ${c.input}: ${e.message}`);
      throw e;
    }
    if (width > 1) unshuffle(tmp, width, outBytes);
    at += c.packed;
    if (c.codec === 'delta') deltaDecode(out as Uint32Array);
    if (c.codec === 'addr') {
      const h = cols[k - 1];
      if (!h || h.codec !== 'addr-hi' || h.input !== c.input || h.count !== c.count) fail(`column ${c.table}.${c.name}: address column without its high half`);
      addrDecode(arrays[k - 1] as Uint32Array, out as Uint32Array);
    } else if (c.codec === 'addr-hi' && cols[k + 1]?.codec !== 'addr') fail(`column ${c.table}.${c.name}: high address half without its low half`);
    arrays.push(out);
  }

  // Assemble each input's tables; every column must be claimed.
  const byKey = new Map<string, { col: SavedColumn; array: Column }>();
  cols.forEach((col, k) => byKey.set(`${col.input}/${col.table}/${col.name}`, { col, array: arrays[k] }));
  const inputs: SavedInput[] = header.inputs.map((h, i) => {
    /** `type`: the element type, or the types a narrow column may have been saved as. */
    const take = <T extends Column>(table: string, name: string, type: SavedElement | readonly SavedElement[], count: number | null, optional = false): T | undefined => {
      const key = `${i}/${table}/${name}`;
      const e = byKey.get(key);
      if (!e) {
        if (optional) return undefined;
        fail(`input ${i} (${h.name}): column ${table}.${name} is missing`);
      }
      byKey.delete(key);
      if (typeof type === 'string' ? e!.col.type !== type : !type.includes(e!.col.type as never)) fail(`input ${i} (${h.name}): column ${table}.${name} is ${e!.col.type}, ${typeof type === 'string' ? type : type.join(' or ')} expected`);
      if (count !== null && e!.col.count !== count) fail(`input ${i} (${h.name}): column ${table}.${name} has ${e!.col.count} rows, ${count} declared`);
      return e!.array as T;
    };
    /** Every column of a row table (`ROW_TABLES`), `rows` long; an `optional` column that is absent is empty. */
    const takeRows = <T extends RowTableName>(table: T, rows: number, optional?: string): RowColumns<T> & { rows: number } => {
      const out: Record<string, unknown> = { rows };
      for (const [name, type] of Object.entries(ROW_TABLES[table]) as [string, SavedElement][]) {
        out[name] = take(table, name, type, rows, name === optional) ?? new CTORS[type](new ArrayBuffer(0), 0, 0);
      }
      return out as RowColumns<T> & { rows: number };
    };
    const strings = (table: string): StringTableData => {
      const bytes = take<Uint8Array>(table, 'bytes', 'u8', null)!;
      const offsets = take<Uint32Array>(table, 'offsets', 'u32', null)!;
      return { bytes, offsets };
    };
    const what = `input ${i} (${h.name})`;
    const inp: SavedInput = { name: h.name, format: h.format, size: h.size, rows: h.rows };
    if (h.info) inp.info = h.info;
    if (h.warnings) inp.warnings = h.warnings;
    const al = h.tables.allocations;
    if (al) {
      const n = al.rows;
      const t: AllocationTable = {
        rows: n,
        addrHi: take('allocations', 'addrHi', 'u32', n)!,
        addrLo: take('allocations', 'addrLo', 'u32', n)!,
        size: take<SizeColumn>('allocations', 'size', SIZE_TYPES, n)!,
        state: take('allocations', 'state', 'u8', n)!,
        type: take<IdColumn>('allocations', 'type', ID_TYPES, n)!,
        strings: strings('strings'),
      };
      const requested = take<SizeColumn>('allocations', 'requested', SIZE_TYPES, n, true);
      const site = take<Uint32Array>('allocations', 'site', 'u32', n, true);
      const region = take<IdColumn>('allocations', 'region', ID_TYPES, n, true);
      const flags = take<Uint16Array>('allocations', 'flags', 'u16', n, true);
      if (requested) t.requested = requested;
      if (flags) t.flags = flags;
      if (site) t.site = site;
      if (region) t.region = region;
      checkAllocations(t, what, fail);
      inp.table = t;
    }
    const tm = h.tables.tracemalloc;
    if (tm) {
      const s = {
        file: tm.file,
        traces: takeRows('traces', tm.traces),
        stacks: takeRows('stacks', tm.stacks),
        frames: takeRows('frames', tm.frames),
        strings: strings('tmStrings'),
        tracebackLimit: tm.tracebackLimit,
        domains: tm.domains,
      };
      checkTracemalloc(s, `${what} tracemalloc`, fail);
      inp.tracemalloc = s;
    }
    const ob = h.tables.objects;
    if (ob) {
      if (!inp.table || inp.table.rows !== ob.rows) fail(`${what}: object table of ${ob.rows} rows without an allocation table of as many`);
      const n = ob.rows;
      const refStart = take<Uint32Array>('objects', 'refStart', 'u32', n + 1)!;
      const o: ObjectTable = {
        rows: n,
        name: take('objects', 'name', 'u32', n)!,
        len: take('objects', 'len', 'f64', n)!,
        refStart,
        refTarget: take('objects', 'refTarget', 'u32', null)!,
        dangling: take('objects', 'dangling', 'u32', null)!,
        valueStart: new Uint32Array(allocShared((n + 1) * 4)),
        valueBytes: new Uint8Array(allocShared(1), 0, 0),
        missingRefs: ob.missingRefs,
      };
      checkObjects(o, inp.table!.strings.offsets.length - 1, `${what} objects`, fail);
      inp.objects = o;
    }
    const at = h.tables.attribution;
    if (at) {
      if (!inp.table) fail(`${what}: attribution without an allocation table`);
      const n = inp.table!.rows;
      const a = {
        sites: { ...takeRows('sites', at.sites, 'exec'), strings: strings('siteStrings') },
        rowSite: take<Uint32Array>('attribution', 'rowSite', 'u32', n)!,
        rowRequested: requestedOf(take<SizeColumn>('attribution', 'rowRequested', SIZE_TYPES, n)!),
      };
      // Version 1 kept no "executable" mark: a site of a known module counts as valid, "Unknown lib" not.
      if (a.sites.exec.length !== a.sites.rows) a.sites.exec = execFromNames(a.sites);
      checkAttribution(a, `${what} attribution`, fail);
      inp.attribution = a;
    }
    return inp;
  });
  // Version 2: snapshots, each naming its holder and the rows its chap lists list.
  let snapshots: SavedAnalysis['snapshots'];
  if (header.snapshots) {
    snapshots = header.snapshots.map((sn, i) => {
      if (sn.holder >= inputs.length) fail(`snapshot ${i} (${sn.name}) refers to holder ${sn.holder} of ${inputs.length}`);
      const rows = inputs[sn.holder].table?.rows ?? 0;
      return {
        ...sn,
        sources: sn.sources.map((src, k) => {
          const key = `${sn.holder}/sources/rows${k}`;
          const e = byKey.get(key);
          if (!e) return { ...src };
          byKey.delete(key);
          if (e.col.type !== 'u32') fail(`snapshot ${i} (${sn.name}): rows of source ${k} are ${e.col.type}, u32 expected`);
          checkIds(e.array as Uint32Array, rows, `snapshot ${i} (${sn.name}) source ${k} rows`, fail);
          return { ...src, listRows: e.array as Uint32Array };
        }),
      };
    });
  }
  if (byKey.size) {
    const [first] = byKey.values();
    fail(`column ${first.col.table}.${first.col.name} of input ${first.col.input} belongs to no declared table`);
  }
  const out: SavedAnalysis = { name: header.name, created: header.created, view: header.view, inputs };
  if (snapshots) out.snapshots = snapshots;
  return out;
}
