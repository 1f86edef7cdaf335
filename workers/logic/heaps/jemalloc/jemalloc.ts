/**
 * jemalloc 5.3 in a core (64-bit, 4 KiB pages, 48-bit addresses; Debian's
 * libjemalloc2), found without symbols in libjemalloc's static data:
 *
 * - the size classes (`sz_index2size_tab`): 8, 16, 32, … as size_t, more than
 *   100 increasing entries (232 in 5.3);
 * - the extent map (`arena_emap_global`, a two-level radix tree): a root of
 *   2^18 leaf pointers; a leaf maps 2^18 pages to their extent (`edata_t`),
 *   each element packing the edata pointer (48 bits, 128-aligned), its size
 *   class index (the top 16 bits), state (bits 2–4), is_head (bit 1) and slab
 *   (bit 0). A leaf pointer is recognised by its elements: the edata of page p
 *   covers p (edata `e_addr` and size).
 *
 * Allocations, walking the map in page order, once per extent:
 * - an active slab: regions of its class's size, used or free as the slab's
 *   bitmap says (`e_slab_data`, a bit set per region in use);
 * - an active large extent: one used allocation at `e_addr` (cache-oblivious
 *   offset included) of its class's usable size;
 * - a dirty or muzzy extent (freed pages jemalloc keeps): one free allocation;
 *   retained extents (address space only) are not listed.
 * Regions a thread's tcache holds are marked thread-cached free (tcache.ts),
 * or listed as used with `tcache: 'used'` (chap, which has no jemalloc
 * support, gives no answer to match here).
 *
 * edata_t (128 bytes): e_bits @0, e_addr @8, e_size_esn @16 (size: the page
 * bits), e_ps @24, e_sn @32, list/heap links @40, e_slab_data @64.
 */
import { AllocationTableBuilder, AllocState } from '../../../../src/model/allocations.ts';
import type { CoreFile } from '../../formats/elf/core-file.ts';
import type { ReadControl } from '../../io/stream.ts';
import type { Absent, AllocatorFinder, FindOptions, HeapContribution } from '../allocator.ts';
import { hex, Mem } from '../glibc/memory.ts';
import { findModules, type Module } from '../modules.ts';
import { markTcaches } from './tcache.ts';
import { indexOfSorted } from '../../../../src/model/sorted.ts';

const LG_PAGE = 12;
const PAGE = 1 << LG_PAGE;
const BITS = 18;
const FANOUT = 1 << BITS;
export const EDATA = { addr: 8, sizeEsn: 16, slabData: 64, size: 128 };

export interface JemallocDetail {
  module: string;
  root: number;
  sizes: number[];
  extents: number;
  slabs: number;
  cached: number;
}

interface Elm {
  edata: number;
  szind: number;
  state: number;
  slab: boolean;
}

function decode(dv: DataView, o: number): Elm | null {
  const lo = dv.getUint32(o, true);
  const hi = dv.getUint32(o + 4, true);
  if (lo === 0 && hi === 0) return null;
  const edata = (hi & 0xffff) * 4294967296 + ((lo & ~127) >>> 0);
  // A cleared entry keeps an invalid size class and no extent.
  if (edata === 0) return null;
  return { edata, szind: hi >>> 16, state: (lo >>> 2) & 7, slab: (lo & 1) === 1 };
}

/** sz_index2size_tab: 8, 16, 32, … (size_t), strictly increasing, more than 100 entries. */
async function findSizes(mem: Mem, mod: Module): Promise<number[] | null> {
  for (const r of mod.writable) {
    const dv = await mem.read(r.start, r.end - r.start);
    if (!dv) continue;
    for (let o = 0; o + 24 <= dv.byteLength; o += 8) {
      if (mem.wordIn(dv, o) !== 8 || mem.wordIn(dv, o + 8) !== 16 || mem.wordIn(dv, o + 16) !== 32) continue;
      const sizes = [8];
      for (let k = o + 8; k + 8 <= dv.byteLength; k += 8) {
        const v = mem.wordIn(dv, k);
        if (v <= sizes[sizes.length - 1]) break;
        sizes.push(v);
      }
      if (sizes.length > 100) return sizes;
    }
  }
  return null;
}

/** Whether `leaf` is an extent-map leaf: its elements' extents cover their pages. Returns the root index. */
async function leafRootIndex(mem: Mem, leaf: number): Promise<number | null> {
  const dv = await mem.read(leaf, 8 * FANOUT);
  if (!dv) return null;
  let ri: number | null = null;
  let checked = 0;
  let prev = -1;
  for (let j = 0; j < FANOUT && checked < 16; j++) {
    const e = decode(dv, j * 8);
    if (!e || e.edata === prev) continue;
    prev = e.edata;
    const ed = await mem.read(e.edata, 24);
    if (!ed) return null;
    const addr = mem.wordIn(ed, EDATA.addr);
    const size = mem.wordIn(ed, EDATA.sizeEsn) - (mem.wordIn(ed, EDATA.sizeEsn) % PAGE);
    const p0 = Math.floor(addr / PAGE);
    const pages = size / PAGE;
    // Leaf entry j is for a page of the extent: the one whose number is j modulo the leaf's span.
    const k = (((j - (p0 % FANOUT)) % FANOUT) + FANOUT) % FANOUT;
    if (pages < 1 || k >= pages) return null;
    const r = Math.floor((p0 + k) / FANOUT);
    if (ri === null) ri = r;
    else if (r !== ri) return null;
    checked++;
  }
  return checked > 0 ? ri : null;
}

async function findRoot(mem: Mem, mod: Module): Promise<number | null> {
  for (const r of mod.writable) {
    const dv = await mem.read(r.start, r.end - r.start);
    if (!dv) continue;
    for (let o = 0; o + 8 <= dv.byteLength; o += 8) {
      const v = mem.wordIn(dv, o);
      if (v === 0 || v % 64) continue;
      const seg = mem.core.segmentAt(v);
      if (!seg || (seg.flags & 2) === 0 || mem.core.readableEnd(v) < v + 8 * FANOUT) continue;
      await mem.step();
      const ri = await leafRootIndex(mem, v);
      if (ri === null || ri >= FANOUT) continue;
      const root = r.start + o - ri * 8;
      if (root >= r.start && root + 8 * FANOUT <= r.end) return root;
    }
  }
  return null;
}

export async function findJemalloc(core: CoreFile, ctl?: ReadControl, opts: FindOptions = {}): Promise<HeapContribution<JemallocDetail> | Absent> {
  const mem = new Mem(core, ctl);
  const mods = (await findModules(core, /^libjemalloc/)).filter((m) => m.writable.length);
  if (!mods.length) return { absent: 'no jemalloc (libjemalloc…) mapped' };
  if (mem.w !== 8) return { absent: 'jemalloc is read in 64-bit cores only' };
  let mod: Module | null = null;
  let sizes: number[] | null = null;
  let root: number | null = null;
  for (const m of mods) {
    sizes = await findSizes(mem, m);
    root = sizes ? await findRoot(mem, m) : null;
    if (sizes && root !== null) {
      mod = m;
      break;
    }
  }
  if (!mod || !sizes || root === null) return { absent: `${mods[0].path} is mapped but its ${sizes ? 'extent map' : 'size classes'} could not be found`, warnings: mem.warnings() };

  interface Extent {
    edata: number;
    base: number;
    size: number;
    addr: number;
    szind: number;
    state: number;
    slab: boolean;
  }
  const extents: Extent[] = [];
  const seen = new Set<number>();
  const rootDv = await mem.read(root, 8 * FANOUT);
  if (!rootDv) return { absent: `jemalloc's extent map root at ${hex(root)} is not in the core` };
  for (let i = 0; i < FANOUT; i++) {
    const leaf = mem.wordIn(rootDv, i * 8);
    if (!leaf) continue;
    const dv = await mem.read(leaf, 8 * FANOUT);
    if (!dv) {
      mem.anomaly('leaf-missing', hex(leaf), (n, ex) => `${n} extent-map leaf(s) are not in the core (${ex}); their extents are not listed`);
      continue;
    }
    for (let j = 0; j < FANOUT; j++) {
      const e = decode(dv, j * 8);
      if (!e || seen.has(e.edata)) continue;
      await mem.step();
      seen.add(e.edata);
      const ed = await mem.read(e.edata, 24);
      if (!ed) {
        mem.anomaly('edata-missing', hex(e.edata), (n, ex) => `${n} extent descriptor(s) are not in the core (${ex}); their extents are not listed`);
        continue;
      }
      const addr = mem.wordIn(ed, EDATA.addr);
      const size = mem.wordIn(ed, EDATA.sizeEsn) - (mem.wordIn(ed, EDATA.sizeEsn) % PAGE);
      const base = addr - (addr % PAGE);
      const page = i * FANOUT + j;
      if (base !== page * PAGE || size === 0) {
        // Not the extent's first page (a large extent's last page, seen first only if its first is in another leaf).
        if (base + size <= page * PAGE || base > page * PAGE) {
          mem.anomaly('elm-mismatch', hex(page * PAGE), (n, ex) => `${n} extent-map entr(ies) name an extent that does not cover their page (${ex}); ignored`);
        }
        seen.delete(e.edata);
        continue;
      }
      extents.push({ edata: e.edata, base, size, addr, szind: e.szind, state: e.state, slab: e.slab });
    }
  }
  extents.sort((a, b) => a.base - b.base);

  // Rows.
  const A: number[] = [];
  const S: number[] = [];
  const T: number[] = [];
  const R: number[] = [];
  const regions: { kind: string; start: number; end: number; arena: number }[] = [];
  const claims: { start: number; size: number; label: string }[] = [];
  let slabs = 0;
  for (const x of extents) {
    if (x.state === 3) continue; // retained: address space only
    const last = regions[regions.length - 1];
    if (last && last.end === x.base) last.end = x.base + x.size;
    else regions.push({ kind: 'extents', start: x.base, end: x.base + x.size, arena: 0 });
    claims.push({ start: x.base, size: x.size, label: 'jemalloc extent' });
    const reg = regions.length;
    if (x.state !== 0) {
      A.push(x.base);
      S.push(x.size);
      T.push(AllocState.Free);
      R.push(reg);
      continue;
    }
    const usize = x.szind < sizes.length ? sizes[x.szind] : x.size - (x.addr - x.base);
    if (!x.slab) {
      A.push(x.addr);
      S.push(usize);
      T.push(AllocState.Used);
      R.push(reg);
      continue;
    }
    slabs++;
    const n = Math.floor(x.size / usize);
    const bm = await mem.read(x.edata + EDATA.slabData, 64);
    if (!bm || n > 512) {
      mem.anomaly('slab', hex(x.edata), (k, ex) => `${k} slab(s) have no readable bitmap or too many regions (${ex}); their regions are listed as used`);
    }
    for (let r = 0; r < n; r++) {
      const used = !bm || n > 512 || ((bm.getUint32(Math.floor(r / 32) * 4, true) >>> (r % 32)) & 1) === 0;
      A.push(x.base + r * usize);
      S.push(usize);
      T.push(used ? AllocState.Used : AllocState.Free);
      R.push(reg);
    }
  }
  const rows = A.length;
  const addr = Float64Array.from(A);
  const state = Uint8Array.from(T);
  const indexOf = (a: number): number => indexOfSorted(addr, a);
  const cached = await markTcaches(mem, { addr, size: Float64Array.from(S), state, indexOf, sizes, userRanges: regions });
  // chap does not read jemalloc: cached regions are what they are, free in a thread's cache, unless asked to list them as used.
  const cachedState = opts.tcache === 'used' ? AllocState.Used : AllocState.ThreadCachedFree;
  const b = new AllocationTableBuilder({ expectedRows: rows, region: true });
  let last = -1;
  let backwards = 0;
  for (let k = 0; k < rows; k++) {
    if (addr[k] <= last) {
      backwards++;
      continue;
    }
    last = addr[k];
    const st = state[k] === AllocState.ThreadCachedFree ? cachedState : (state[k] as AllocState);
    const row = b.add(Math.floor(addr[k] / 4294967296), addr[k] >>> 0, S[k], st);
    b.region!.set(row, R[k]);
  }
  if (backwards) mem.warn(`${backwards} extent(s) overlap earlier ones and are not listed`);
  const lib = mod.path.slice(mod.path.lastIndexOf('/') + 1);
  const v53 = sizes.length === 232;
  return {
    info: {
      id: 'jemalloc',
      description: `jemalloc${v53 ? ' 5.3' : ''} (${lib})`,
      ...(v53 ? { version: '5.3' } : {}),
      facts: [
        ...(v53 ? [{ label: 'version from', value: 'structure layout (edata in the extent map with state bits, 232 size classes)' }] : []),
        { label: 'extent map', value: hex(root) },
        { label: 'size classes', value: String(sizes.length) },
        { label: 'extents', value: `${extents.length.toLocaleString('en-US')} (${slabs.toLocaleString('en-US')} slabs)` },
        { label: 'regions in thread caches', value: cached.toLocaleString('en-US') },
      ],
    },
    table: b.freeze(),
    regions,
    claims,
    warnings: mem.warnings(),
    detail: { module: mod.path, root, sizes, extents: extents.length, slabs, cached },
  };
}

export const jemallocFinder: AllocatorFinder = {
  id: 'jemalloc',
  layer: 'base',
  find: (core, ctx) => findJemalloc(core, ctx.ctl, ctx.opts),
};
