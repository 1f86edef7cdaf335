/**
 * "Leave addresses out" of an upload: a copy of a saved analysis whose
 * allocation addresses and raw return addresses are zero, and whose function
 * names that are only an address (`0x7f…`; `module+0xOFFSET` of a site without
 * a symbol) read `(address left out)`. Function names, libraries, sizes,
 * states, classes and offsets in named functions (`+0x3c9`) stay: the flame
 * graph, tables and compare work on the copy; the heap map and inspector have
 * nothing to place. In the header facts (heap regions, arenas, obmalloc arenas,
 * allocator facts), the warnings and the view state, every hexadecimal number of
 * 5 digits or more is taken for an address: a value that is only that number
 * becomes `0x0`, one inside a text `0x…`.
 */
import type { JsonValue, SavedAnalysis, SavedInput, SavedSource } from '../../../src/model/saved.ts';
import type { SitesTable } from '../../../src/model/sites.ts';
import { StringTable, StringTableBuilder } from '../../../src/model/strings.ts';

export { LEFT_OUT, RAW_ADDRESS } from '../../../src/model/site-keys.ts';
import { LEFT_OUT, RAW_ADDRESS } from '../../../src/model/site-keys.ts';

/** The sites with raw return addresses zero and address-only function names replaced (a new string table of the names in use). */
function dropRawNames(sites: SitesTable): SitesTable {
  const t = new StringTable(sites.strings);
  const b = new StringTableBuilder();
  const lib = sites.lib.map((i) => b.intern(t.get(i)));
  const func = sites.func.map((i) => {
    const v = t.get(i);
    return b.intern(RAW_ADDRESS.test(v) ? LEFT_OUT : v);
  });
  return { ...sites, addr: new Float64Array(sites.rows), lib, func, strings: b.freeze() };
}

const WHOLE_ADDRESS = /^0x[0-9a-f]{5,}$/i;
const AN_ADDRESS = /0x[0-9a-f]{5,}/gi;

/** `v` with its addresses left out (see the module comment). */
export function scrubAddresses<T extends JsonValue>(v: T): T {
  if (typeof v === 'string') return (WHOLE_ADDRESS.test(v) ? '0x0' : v.replace(AN_ADDRESS, '0x…')) as T;
  if (Array.isArray(v)) return v.map((x) => scrubAddresses(x)) as T;
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrubAddresses(x)])) as T;
  return v;
}

function facts<T extends { info?: { [k: string]: JsonValue }; warnings?: string[] }>(x: T): T {
  const out: T = { ...x };
  if (x.info) out.info = scrubAddresses(x.info);
  if (x.warnings) out.warnings = x.warnings.map((w) => scrubAddresses(w));
  return out;
}

function input(inp: SavedInput): SavedInput {
  const out: SavedInput = facts(inp);
  if (inp.table) out.table = { ...inp.table, addrHi: new Uint32Array(inp.table.rows), addrLo: new Uint32Array(inp.table.rows) };
  if (inp.attribution) out.attribution = { ...inp.attribution, sites: dropRawNames(inp.attribution.sites) };
  return out;
}

export function dropAddresses(a: SavedAnalysis): SavedAnalysis {
  const out: SavedAnalysis = { ...a, view: scrubAddresses(a.view), inputs: a.inputs.map(input) };
  if (a.snapshots) out.snapshots = a.snapshots.map((s) => ({ ...s, sources: s.sources.map((x: SavedSource) => facts(x)) }));
  return out;
}
