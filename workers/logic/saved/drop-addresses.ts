/**
 * "Leave addresses out" of an upload: a copy of a saved analysis whose
 * allocation addresses and raw return addresses are zero, and whose function
 * names that are only an address (`0x7f…`; `module+0xOFFSET` of a site without
 * a symbol) read `(address left out)`. Function names, libraries, sizes,
 * states, classes and offsets in named functions (`+0x3c9`) stay: the flame
 * graph, tables and compare work on the copy; the heap map and inspector have
 * nothing to place. Header facts (heap regions, arenas) are not changed.
 */
import type { SavedAnalysis, SavedInput } from '../../../src/model/saved.ts';
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

function input(inp: SavedInput): SavedInput {
  const out: SavedInput = { ...inp };
  if (inp.table) out.table = { ...inp.table, addrHi: new Uint32Array(inp.table.rows), addrLo: new Uint32Array(inp.table.rows) };
  if (inp.attribution) out.attribution = { ...inp.attribution, sites: dropRawNames(inp.attribution.sites) };
  return out;
}

export function dropAddresses(a: SavedAnalysis): SavedAnalysis {
  return { ...a, inputs: a.inputs.map(input) };
}
