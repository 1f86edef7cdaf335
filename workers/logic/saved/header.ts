/**
 * Reading and checking the fixed prefix and JSON header of a saved analysis
 * (layout in `src/model/saved.ts`). Every problem is reported through `fail`
 * with a message that says what is wrong; nothing here trusts a length or a
 * count from the file before checking it against the buffer.
 */
import {
  ELEMENT_BYTES,
  MAX_HEADER_BYTES,
  SAVED_MAGIC,
  SAVED_VERSIONS_READ,
  type JsonValue,
  type SavedColumn,
  type SavedHeader,
  type SavedInputHeader,
} from '../../../src/model/saved.ts';

/** Raises the caller's error (an `InputError` naming the file). */
export type Fail = (problem: string) => never;

const CODECS = new Set(['shuffle', 'delta', 'addr-hi', 'addr', 'same']);
/** Every element type a column may have (u16: the allocations' `flags`, chap's sets). */
const TYPES = new Set(Object.keys(ELEMENT_BYTES));
const MAX_JSON_DEPTH = 64;

/** True when `bytes` starts with the saved-analysis magic (for sniffing). */
export function hasSavedMagic(bytes: Uint8Array): boolean {
  if (bytes.length < SAVED_MAGIC.length) return false;
  for (let i = 0; i < SAVED_MAGIC.length; i++) if (bytes[i] !== SAVED_MAGIC[i]) return false;
  return true;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function count(v: unknown, what: string, fail: Fail): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(`header: ${what} is not a non-negative integer`);
  return v as number;
}

function text(v: unknown, what: string, fail: Fail): string {
  if (typeof v !== 'string') fail(`header: ${what} is not a string`);
  return v as string;
}

function checkJson(v: unknown, what: string, fail: Fail, depth = 0): JsonValue {
  if (depth > MAX_JSON_DEPTH) fail(`header: ${what} is nested too deeply`);
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v as JsonValue;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) fail(`header: ${what} holds a non-finite number`);
    return v;
  }
  if (Array.isArray(v)) {
    for (const x of v) checkJson(x, what, fail, depth + 1);
    return v as JsonValue;
  }
  if (isObject(v)) {
    for (const x of Object.values(v)) checkJson(x, what, fail, depth + 1);
    return v as JsonValue;
  }
  return fail(`header: ${what} is not JSON`);
}

function checkInput(v: unknown, i: number, fail: Fail): SavedInputHeader {
  const w = `inputs[${i}]`;
  if (!isObject(v)) fail(`header: ${w} is not an object`);
  const o = v as Record<string, unknown>;
  const h: SavedInputHeader = {
    name: text(o.name, `${w}.name`, fail),
    format: text(o.format, `${w}.format`, fail),
    size: count(o.size, `${w}.size`, fail),
    rows: count(o.rows, `${w}.rows`, fail),
    tables: {},
  };
  if (o.info !== undefined) {
    if (!isObject(o.info)) fail(`header: ${w}.info is not an object`);
    h.info = checkJson(o.info, `${w}.info`, fail) as { [k: string]: JsonValue };
  }
  if (o.warnings !== undefined) {
    if (!Array.isArray(o.warnings)) fail(`header: ${w}.warnings is not a list`);
    h.warnings = (o.warnings as unknown[]).map((x, k) => text(x, `${w}.warnings[${k}]`, fail));
  }
  if (!isObject(o.tables)) fail(`header: ${w}.tables is not an object`);
  const t = o.tables as Record<string, unknown>;
  for (const k of Object.keys(t)) if (!['allocations', 'tracemalloc', 'objects', 'attribution'].includes(k)) fail(`header: ${w}.tables has unknown table "${k}"`);
  const group = (k: string): Record<string, unknown> | undefined => {
    if (t[k] === undefined) return undefined;
    if (!isObject(t[k])) fail(`header: ${w}.tables.${k} is not an object`);
    return t[k] as Record<string, unknown>;
  };
  const al = group('allocations');
  if (al) h.tables.allocations = { rows: count(al.rows, `${w}.tables.allocations.rows`, fail) };
  const tm = group('tracemalloc');
  if (tm) {
    const p = `${w}.tables.tracemalloc`;
    if (!Array.isArray(tm.domains)) fail(`header: ${p}.domains is not a list`);
    h.tables.tracemalloc = {
      file: text(tm.file, `${p}.file`, fail),
      tracebackLimit: count(tm.tracebackLimit, `${p}.tracebackLimit`, fail),
      domains: (tm.domains as unknown[]).map((d, k) => count(d, `${p}.domains[${k}]`, fail)),
      traces: count(tm.traces, `${p}.traces`, fail),
      stacks: count(tm.stacks, `${p}.stacks`, fail),
      frames: count(tm.frames, `${p}.frames`, fail),
    };
  }
  const ob = group('objects');
  if (ob) h.tables.objects = { rows: count(ob.rows, `${w}.tables.objects.rows`, fail), missingRefs: count(ob.missingRefs, `${w}.tables.objects.missingRefs`, fail) };
  const at = group('attribution');
  if (at) h.tables.attribution = { sites: count(at.sites, `${w}.tables.attribution.sites`, fail) };
  return h;
}

function checkColumn(v: unknown, k: number, inputs: number, fail: Fail): SavedColumn {
  const w = `columns[${k}]`;
  if (!isObject(v)) fail(`header: ${w} is not an object`);
  const o = v as Record<string, unknown>;
  const c: SavedColumn = {
    input: count(o.input, `${w}.input`, fail),
    table: text(o.table, `${w}.table`, fail),
    name: text(o.name, `${w}.name`, fail),
    type: text(o.type, `${w}.type`, fail) as SavedColumn['type'],
    count: count(o.count, `${w}.count`, fail),
    codec: text(o.codec, `${w}.codec`, fail) as SavedColumn['codec'],
    raw: count(o.raw, `${w}.raw`, fail),
    packed: count(o.packed, `${w}.packed`, fail),
  };
  if (c.input >= inputs) fail(`header: ${w} refers to input ${c.input} of ${inputs}`);
  if (!TYPES.has(c.type)) fail(`header: ${w} has unknown element type "${c.type}"`);
  if (!CODECS.has(c.codec)) fail(`header: ${w} has unknown codec "${c.codec}"`);
  if (c.raw !== c.count * ELEMENT_BYTES[c.type]) fail(`header: ${w} (${c.table}.${c.name}) declares ${c.raw} bytes for ${c.count} ${c.type} elements`);
  if (c.codec === 'same') {
    const ref = count(o.ref, `${w}.ref`, fail);
    if (ref >= k) fail(`header: ${w} refers to a later column`);
    if (c.packed !== 0) fail(`header: ${w} is an alias but has stored data`);
    c.ref = ref;
  } else if (c.packed === 0) fail(`header: ${w} (${c.table}.${c.name}) has no stored data`);
  if ((c.codec === 'delta' || c.codec === 'addr' || c.codec === 'addr-hi') && c.type !== 'u32') fail(`header: ${w} uses codec ${c.codec} on ${c.type} elements`);
  return c;
}

/** Where the header ends and the column blobs start, plus the checked header. */
export interface ParsedPrefix {
  header: SavedHeader;
  dataStart: number;
}

function checkSnapshot(v: unknown, i: number, holders: number, fail: Fail): NonNullable<SavedHeader['snapshots']>[number] {
  const w = `snapshots[${i}]`;
  if (!isObject(v)) fail(`header: ${w} is not an object`);
  const o = v as Record<string, unknown>;
  const holder = count(o.holder, `${w}.holder`, fail);
  if (holder >= holders) fail(`header: ${w} refers to holder ${holder} of ${holders}`);
  if (!Array.isArray(o.sources)) fail(`header: ${w}.sources is not a list`);
  const sources = (o.sources as unknown[]).map((x, k) => {
    const sw = `${w}.sources[${k}]`;
    if (!isObject(x)) fail(`header: ${sw} is not an object`);
    const so = x as Record<string, unknown>;
    const src: NonNullable<SavedHeader['snapshots']>[number]['sources'][number] = {
      name: text(so.name, `${sw}.name`, fail),
      format: text(so.format, `${sw}.format`, fail),
      size: count(so.size, `${sw}.size`, fail),
      rows: count(so.rows, `${sw}.rows`, fail),
      as: text(so.as, `${sw}.as`, fail),
    };
    if (so.set !== undefined) src.set = text(so.set, `${sw}.set`, fail);
    if (so.info !== undefined) {
      if (!isObject(so.info)) fail(`header: ${sw}.info is not an object`);
      src.info = checkJson(so.info, `${sw}.info`, fail) as { [k: string]: JsonValue };
    }
    if (so.warnings !== undefined) {
      if (!Array.isArray(so.warnings)) fail(`header: ${sw}.warnings is not a list`);
      src.warnings = (so.warnings as unknown[]).map((m, j) => text(m, `${sw}.warnings[${j}]`, fail));
    }
    return src;
  });
  return { key: text(o.key, `${w}.key`, fail), name: text(o.name, `${w}.name`, fail), kind: text(o.kind, `${w}.kind`, fail), holder, sources };
}

/** Checks magic, version and header of `bytes`; throws through `fail` on any problem. */
export function parsePrefix(bytes: Uint8Array, fail: Fail): ParsedPrefix {
  if (bytes.length === 0) fail('empty file: not a saved analysis');
  if (!hasSavedMagic(bytes)) fail('not a saved Heapscope analysis (wrong magic bytes)');
  if (bytes.length < 16) fail(`truncated: ${bytes.length} bytes, the fixed header alone is 16`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(8, true);
  if (!(SAVED_VERSIONS_READ as readonly number[]).includes(version)) fail(`format version ${version} is not supported (this Heapscope reads versions ${SAVED_VERSIONS_READ.join(' and ')})`);
  const hl = dv.getUint32(12, true);
  if (hl > MAX_HEADER_BYTES) fail(`header of ${hl} bytes is larger than the ${MAX_HEADER_BYTES} allowed`);
  if (16 + hl > bytes.length) fail(`truncated: header of ${hl} bytes but only ${bytes.length - 16} follow`);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(16, 16 + hl)));
  } catch (e) {
    fail(`header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (!isObject(raw)) fail('header is not a JSON object');
  const o = raw as Record<string, unknown>;
  if (o.version !== version) fail(`header version ${String(o.version)} differs from the file's version ${version}`);
  if (!Array.isArray(o.inputs)) fail('header: inputs is not a list');
  if (!Array.isArray(o.columns)) fail('header: columns is not a list');
  const inputs = (o.inputs as unknown[]).map((x, i) => checkInput(x, i, fail));
  const header: SavedHeader = {
    version,
    name: text(o.name, 'name', fail),
    created: text(o.created, 'created', fail),
    view: checkJson(o.view === undefined ? null : o.view, 'view', fail),
    inputs,
    columns: (o.columns as unknown[]).map((x, k) => checkColumn(x, k, inputs.length, fail)),
  };
  if (o.snapshots !== undefined) {
    if (version < 2) fail('header: snapshots in a version 1 file');
    if (!Array.isArray(o.snapshots)) fail('header: snapshots is not a list');
    header.snapshots = (o.snapshots as unknown[]).map((x, i) => checkSnapshot(x, i, inputs.length, fail));
  }
  return { header, dataStart: 16 + hl };
}
