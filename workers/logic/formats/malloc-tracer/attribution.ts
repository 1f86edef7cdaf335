/**
 * malloc_tracer footer attribution (the footer format: `footer.ts`).
 *
 * For every in-use allocation of the table (chap's list or the heap walk) this
 * reads the footer from the core and sums, per return address, function and
 * library: count, User (requested), Mem (usable − 16) and Chunk (usable) bytes.
 *
 * Like malloc_tracer's gdb plugin: a footer whose requested size is not below
 * the usable size (or that cannot be read) is an error and is left out of the
 * totals; a footer whose return address is in no mapped file goes to
 * "Unknown lib". The footer counts as *valid* (detection) when its return
 * address lies in an executable range of a module.
 */
import { addressOrder, isInUse, type AllocationTable } from '../../../../src/model/allocations.ts';
import { allocShared } from '../../../../src/model/columns.ts';
import { StringTableBuilder } from '../../../../src/model/strings.ts';
import type { SitesTable } from '../../../../src/model/sites.ts';
import type { AttributionData } from '../../../../src/model/attribution.ts';
import type { Binary } from '../elf/binary.ts';
import type { ProcessMemory } from '../elf/memory.ts';
import { attributionFromTable } from '../../aggregate/attribution-rows.ts';
import { loadModules, type ModuleMap } from '../../symbols/modules.ts';
import { resolveAddress } from '../../symbols/resolve.ts';
import { FOOTER_BYTES, footerRequested, footerReturn } from './footer.ts';
import { StageMeter, type ReadControl } from '../../io/stream.ts';

const WINDOW = 1 << 20;
/** Rows between two cancel checks / progress reports (no await per allocation). */
const BATCH = 1 << 16;

/** `AttributionData` with the module map it named the sites with (kept to name more addresses later). */
export interface Attribution extends AttributionData {
  modules: ModuleMap;
}

/**
 * Attributes every in-use allocation of `table` to its malloc caller, reading
 * footers from `core` and naming callers with `binaries` (matched to the core's
 * mappings by build-id, else by file name) or the core's own `.dynsym`.
 */
export async function attribute(core: ProcessMemory, table: AllocationTable, binaries: readonly Binary[] = []): Promise<Attribution> {
  return attributeWithModules(core, table, await loadModules(core, binaries));
}

/** `attribute` with a module map already built (reuse it across tables of the same core). */
export async function attributeWithModules(core: ProcessMemory, table: AllocationTable, modules: ModuleMap, ctl?: ReadControl, file = ''): Promise<Attribution> {
  const n = table.rows;
  // Progress is rows looked at, in batches (the cancel flag is read once per batch).
  const meter = ctl ? new StageMeter(ctl, file, 'attribution', n, 'items') : undefined;
  const rowSite = new Uint32Array(allocShared(Math.max(1, n) * 4), 0, n);
  const rowRequested = new Float64Array(allocShared(Math.max(1, n) * 8), 0, n).fill(NaN);
  const order = addressOrder(table);
  const readableEnd = (core as ProcessMemory & { readableEnd?(a: number): number }).readableEnd?.bind(core);

  let win: Uint8Array | null = null;
  /** The window buffer, reused (footers are read one window at a time). */
  let scratch: Uint8Array | null = null;
  let winStart = 0;
  let winEnd = 0;
  let dv: DataView | null = null;

  const siteOf = new Map<number, number>();
  const siteAddr: number[] = [];

  for (let k = 0; k < n; k++) {
    if ((k & (BATCH - 1)) === 0) meter?.at(k);
    const row = order ? order[k] : k;
    if (!isInUse(table.state[row])) continue;
    const size = table.size[row];
    const addr = table.addrHi[row] * 4294967296 + table.addrLo[row];
    const at = addr + size - FOOTER_BYTES;
    if (size < FOOTER_BYTES || at > Number.MAX_SAFE_INTEGER) continue; // too small for a footer: an error
    if (!win || at < winStart || at + FOOTER_BYTES > winEnd) {
      let len = WINDOW;
      if (readableEnd) len = Math.min(WINDOW, readableEnd(at) - at);
      win = len >= FOOTER_BYTES ? await (core.readInto ? core.readInto(at, (scratch ??= new Uint8Array(WINDOW)).subarray(0, len)) : core.read(at, len)) : null;
      if (!win && !readableEnd) win = await core.read(at, FOOTER_BYTES);
      if (win) {
        winStart = at;
        winEnd = at + win.length;
        dv = new DataView(win.buffer, win.byteOffset, win.byteLength);
      }
    }
    if (!win || !dv) continue; // unreadable footer: an error
    const o = at - winStart;
    const ret = footerReturn(dv, o);
    const req = footerRequested(dv, o);
    if (req >= size) continue; // requested ≥ usable (sizes are below 2^53): not a footer, an error
    let s = siteOf.get(ret);
    if (s === undefined) {
      s = siteAddr.length;
      siteOf.set(ret, s);
      siteAddr.push(ret);
    }
    rowSite[row] = s + 1;
    rowRequested[row] = req;
  }

  // Name the sites; the summary is built from the per-row columns, as it is for a saved analysis.
  const strings = new StringTableBuilder();
  const sites: SitesTable = {
    rows: siteAddr.length,
    addr: Float64Array.from(siteAddr),
    lib: new Uint32Array(siteAddr.length),
    func: new Uint32Array(siteAddr.length),
    offset: new Float64Array(siteAddr.length),
    exec: new Uint8Array(siteAddr.length),
    strings: { bytes: new Uint8Array(0), offsets: new Uint32Array(1) },
  };
  siteAddr.forEach((a, i) => {
    const r = resolveAddress(modules, a);
    sites.lib[i] = strings.intern(r.lib);
    sites.func[i] = strings.intern(r.func);
    sites.offset[i] = r.offset;
    sites.exec[i] = r.executable ? 1 : 0;
  });
  sites.strings = strings.freeze();
  const summary = attributionFromTable({ ...table, site: rowSite, requested: rowRequested }, sites);
  meter?.end();
  // Footers that could not be read or are inconsistent are errors; so are rows without a footer.
  return { ...summary, modules, warnings: [...modules.warnings] };
}
