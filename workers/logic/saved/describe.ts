/**
 * What an upload would send, listed for the user before it leaves the browser,
 * and optional path redaction. `describeForUpload` reports every string the
 * saved file holds, by role (type names, function names, file paths, library
 * names, object names, header text), with the size of every table;
 * `redactPaths` returns a copy whose file paths keep only their base name.
 */
import { packStrings, StringTable, type StringTableData } from '../../../src/model/strings.ts';
import { savedFiles, type JsonValue, type SavedAnalysis, type SavedInput } from '../../../src/model/saved.ts';

/** One table that would be uploaded. */
export interface UploadTable {
  input: string;
  table: 'allocations' | 'tracemalloc' | 'objects' | 'attribution';
  rows: number;
  /** Bytes of its columns before compression. */
  bytes: number;
}

/** Everything that leaves the browser on upload (distinct strings, sorted). */
export interface UploadDescription {
  name: string;
  created: string;
  inputs: { name: string; format: string; size: number; rows: number }[];
  tables: UploadTable[];
  /** Allocation type names (C++ classes, chap signatures / patterns, Python types). */
  typeNames: string[];
  /** Function names (footer attribution sites). */
  functionNames: string[];
  /** File paths (tracemalloc frames) and library paths (attribution sites). */
  filePaths: string[];
  /** meliae object names (modules, functions, classes). */
  objectNames: string[];
  /** Strings stored in a string table but used by none of the roles above. */
  otherStrings: string[];
  /** Strings in the header: input info, warnings, the view state. */
  headerText: string[];
  /** Allocation addresses are included (they are part of the allocation table). */
  addresses: boolean;
}

function stringsOf(s: StringTableData, ids: ArrayLike<number>, into: Set<string>): void {
  const t = new StringTable(s);
  const done = new Uint8Array(t.size);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id > 0 && id < t.size && !done[id]) {
      done[id] = 1;
      into.add(t.get(id));
    }
  }
}

function jsonStrings(v: JsonValue | undefined, into: Set<string>): void {
  if (typeof v === 'string') into.add(v);
  else if (Array.isArray(v)) for (const x of v) jsonStrings(x, into);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) {
    into.add(k);
    jsonStrings(x, into);
  }
}

const bytesOfAll = (...cols: (ArrayBufferView | undefined)[]): number => cols.reduce((n, c) => n + (c?.byteLength ?? 0), 0);
const sorted = (s: Set<string>): string[] => [...s].sort();

/** Lists exactly what `saveAnalysis(a)` would put in the file (see `UploadDescription`). */
export function describeForUpload(a: SavedAnalysis): UploadDescription {
  const types = new Set<string>();
  const funcs = new Set<string>();
  const paths = new Set<string>();
  const objects = new Set<string>();
  const header = new Set<string>();
  const tables: UploadTable[] = [];
  let addresses = false;
  const allTables: StringTableData[] = [];
  jsonStrings(a.view, header);
  // Version 2: the files that formed each snapshot, with their facts and warnings.
  for (const sn of a.snapshots ?? []) {
    header.add(sn.name);
    for (const src of sn.sources) {
      header.add(src.name);
      jsonStrings(src.info, header);
      for (const w of src.warnings ?? []) header.add(w);
    }
  }
  for (const inp of a.inputs) {
    jsonStrings(inp.info, header);
    for (const w of inp.warnings ?? []) header.add(w);
    const t = inp.table;
    for (const st of [t?.strings, inp.tracemalloc?.strings, inp.attribution?.sites.strings]) if (st && !allTables.some((x) => x.bytes === st.bytes)) allTables.push(st);
    if (t) {
      stringsOf(t.strings, t.type, types);
      tables.push({ input: inp.name, table: 'allocations', rows: t.rows, bytes: bytesOfAll(t.addrHi, t.addrLo, t.size, t.state, t.type, t.requested, t.site, t.region, t.strings.bytes, t.strings.offsets) });
      for (let i = 0; i < t.rows && !addresses; i++) addresses = t.addrHi[i] !== 0 || t.addrLo[i] !== 0;
    }
    const s = inp.tracemalloc;
    if (s) {
      stringsOf(s.strings, s.frames.file, paths);
      header.add(s.file);
      tables.push({
        input: inp.name,
        table: 'tracemalloc',
        rows: s.traces.rows,
        bytes: bytesOfAll(s.traces.size, s.traces.domain, s.traces.stack, s.traces.totalFrames, s.stacks.frame, s.stacks.parent, s.stacks.depth, s.frames.file, s.frames.line, s.strings.bytes, s.strings.offsets),
      });
    }
    const o = inp.objects;
    if (o && t) {
      stringsOf(t.strings, o.name, objects);
      tables.push({ input: inp.name, table: 'objects', rows: o.rows, bytes: bytesOfAll(o.name, o.len, o.refStart, o.refTarget, o.dangling) });
    }
    const at = inp.attribution;
    if (at) {
      stringsOf(at.sites.strings, at.sites.func, funcs);
      stringsOf(at.sites.strings, at.sites.lib, paths);
      const st = at.sites;
      tables.push({ input: inp.name, table: 'attribution', rows: st.rows, bytes: bytesOfAll(st.addr, st.lib, st.func, st.offset, st.strings.bytes, st.strings.offsets, at.rowSite, at.rowRequested) });
    }
  }
  const other = new Set<string>();
  for (const st of allTables) {
    const t = new StringTable(st);
    for (let id = 1; id < t.size; id++) {
      const v = t.get(id);
      if (!types.has(v) && !funcs.has(v) && !paths.has(v) && !objects.has(v)) other.add(v);
    }
  }
  return {
    name: a.name,
    created: a.created,
    inputs: savedFiles(a),
    tables,
    typeNames: sorted(types),
    functionNames: sorted(funcs),
    filePaths: sorted(paths),
    objectNames: sorted(objects),
    otherStrings: sorted(other),
    headerText: sorted(header),
    addresses,
  };
}

const ABSOLUTE = /^(?:\/|~\/|\.\.?\/|[A-Za-z]:[\\/]|\\\\)/;

/**
 * Replaces the directory part of a path with `…/`, keeping the base name and
 * whatever follows it (`/a/b/c.py:12` → `…/c.py:12`, `/usr/lib/libx.so+0x10` →
 * `…/libx.so+0x10`). With `anyPath` false (free text), only strings that start
 * like a path (`/`, `~/`, `./`, `../`, `C:\`, `\\`) are changed; with true
 * (known file-path roles) any string with a `/` or `\` is.
 */
export function redactPath(s: string, anyPath = false): string {
  if (!anyPath && !ABSOLUTE.test(s)) return s;
  const cut = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
  if (cut < 0) return s;
  return `…/${s.slice(cut + 1)}`;
}

function redactJson(v: JsonValue): JsonValue {
  if (typeof v === 'string') return redactPath(v);
  if (Array.isArray(v)) return v.map(redactJson);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactJson(x)]));
  return v;
}

/** A copy of a string table whose strings at `ids` (a role that holds paths) are redacted; ids keep their meaning. */
function redactTable(s: StringTableData, roles: ArrayLike<number>[]): StringTableData {
  const t = new StringTable(s);
  const mark = new Uint8Array(t.size);
  for (const ids of roles) for (let i = 0; i < ids.length; i++) if (ids[i] < t.size) mark[ids[i]] = 1;
  // Rebuilt in id order (not re-interned): redaction may make two strings equal, ids must not move.
  const list: string[] = [];
  for (let id = 0; id < t.size; id++) list.push(mark[id] ? redactPath(t.get(id), true) : t.get(id));
  return freezeList(list);
}

/** Freezes `list` keeping one id per position even when strings repeat, in plain buffers (the table is saved or uploaded). */
function freezeList(list: string[]): StringTableData {
  return packStrings(list, (n) => new ArrayBuffer(n));
}

/**
 * A copy of `a` with directory parts of file paths replaced by `…/`: tracemalloc
 * frame files, attribution library names and `module+0x…` function names,
 * path-looking strings in input info, warnings and the view state. Type names,
 * function names and every number are kept; all tables keep their ids.
 */
/** A warning with the directory parts of the paths in it replaced by `…/`. */
function redactWarning(w: string): string {
  return w.replace(/(?:\/|[A-Za-z]:\\)[^\s:'"]*[\\/]/g, '…/');
}

export function redactPaths(a: SavedAnalysis): SavedAnalysis {
  const inputs: SavedInput[] = a.inputs.map((inp) => {
    const out: SavedInput = { ...inp, name: redactPath(inp.name, true) };
    if (inp.info) out.info = redactJson(inp.info) as { [k: string]: JsonValue };
    if (inp.warnings) out.warnings = inp.warnings.map(redactWarning);
    if (inp.tracemalloc) {
      const s = inp.tracemalloc;
      const strings = redactTable(s.strings, [s.frames.file]);
      out.tracemalloc = { ...s, file: redactPath(s.file, true), strings };
      // The per-trace allocation view shares the snapshot's strings: redact it alike.
      if (inp.table && inp.table.strings.bytes === s.strings.bytes) out.table = { ...inp.table, strings };
    }
    if (inp.attribution) {
      const at = inp.attribution;
      out.attribution = { ...at, sites: { ...at.sites, strings: redactTable(at.sites.strings, [at.sites.lib]) } };
      // Function names of the form `path+0xOFF` (no symbol) carry a path too.
      const st = new StringTable(out.attribution.sites.strings);
      const list: string[] = [];
      for (let id = 0; id < st.size; id++) list.push(st.get(id));
      let changed = false;
      for (let i = 0; i < at.sites.rows; i++) {
        const id = at.sites.func[i];
        const r = redactPath(list[id]);
        if (r !== list[id]) {
          list[id] = r;
          changed = true;
        }
      }
      if (changed) out.attribution.sites.strings = freezeList(list);
    }
    return out;
  });
  const snapshots = a.snapshots?.map((sn) => ({
    ...sn,
    name: redactPath(sn.name, true),
    sources: sn.sources.map((src) => ({
      ...src,
      name: redactPath(src.name, true),
      ...(src.info ? { info: redactJson(src.info) as { [k: string]: JsonValue } } : {}),
      ...(src.warnings ? { warnings: src.warnings.map(redactWarning) } : {}),
    })),
  }));
  return { ...a, view: redactJson(a.view), inputs, ...(snapshots ? { snapshots } : {}) };
}
