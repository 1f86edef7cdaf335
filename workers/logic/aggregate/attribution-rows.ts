/**
 * The library → function → site summary of a footer attribution from the
 * allocation table's `site` and `requested` columns and the sites table: how the
 * attribution of a core builds its summary, and how a saved analysis (which holds
 * no memory to read footers from) gets it back.
 */
import { isInUse, type AllocationTable, type SizeColumn } from '../../../src/model/allocations.ts';
import { StringTable } from '../../../src/model/strings.ts';
import type { SavedAttribution } from '../../../src/model/saved.ts';
import { footersDetected, type SitesTable } from '../../../src/model/sites.ts';
import { FOOTER_BYTES } from '../formats/malloc-tracer/footer.ts';
import { type FunctionNode, type LibraryNode, type SiteNode, type Sizes } from '../../../src/model/attribution.ts';
import type { AttributionData } from '../../../src/model/attribution.ts';

function zero(): Sizes {
  return { count: 0, user: 0, mem: 0, chunk: 0 };
}

function add(s: Sizes, user: number, chunk: number): void {
  s.count++;
  s.user += user;
  s.mem += chunk - FOOTER_BYTES;
  s.chunk += chunk;
}

const byUser = <T extends { sizes: Sizes }>(a: T, b: T) => b.sizes.user - a.sizes.user;

/** What a footer attribution sums before its tree: per site, the total, the errors, the rows looked at. */
export interface SiteTotals {
  /** Per row of the sites table. */
  siteSizes: Sizes[];
  total: Sizes;
  errors: { count: number; chunk: number };
  checked: number;
}

/** Empty totals for `sites` sites; `addRow` fills them. */
export function siteTotals(sites: number): SiteTotals {
  return { siteSizes: Array.from({ length: sites }, zero), total: zero(), errors: { count: 0, chunk: 0 }, checked: 0 };
}

/** One in-use row: `site` 1 + its row in the sites table (0: no footer, an error), `requested` its footer's, `size` chap's. */
export function addRow(t: SiteTotals, site: number, requested: number, size: number): void {
  t.checked++;
  if (site === 0) {
    t.errors.count++;
    t.errors.chunk += size;
    return;
  }
  add(t.siteSizes[site - 1], requested, size);
  add(t.total, requested, size);
}

/** The library → function → site tree of the totals (sorted by User bytes; ties: first seen first). */
export function attributionTree(t: SiteTotals, sites: SitesTable): Pick<AttributionData, 'total' | 'errors' | 'checked' | 'valid' | 'detected' | 'libraries' | 'sites'> {
  const { siteSizes, total, errors, checked } = t;
  const strings = new StringTable(sites.strings);
  const libs = new Map<string, LibraryNode>();
  const funcs = new Map<string, FunctionNode>();
  let valid = 0;
  for (let id = 0; id < sites.rows; id++) {
    const sz = siteSizes[id];
    if (sz.count === 0) continue;
    if (sites.exec[id]) valid += sz.count;
    const libName = strings.get(sites.lib[id]);
    const funcName = strings.get(sites.func[id]);
    let lib = libs.get(libName);
    if (!lib) libs.set(libName, (lib = { name: libName, sizes: zero(), functions: [] }));
    const fk = `${libName}\u0000${funcName}`;
    let fn = funcs.get(fk);
    if (!fn) {
      funcs.set(fk, (fn = { name: funcName, sizes: zero(), sites: [] }));
      lib.functions.push(fn);
    }
    const site: SiteNode = { id, addr: sites.addr[id], offset: sites.offset[id], sizes: sz };
    fn.sites.push(site);
    for (const into of [fn.sizes, lib.sizes]) {
      into.count += sz.count;
      into.user += sz.user;
      into.mem += sz.mem;
      into.chunk += sz.chunk;
    }
  }
  const libraries = [...libs.values()].sort(byUser);
  for (const l of libraries) {
    l.functions.sort(byUser);
    for (const f of l.functions) f.sites.sort(byUser);
  }
  return { total, errors, checked, valid, detected: footersDetected(checked, valid), libraries, sites };
}

export function attributionFromTable(table: AllocationTable & { site: Uint32Array; requested: SizeColumn }, sites: SitesTable): AttributionData {
  const { site: rowSite, requested: rowRequested } = table;
  const t = siteTotals(sites.rows);
  for (let i = 0; i < table.rows; i++) if (isInUse(table.state[i])) addRow(t, rowSite[i], rowRequested[i], table.size[i]);
  return { ...attributionTree(t, sites), table, rowSite, rowRequested, warnings: [] };
}

/** `attributionFromTable` of a saved analysis's attribution (its per-row columns as the saved format keeps them). */
export function attributionFromRows(table: AllocationTable, saved: SavedAttribution): AttributionData {
  return attributionFromTable({ ...table, site: saved.rowSite, requested: saved.rowRequested }, saved.sites);
}
