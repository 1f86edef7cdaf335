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
import { addressOrder, isInUse, rowAddress, sizeColumnBuilder, type AllocationTable, type SizeColumn } from '../../../../src/model/allocations.ts';
import { allocShared } from '../../../../src/model/columns.ts';
import { Interner, StringTableBuilder } from '../../../../src/model/strings.ts';
import type { SitesTable } from '../../../../src/model/sites.ts';
import type { AttributionData } from '../../../../src/model/attribution.ts';
import type { Binary } from '../elf/binary.ts';
import type { ProcessMemory } from '../elf/memory.ts';
import { addRow, attributionFromTable, attributionTree, siteTotals } from '../../aggregate/attribution-rows.ts';
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

/**
 * Footers read window by window (1 MiB at a time, into one reused buffer): `at(addr, size)` gives the return
 * address and requested size of an allocation's footer, or null when it has none (too small, unreadable, or
 * requested ≥ usable: an error). Rows must come in address order for the windows to be read once.
 */
class FooterReader {
  private win: Uint8Array | null = null;
  private scratch: Uint8Array | null = null;
  private winStart = 0;
  private winEnd = 0;
  private dv: DataView | null = null;
  private readonly readableEnd?: (a: number) => number;
  ret = 0;
  req = 0;

  constructor(private readonly core: ProcessMemory) {
    this.readableEnd = (core as ProcessMemory & { readableEnd?(a: number): number }).readableEnd?.bind(core);
  }

  /** True when the footer window must be (re)read before `at` (synchronous: no await per allocation). */
  needs(addr: number, size: number): boolean {
    const at = addr + size - FOOTER_BYTES;
    return size >= FOOTER_BYTES && at <= Number.MAX_SAFE_INTEGER && (!this.win || at < this.winStart || at + FOOTER_BYTES > this.winEnd);
  }

  async fill(addr: number, size: number): Promise<void> {
    const { core, readableEnd } = this;
    const at = addr + size - FOOTER_BYTES;
    let len = WINDOW;
    if (readableEnd) len = Math.min(WINDOW, readableEnd(at) - at);
    let win = len >= FOOTER_BYTES ? await (core.readInto ? core.readInto(at, (this.scratch ??= new Uint8Array(WINDOW)).subarray(0, len)) : core.read(at, len)) : null;
    if (!win && !readableEnd) win = await core.read(at, FOOTER_BYTES);
    this.win = win;
    if (win) {
      this.winStart = at;
      this.winEnd = at + win.length;
      this.dv = new DataView(win.buffer, win.byteOffset, win.byteLength);
    }
  }

  /** Reads the footer of the allocation (after `fill` when `needs` said so) into `ret` / `req`; false when there is none. */
  read(addr: number, size: number): boolean {
    const at = addr + size - FOOTER_BYTES;
    if (size < FOOTER_BYTES || at > Number.MAX_SAFE_INTEGER) return false; // too small for a footer: an error
    if (!this.win || !this.dv || at < this.winStart || at + FOOTER_BYTES > this.winEnd) return false; // unreadable footer: an error
    const o = at - this.winStart;
    this.ret = footerReturn(this.dv, o);
    this.req = footerRequested(this.dv, o);
    return this.req < size; // requested ≥ usable (sizes are below 2^53): not a footer, an error
  }
}

/** Return addresses numbered in the order first seen (site = 1 + the number). */
class SiteIds {
  private readonly ids = new Interner<number>();
  readonly addrs = this.ids.values;

  of(ret: number): number {
    return this.ids.id(ret) + 1;
  }
}

/** The sites table of the return addresses, named from `modules`. */
function sitesTable(siteAddr: number[], modules: ModuleMap): SitesTable {
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
  return sites;
}

/** `attribute` with a module map already built (reuse it across tables of the same core). */
export async function attributeWithModules(core: ProcessMemory, table: AllocationTable, modules: ModuleMap, ctl?: ReadControl, file = ''): Promise<Attribution> {
  const n = table.rows;
  // Progress is rows looked at, in batches (the cancel flag is read once per batch).
  const meter = ctl ? new StageMeter(ctl, file, 'attribution', n, 'items') : undefined;
  const rowSite = new Uint32Array(allocShared(Math.max(1, n) * 4), 0, n);
  // 0 where no footer is used (site 0); Uint32 until a requested size needs Float64 (a 5 GiB mmapped chunk's).
  const requested = sizeColumnBuilder(n);
  requested.length = n;
  const order = addressOrder(table);
  const footers = new FooterReader(core);
  const ids = new SiteIds();
  const take = (row: number, addr: number, size: number): void => {
    if (!footers.read(addr, size)) return;
    rowSite[row] = ids.of(footers.ret);
    requested.set(row, footers.req);
  };
  // Rows without an await (a loop inside an async function runs several times slower), then the footer window of
  // the row that needs one.
  for (let k = rowsUntilRead(table, order, 0, footers, meter, take); k < n; k = rowsUntilRead(table, order, k + 1, footers, meter, take)) {
    const row = order ? order[k] : k;
    const size = table.size[row];
    const addr = rowAddress(table, row);
    await footers.fill(addr, size);
    take(row, addr, size);
  }

  // Name the sites; the summary is built from the per-row columns, as it is for a saved analysis.
  const sites = sitesTable(ids.addrs, modules);
  const rowRequested = requested.freeze() as SizeColumn;
  const summary = attributionFromTable({ ...table, site: rowSite, requested: rowRequested }, sites);
  meter?.end();
  // Footers that could not be read or are inconsistent are errors; so are rows without a footer.
  return { ...summary, modules, warnings: [...modules.warnings] };
}

/**
 * `attributeWithModules`' rows from `k` (in address order) while their footers are in the window: `take(row, addr,
 * size)` for each in use; returns the first row whose footer window must be read, or the table's rows.
 */
function rowsUntilRead(table: AllocationTable, order: Uint32Array | null, k: number, footers: FooterReader, meter: StageMeter | undefined, take: (row: number, addr: number, size: number) => void): number {
  const n = table.rows;
  const { state, size: sizes } = table;
  for (; k < n; k++) {
    if ((k & (BATCH - 1)) === 0) meter?.at(k);
    const row = order ? order[k] : k;
    if (!isInUse(state[row])) continue;
    const size = sizes[row];
    const addr = rowAddress(table, row);
    if (footers.needs(addr, size)) return k;
    take(row, addr, size);
  }
  return n;
}

/** `rowsUntilRead` over one streamed batch (`attributeRows`), from row `j`. */
function batchUntilRead(b: AddressBatch, j: number, footers: FooterReader, take: (addr: number, size: number) => void): number {
  const { state, size: sizes, addr: addrs } = b;
  for (; j < b.length; j++) {
    if (!isInUse(state[j])) continue;
    const size = sizes[j];
    const addr = addrs[j];
    if (footers.needs(addr, size)) return j;
    take(addr, size);
  }
  return b.length;
}

/** A footer attribution without its per-row columns (`attributeRows`: the rows were streamed, no table kept). */
export type AttributionSummary = Omit<AttributionData, 'table' | 'rowSite' | 'rowRequested'>;

/** Rows in address order, a batch at a time (`findAllocationRows`' batches). */
export interface AddressBatch {
  length: number;
  addr: Float64Array;
  size: SizeColumn;
  state: Uint8Array;
}

/**
 * `attributeWithModules` of rows streamed in address order (`rows` of them, for progress): the same totals and
 * tree, summed while the rows go by, with no per-row column and no table (`heapscope attribute` of a core alone).
 */
export async function attributeRows(core: ProcessMemory, batches: Iterable<AddressBatch>, rows: number, modules: ModuleMap, ctl?: ReadControl, file = ''): Promise<AttributionSummary> {
  const meter = ctl ? new StageMeter(ctl, file, 'attribution', rows, 'items') : undefined;
  const footers = new FooterReader(core);
  const ids = new SiteIds();
  // Sums per site as the rows go by; sites are numbered as first seen (as attributeWithModules numbers them).
  const totals = siteTotals(0);
  const take = (addr: number, size: number): void => {
    if (!footers.read(addr, size)) {
      addRow(totals, 0, 0, size);
      return;
    }
    const site = ids.of(footers.ret);
    while (totals.siteSizes.length < ids.addrs.length) totals.siteSizes.push({ count: 0, user: 0, mem: 0, chunk: 0 });
    addRow(totals, site, footers.req, size);
  };
  let k = 0;
  for (const b of batches) {
    meter?.at(k);
    // The batch's arrays stay valid across the awaits: the batch is not advanced until its rows are done.
    for (let j = batchUntilRead(b, 0, footers, take); j < b.length; j = batchUntilRead(b, j + 1, footers, take)) {
      await footers.fill(b.addr[j], b.size[j]);
      take(b.addr[j], b.size[j]);
    }
    k += b.length;
  }
  const sites = sitesTable(ids.addrs, modules);
  const tree = attributionTree(totals, sites);
  meter?.end();
  return { ...tree, warnings: [...modules.warnings] };
}
