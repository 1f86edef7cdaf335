/**
 * gperftools' tcmalloc in a core (64-bit; Debian's libgoogle-perftools4 2.10),
 * as chap lists it. Found without symbols in libtcmalloc's static data:
 *
 * - the page map (a two-level radix tree, `TCMalloc_PageMap2`): a root array
 *   of leaf pointers; each leaf maps the pages of its range to their `Span`.
 *   A leaf pointer is recognised by the spans it holds: the span for page p
 *   starts at p (`span->start`). The leaf size, root size and page size are
 *   derived from that (the page number of a span's first page, where its leaf
 *   sits in the root, which page size puts the span's memory in the core);
 * - the size classes (`SizeMap::class_to_size_`): a run of more than 60
 *   increasing multiples of 8 after a 0.
 *
 * Allocations, walking the page map in page order: a span in use with a size
 * class is cut into objects of that class's size (the remainder is not an
 * allocation); any other span is one allocation of its pages (used when in
 * use, free on a free list); a page whose map entry names a span that does not
 * start there is one free page. Objects on their span's free list (`objects`)
 * are free, all of a span's objects when its `refcount` is 0. Objects in
 * thread caches and the central caches' transfer slots are in use for chap
 * (they are not on their span's list); with `tcache: 'thread-cached-free'`
 * they are marked thread-cached free (caches.ts).
 *
 * Span layout (gperftools 2.x, 64-bit): start @0, length @8, next @16,
 * prev @24, objects @32, refcount u16 @40, sizeclass u8 @42, location 2 bits
 * at @43 (0 in use, 1 normal free list, 2 returned).
 */
import { AllocationTableBuilder, AllocState } from '../../../../src/model/allocations.ts';
import type { CoreFile } from '../../formats/elf/core-file.ts';
import type { ReadControl } from '../../io/stream.ts';
import type { Absent, AllocatorFinder, FindOptions, HeapContribution } from '../allocator.ts';
import { hex, Mem } from '../glibc/memory.ts';
import { findModules, type Module } from '../modules.ts';
import { markCached } from './caches.ts';
import { indexOfSorted } from '../../../../src/model/sorted.ts';

export const SPAN = { start: 0, length: 8, objects: 32, refcount: 40, sizeclass: 42, location: 43 };
const ADDRESS_BITS = 48;
const MAX_STEPS_PER_SPAN_LIST = 1 << 20;

export interface PageMap {
  root: number;
  rootBits: number;
  leafBits: number;
  pageShift: number;
}

export interface TcmallocDetail {
  module: string;
  pageMap: PageMap;
  sizes: number[];
  spans: number;
  /** Objects found in thread caches and transfer slots (counted; used for chap). */
  cached: number;
}

/** A span as the page map walk sees it. */
interface SpanView {
  span: number;
  page: number;
  pages: number;
  used: boolean;
  /** Object size (the span's size when it is one allocation). */
  size: number;
  count: number;
}

class PageMapFinder {
  constructor(readonly mem: Mem) {}

  /** The page number stored at the start of `span`, or null. */
  async startOf(span: number): Promise<number | null> {
    return this.mem.word(span + SPAN.start);
  }

  /**
   * Whether `leaf` (the pointer at `at`) is a page-map leaf of 2^leafBits
   * entries: its non-zero entries, where a span starts, name spans that start
   * at that page. Returns the root index it implies.
   */
  async leafRootIndex(leaf: number, leafBits: number): Promise<number | null> {
    const { mem } = this;
    const n = 2 ** leafBits;
    const dv = await mem.read(leaf, n * 8);
    if (!dv) return null;
    let rootIndex: number | null = null;
    let checked = 0;
    let prev = 0;
    for (let j = 0; j < n && checked < 32; j++) {
      const s = mem.wordIn(dv, j * 8);
      if (s === 0 || s === prev) {
        prev = s;
        continue;
      }
      prev = s;
      if (s % 8) return null;
      const start = await this.startOf(s);
      if (start === null) return null;
      if (start % n !== j) continue;
      const ri = Math.floor(start / n);
      if (rootIndex === null) rootIndex = ri;
      else if (ri !== rootIndex) return null;
      checked++;
    }
    return checked > 0 ? rootIndex : null;
  }

  /** Finds the root in the module's writable ranges. */
  async find(mod: Module): Promise<PageMap | null> {
    const { mem } = this;
    for (const r of mod.writable) {
      for (let base = r.start; base < r.end; base += 1 << 20) {
        mem.checkCancel();
        const len = Math.min(1 << 20, r.end - base);
        const dv = await mem.read(base, len);
        if (!dv) continue;
        for (let o = 0; o + 8 <= len; o += 8) {
          const v = mem.wordIn(dv, o);
          if (v === 0 || v % 4096 !== 0) continue;
          const seg = mem.core.segmentAt(v);
          if (!seg || (seg.flags & 2) === 0) continue;
          await mem.step();
          for (const leafBits of [18, 15, 17, 16, 19, 20]) {
            if (v + 8 * 2 ** leafBits > mem.core.readableEnd(v)) continue;
            const ri = await this.leafRootIndex(v, leafBits);
            if (ri === null) continue;
            const root = base + o - ri * 8;
            for (const pageShift of [13, 12, 15, 16, 18]) {
              const rootBits = ADDRESS_BITS - leafBits - pageShift;
              if (rootBits < 0 || ri >= 2 ** rootBits) continue;
              if (await this.spansFit(v, leafBits, ri, pageShift)) return { root, rootBits, leafBits, pageShift };
            }
          }
        }
      }
    }
    return null;
  }

  /** The spans of a leaf lie in readable memory under `pageShift`. */
  private async spansFit(leaf: number, leafBits: number, ri: number, pageShift: number): Promise<boolean> {
    const { mem } = this;
    const n = 2 ** leafBits;
    let ok = 0;
    for (let j = 0; j < n && ok < 8; j++) {
      const s = await mem.word(leaf + j * 8);
      if (!s) continue;
      const start = await this.startOf(s);
      const pages = await mem.word(s + SPAN.length);
      if (start === null || pages === null || start !== ri * n + j) continue;
      const addr = start * 2 ** pageShift;
      const seg = mem.core.segmentAt(addr);
      if (!seg || addr + pages * 2 ** pageShift > seg.vaddr + seg.memsz) return false;
      ok++;
      j += Math.max(0, pages - 1);
    }
    return ok > 0;
  }
}

/** SizeMap::class_to_size_: 0 then more than 60 increasing multiples of 8 (u32). */
async function findSizes(mem: Mem, mod: Module): Promise<number[] | null> {
  for (const r of mod.writable) {
    const dv = await mem.read(r.start, r.end - r.start);
    if (!dv) continue;
    for (let o = 0; o + 4 <= dv.byteLength; o += 4) {
      if (dv.getUint32(o, true) !== 0) continue;
      const sizes = [0];
      for (let k = o + 4; k + 4 <= dv.byteLength; k += 4) {
        const v = dv.getUint32(k, true);
        if (v === 0 || v % 8 || v <= sizes[sizes.length - 1]) break;
        sizes.push(v);
      }
      if (sizes.length > 61) return sizes;
    }
  }
  return null;
}

const VERSIONS: Record<string, string> = { '4.5.10': '2.10' };

export async function findTcmalloc(core: CoreFile, ctl?: ReadControl, opts: FindOptions = {}): Promise<HeapContribution<TcmallocDetail> | Absent> {
  const mem = new Mem(core, ctl);
  const mods = (await findModules(core, /^libtcmalloc/)).filter((m) => m.writable.length);
  if (!mods.length) return { absent: 'no gperftools tcmalloc (libtcmalloc…) mapped' };
  if (mem.w !== 8) return { absent: 'gperftools tcmalloc is read in 64-bit cores only' };
  const pm = new PageMapFinder(mem);
  let mod: Module | null = null;
  let map: PageMap | null = null;
  for (const m of mods) {
    map = await pm.find(m);
    if (map) {
      mod = m;
      break;
    }
  }
  if (!map || !mod) return { absent: `${mods[0].path} is mapped but its page map was not found`, warnings: mem.warnings() };
  const sizes = await findSizes(mem, mod);
  if (!sizes) return { absent: `${mod.path} is mapped but its size classes were not found`, warnings: mem.warnings() };

  // The page map, in page order.
  const views: SpanView[] = [];
  const leafPages = 2 ** map.leafBits;
  const pageBytes = 2 ** map.pageShift;
  const rootLen = 2 ** map.rootBits;
  const rootDv = await mem.read(map.root, 8 * rootLen);
  if (!rootDv) return { absent: `the page map root at ${hex(map.root)} is not in the core` };
  let leafIndex = -1;
  let leafDv: DataView | null = null;
  /** The span pointer for `page`, or 0; `undefined` when its leaf is absent (skip to the next leaf). */
  const entry = async (page: number): Promise<number | undefined> => {
    const i = Math.floor(page / leafPages);
    if (i !== leafIndex) {
      leafIndex = i;
      const leaf = i < rootLen ? mem.wordIn(rootDv, i * 8) : 0;
      leafDv = leaf ? await mem.read(leaf, 8 * leafPages) : null;
      if (leaf && !leafDv) mem.anomaly('leaf-missing', hex(leaf), (n, ex) => `${n} page-map leaf(s) are not in the core (${ex}); their spans are not listed`);
    }
    return leafDv ? mem.wordIn(leafDv, (page % leafPages) * 8) : undefined;
  };
  let spans = 0;
  for (let page = 0; page < rootLen * leafPages; ) {
    const s = await entry(page);
    if (s === undefined) {
      page = (Math.floor(page / leafPages) + 1) * leafPages;
      continue;
    }
    if (s === 0) {
      page++;
      continue;
    }
    await mem.step();
    const dv = await mem.read(s, 48);
    const start = dv ? mem.wordIn(dv, SPAN.start) : -1;
    if (!dv || start !== page) {
      // A stale entry (a span that does not start here): one free page, as chap lists it.
      views.push({ span: s, page, pages: 1, used: false, size: pageBytes, count: 1 });
      page++;
      continue;
    }
    spans++;
    const pages = Math.max(1, Math.min(mem.wordIn(dv, SPAN.length), rootLen * leafPages - page));
    const spanBytes = pages * pageBytes;
    const used = (dv.getUint8(SPAN.location) & 3) === 0;
    const cl = dv.getUint8(SPAN.sizeclass);
    const v: SpanView = { span: s, page, pages, used, size: spanBytes, count: 1 };
    if (used && cl > 0 && cl < sizes.length && sizes[cl] <= spanBytes) {
      v.size = sizes[cl];
      v.count = Math.floor(spanBytes / sizes[cl]);
    }
    views.push(v);
    page += pages;
  }

  // Rows: every object of every span; free-list objects marked free.
  const rows = views.reduce((n, v) => n + v.count, 0);
  const addr = new Float64Array(rows);
  const size = new Float64Array(rows);
  const state = new Uint8Array(rows);
  const region = new Uint32Array(rows);
  const regions: { kind: string; start: number; end: number; arena: number }[] = [];
  let k = 0;
  for (const v of views) {
    const base = v.page * pageBytes;
    // Regions: runs of adjacent spans (memory tcmalloc got from the system in one piece, or pieces side by side).
    const last = regions[regions.length - 1];
    if (last && last.end === base) last.end = base + v.pages * pageBytes;
    else regions.push({ kind: 'pages', start: base, end: base + v.pages * pageBytes, arena: 0 });
    for (let n = 0; n < v.count; n++, k++) {
      addr[k] = base + n * v.size;
      size[k] = v.size;
      state[k] = v.used ? AllocState.Used : AllocState.Free;
      region[k] = regions.length;
    }
  }
  const indexOf = (a: number): number => indexOfSorted(addr, a);
  for (const v of views) {
    if (!v.used || v.count === 1) continue;
    const base = v.page * pageBytes;
    const limit = base + v.pages * pageBytes;
    const first = indexOf(base);
    const refcount = (await mem.read(v.span + SPAN.refcount, 2))?.getUint16(0, true) ?? 0;
    if (refcount === 0) {
      for (let n = 0; n < v.count; n++) state[first + n] = AllocState.Free;
      continue;
    }
    const where = `span ${hex(v.span)}`;
    if (refcount > v.count) {
      mem.anomaly('refcount', where, (n, ex) => `${n} span(s) count more objects in use than they hold (${ex}); their free lists are not read`);
      continue;
    }
    const expected = v.count - refcount;
    let onList = 0;
    const seen = new Set<number>();
    for (let o = (await mem.word(v.span + SPAN.objects)) ?? 0; o !== 0; o = (await mem.word(o)) ?? 0) {
      await mem.step();
      if (++onList > expected + 10 || onList > MAX_STEPS_PER_SPAN_LIST) {
        mem.anomaly('list-long', where, (n, ex) => `${n} span free list(s) are longer than their span's free objects (${ex}); probably a cycle or corruption, the rest is not followed`);
        break;
      }
      if (o < base || o + v.size > limit || (o - base) % v.size !== 0) {
        mem.anomaly('list-outside', `${where}: ${hex(o)}`, (n, ex) => `${n} span free list(s) reach an address that is not an object of the span (${ex}); the rest is not followed`);
        break;
      }
      if (seen.has(o)) {
        mem.anomaly('list-cycle', `${where}: ${hex(o)}`, (n, ex) => `${n} span free list(s) are cyclic, probably due to a double free (${ex})`);
        break;
      }
      seen.add(o);
      state[first + (o - base) / v.size] = AllocState.Free;
    }
    if (onList !== expected && onList <= expected + 10) {
      mem.anomaly('list-count', `${where}: ${onList} of ${expected}`, (n, ex) => `${n} span free list(s) hold another number of objects than the span's refcount implies (${ex})`);
    }
  }

  // Thread caches and transfer slots.
  const cached = await markCached(mem, { addr, size, state, indexOf, sizes, spanRanges: regions, module: mod });
  const cachedState = opts.tcache === 'thread-cached-free' ? AllocState.ThreadCachedFree : AllocState.Used;
  const b = new AllocationTableBuilder({ expectedRows: rows, region: true });
  for (let n = 0; n < rows; n++) {
    const st = state[n] === AllocState.ThreadCachedFree ? cachedState : (state[n] as AllocState);
    const row = b.add(Math.floor(addr[n] / 4294967296), addr[n] >>> 0, size[n], st);
    b.region!.set(row, region[n]);
  }
  const so = /libtcmalloc[^/]*\.so\.(\d+\.\d+\.\d+)$/.exec(mod.path)?.[1];
  const version = so ? VERSIONS[so] : undefined;
  const lib = mod.path.slice(mod.path.lastIndexOf('/') + 1);
  return {
    info: {
      id: 'tcmalloc',
      description: `gperftools tcmalloc${version ? ` ${version}` : ''} (${lib})`,
      ...(version ? { version } : {}),
      facts: [
        { label: 'page map', value: `${hex(map.root)}, 2^${map.rootBits} × 2^${map.leafBits} pages of ${pageBytes.toLocaleString('en-US')} bytes` },
        { label: 'size classes', value: `${sizes.length - 1} (up to ${sizes[sizes.length - 1].toLocaleString('en-US')} bytes)` },
        { label: 'spans', value: spans.toLocaleString('en-US') },
        { label: 'objects in thread caches and transfer slots', value: cached.toLocaleString('en-US') },
      ],
    },
    table: b.freeze(),
    regions,
    claims: views.map((v) => ({ start: v.page * pageBytes, size: v.pages * pageBytes, label: 'tc malloc mapped pages' })),
    warnings: mem.warnings(),
    detail: { module: mod.path, pageMap: map, sizes, spans, cached },
  };
}

export const tcmallocFinder: AllocatorFinder = {
  id: 'tcmalloc',
  layer: 'base',
  find: (core, ctx) => findTcmalloc(core, ctx.ctl, ctx.opts),
};
