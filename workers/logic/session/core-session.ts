/**
 * An open core dump and what is asked of it after the heap walk: footer
 * attribution (with dropped binaries), class names from vtables, and the
 * inspector's view of one allocation (bytes, pointers, footer, class).
 * The core worker keeps one session per core input; tests use it directly.
 */
import { hexOf } from '../../../src/model/address.ts';
import type { AllocationTable } from '../../../src/model/allocations.ts';
import { indexAnyOrder, NO_ROW, type AnyOrderIndex } from '../leaks/allocation-index.ts';
import { StringTable } from '../../../src/model/strings.ts';
import { attributeWithModules } from '../formats/malloc-tracer/attribution.ts';
import { FOOTER_BYTES, footerRequested, footerReturn } from '../formats/malloc-tracer/footer.ts';
import type { AttributionData } from '../../../src/model/attribution.ts';
import { findSignatures, type Signatures } from '../aggregate/signatures.ts';
import { openBinary, type Binary } from '../formats/elf/binary.ts';
import type { CoreFile } from '../formats/elf/core-file.ts';
import { readCore, type CoreReadResult, type ReadCoreOptions } from '../formats/core/read-core.ts';
import type { HeapLayoutInfo } from '../../../src/model/heap-layout.ts';
import type { LeakAnalysis } from '../leaks/compute.ts';
import { analyzeCoreRead } from '../leaks/from-core.ts';
import type { InputWarning } from '../io/errors.ts';
import { StageMeter, type ReadControl } from '../io/stream.ts';
import type { ByteSource } from '../io/source.ts';
import { loadModules, type ModuleMap } from '../symbols/modules.ts';
import { resolveAddress } from '../symbols/resolve.ts';
import { withClasses } from '../snapshot/tables.ts';
import { namePythonTypes, obmallocOf, openerOf, renamePythonTypes, type PythonAnalysis } from '../heaps/python/analyse.ts';
import type { PythonHeapInfo } from '../../../src/model/python-heap.ts';

// src/state imports the attribution's type from here; it lives in the model (src/model/attribution.ts).
export type { AttributionData } from '../../../src/model/attribution.ts';

export interface InspectWord {
  offset: number;
  value: string;
  /** The allocation this word points into, if any. */
  target?: { row: number; address: string; size: number; offset: number; preview?: string };
  /** The function or module this word points into, if any. */
  symbol?: string;
}

/** Bytes of one allocation from `offset` (of the allocation) on, with the words in them that point somewhere. */
export interface InspectPage {
  offset: number;
  /** `min(length, size - offset)` bytes, or null when the core lacks them. */
  bytes: Uint8Array | null;
  /** Offsets are the allocation's (not the page's). */
  words: InspectWord[];
}

export interface InspectResult {
  row: number;
  address: string;
  size: number;
  state: number;
  type: string;
  pointerSize: number;
  /** The first `min(size, limit)` bytes, or null when the core lacks them; later bytes: `inspectBytes`. */
  bytes: Uint8Array | null;
  /** Fewer bytes than the allocation's size are in `bytes`. */
  truncated: boolean;
  words: InspectWord[];
  footer?: { returnAddress: string; requested: number; valid: boolean; lib: string; func: string; offset: number };
  className?: string;
}

export class CoreSession {
  private binaries: Binary[] = [];
  private binarySources: ByteSource[] = [];
  private binaryNames = '';
  private python: Promise<PythonAnalysis | null> | null = null;
  private modulesPromise: Promise<ModuleMap> | null = null;
  private readonly indexes = new Map<string, AnyOrderIndex>();
  private signatures: Promise<Signatures> | null = null;
  private leakAnalysis: Promise<LeakAnalysis> | null = null;

  private constructor(
    readonly core: CoreFile,
    readonly table: AllocationTable,
    readonly info: HeapLayoutInfo,
    readonly warnings: InputWarning[],
    private readonly read: CoreReadResult,
  ) {}

  static async open(src: ByteSource, ctl?: ReadControl, opts?: ReadCoreOptions): Promise<CoreSession> {
    // The walk keeps the words it reads that point into mapped files: class names then need no second read of the heap
    // (unless the caller says it names no classes: `moduleWords: false`).
    const r = await readCore(src, ctl, { moduleWords: true, ...opts });
    return new CoreSession(r.core, r.table, r.info, r.warnings, r);
  }

  /** chap's leak analysis of the heap walk's table (graph, anchors, sets as flags), computed once. */
  leaks(ctl?: ReadControl): Promise<LeakAnalysis> {
    this.leakAnalysis ??= analyzeCoreRead(this.read, ctl).then(
      (a) => {
        // The pipeline's last stage: the inspector's address index of the walk is the analysis's own (same table).
        if (!this.indexes.has('walk')) this.indexes.set('walk', a.index);
        // The walk's heap words served the graph, which is made once.
        delete this.read.heapWords;
        return a;
      },
      (e: unknown) => {
        this.leakAnalysis = null;
        throw e;
      },
    );
    return this.leakAnalysis;
  }

  /**
   * The binaries that name this core's code: replaces those given before (a
   * snapshot's binaries are the whole set). Sources with the names given last
   * time are not read again.
   */
  async setBinaries(srcs: ByteSource[], ctl?: ReadControl): Promise<void> {
    const names = srcs.map((s) => `${s.name}:${s.size}`).join('\n');
    if (names === this.binaryNames) return;
    this.binaries = [];
    this.binarySources = [];
    this.binaryNames = names;
    try {
      await this.addBinaries(srcs, ctl);
    } catch (e) {
      // Cancelled (or unreadable): the next call reads them again.
      this.binaryNames = '';
      throw e;
    }
  }

  /**
   * A core snapshot's table completed from the core: the snapshot's table has the
   * heap walk's rows (with chap's type names where its lists gave them); vtable
   * class names fill the rows nothing named, and footers attribute every used row. Each stage (symbols,
   * classes, attribution) reports its progress and stops at `ctl.cancel`.
   */
  async processSnapshot(table: AllocationTable, binaries: ByteSource[], opts: { classes?: boolean; ctl?: ReadControl } = {}): Promise<{ table: AllocationTable; attribution: AttributionData; python?: PythonHeapInfo }> {
    const { table: typed, python } = await this.classifySnapshot(table, binaries, opts);
    return { table: typed, attribution: await this.attribute(typed, opts.ctl), ...(python ? { python } : {}) };
  }

  /**
   * The first half of `processSnapshot`: the snapshot's table with vtable class names (after its binaries'
   * symbols), and the Python types the binaries name.
   */
  async classifySnapshot(table: AllocationTable, binaries: ByteSource[], opts: { classes?: boolean; ctl?: ReadControl } = {}): Promise<{ table: AllocationTable; python?: PythonHeapInfo }> {
    if (table.rows !== this.table.rows) throw new Error(`a snapshot of ${this.core.name} must have the rows of its heap walk (${table.rows} given, ${this.table.rows} walked)`);
    await this.setBinaries(binaries, opts.ctl);
    let typed = table;
    const before = this.read.python;
    const python = before ? await this.pythonNamed() : null;
    if (before && python) typed = renamePythonTypes(typed, before.objects, python.objects);
    if (opts.classes !== false) {
      const sig = await this.classes(opts.ctl);
      typed = withClasses(table, sig.rowClass, sig.strings);
    }
    return { table: typed, ...(python ? { python: python.info } : {}) };
  }

  /**
   * The core's Python analysis with its static types named from the binaries given
   * (the files the process mapped, by build-id), as the CLI names them when it reads
   * the core with the same files; null when the binaries name nothing new.
   */
  pythonNamed(): Promise<PythonAnalysis | null> {
    const a = this.read.python;
    const ob = obmallocOf(this.read.heap.contributions);
    if (!a || !ob || this.binarySources.length === 0) return Promise.resolve(null);
    this.python ??= namePythonTypes(this.core, this.read.heap.table, ob, a, openerOf(this.binaries.map((b, i) => ({ src: this.binarySources[i], buildId: b.buildId }))));
    return this.python;
  }

  /** Adds ELF binaries (executables, shared objects, .debug files) for symbols; returns their build-ids. */
  async addBinaries(srcs: ByteSource[], ctl?: ReadControl): Promise<{ name: string; buildId: string | null }[]> {
    // Progress: binaries whose symbol tables are read, of those given.
    const meter = ctl && srcs.length ? new StageMeter(ctl, this.core.name, 'symbols', srcs.length, 'items') : undefined;
    let done = 0;
    const opened = await Promise.all(
      srcs.map((s) =>
        openBinary(s).then((b) => {
          meter?.at(++done);
          return b;
        }),
      ),
    );
    meter?.end();
    this.binaries.push(...opened);
    this.binarySources.push(...srcs);
    this.python = null;
    this.modulesPromise = null;
    this.signatures = null;
    return opened.map((b, i) => ({ name: srcs[i].name, buildId: b.buildId }));
  }

  /** The modules with the binaries' symbols; without binaries, the heap walk's own (their headers are not read again). */
  modules(): Promise<ModuleMap> {
    this.modulesPromise ??= this.binaries.length ? loadModules(this.core, this.binaries) : Promise.resolve(this.read.modules);
    return this.modulesPromise;
  }

  /** Footer attribution of `table` (a chap list of this core, or the heap walk's own table). */
  async attribute(table: AllocationTable = this.table, ctl?: ReadControl): Promise<AttributionData> {
    const a = await attributeWithModules(this.core, table, await this.modules(), ctl, this.core.name);
    const { modules: _modules, ...data } = a;
    void _modules;
    return data;
  }

  /** Class names of the heap walk's allocations (vtable signatures), computed once (a cancelled try is forgotten). */
  classes(ctl?: ReadControl): Promise<Signatures> {
    const p = (this.signatures ??= this.modules()
      .then((m) => findSignatures(this.core, this.table, m, ctl, this.core.name, this.read.moduleWords))
      .catch((e: unknown) => {
        if (this.signatures === p) this.signatures = null;
        throw e;
      }));
    return p;
  }

  /** Per table key: whether that table has the walk's rows (same addresses, same order), so the walk's index serves it. */
  private readonly walkRows = new Map<string, boolean>();

  private indexOf(key: string, t: AllocationTable): AnyOrderIndex {
    if (key !== 'walk') {
      let same = this.walkRows.get(key);
      if (same === undefined) {
        const w = this.table;
        same = t === w || t.rows === w.rows;
        for (let i = 0; same && i < t.rows; i++) same = t.addrLo[i] === w.addrLo[i] && t.addrHi[i] === w.addrHi[i];
        this.walkRows.set(key, same);
      }
      if (same) key = 'walk';
    }
    let idx = this.indexes.get(key);
    if (!idx) {
      idx = indexAnyOrder(t);
      this.indexes.set(key, idx);
    }
    return idx;
  }

  /**
   * What the inspector shows first for `row` of a table: `key` 'walk' is the heap walk's
   * own table (`t` is ignored); any other key names a table (a chap list) for caching.
   * The first `limit` bytes with each aligned word there that points into an allocation
   * (with a text preview) or a module, the malloc_tracer footer when there is one, and
   * the class. Nothing here grows with the allocation's size: later bytes are
   * `inspectBytes`'s, read when they are shown.
   */
  async inspect(key: string, given: AllocationTable | null, row: number, limit = 4096): Promise<InspectResult> {
    const own = key === 'walk' || !given;
    const t = own ? this.table : given;
    const w = this.core.pointerSize;
    const addr = t.addrHi[row] * 4294967296 + t.addrLo[row];
    const size = t.size[row];
    const strings = new StringTable(t.strings);
    const modules = await this.modules();
    const page = await this.inspectBytes(key, given, row, 0, limit);
    const bytes = page.bytes;
    const words = page.words;
    const out: InspectResult = {
      row,
      address: hexOf(t.addrHi[row], t.addrLo[row]),
      size,
      state: t.state[row],
      type: strings.get(t.type[row]),
      pointerSize: w,
      bytes,
      truncated: (bytes?.length ?? 0) < size,
      words,
    };
    if (size >= FOOTER_BYTES && w === 8) {
      const f = await this.core.read(addr + size - FOOTER_BYTES, FOOTER_BYTES);
      if (f) {
        const dv = new DataView(f.buffer, f.byteOffset, 16);
        const requested = footerRequested(dv, 0);
        const r = resolveAddress(modules, footerReturn(dv, 0));
        out.footer = { returnAddress: hexOf(dv.getUint32(4, true), dv.getUint32(0, true)), requested, valid: r.executable && requested < size, lib: r.lib, func: r.func, offset: r.offset };
      }
    }
    if (own) {
      const sig = await this.classes();
      const id = sig.rowClass[row];
      if (id) out.className = new StringTable(sig.strings).get(id);
    } else if (out.type) out.className = out.type;
    // The first word of an object with a class is its vtable pointer: say so.
    const first = words[0];
    if (out.className && first && first.offset === 0 && first.symbol) first.symbol = `vtable for ${out.className}`;
    return out;
  }

  /**
   * `length` bytes of `row` from `offset` (clipped to the allocation) and the aligned words there that point into an
   * allocation (its row, address, the offset in it, a text preview) or a module (function or module + offset). The
   * previews are read together, one small read each: the cost is the page's, whatever the allocation's size.
   */
  async inspectBytes(key: string, given: AllocationTable | null, row: number, offset: number, length: number): Promise<InspectPage> {
    const own = key === 'walk' || !given;
    const t = own ? this.table : given;
    const w = this.core.pointerSize;
    const addr = t.addrHi[row] * 4294967296 + t.addrLo[row];
    const size = t.size[row];
    const from = Math.max(0, Math.min(size, Math.floor(offset)));
    const n = Math.max(0, Math.min(size - from, Math.floor(length)));
    const bytes = await this.core.read(addr + from, n);
    const words: InspectWord[] = [];
    if (!bytes) return { offset: from, bytes, words };
    const idx = this.indexOf(key, t);
    const modules = await this.modules();
    const previews: Promise<void>[] = [];
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // Aligned words of the allocation: the first at or after `from` whose offset is a multiple of the word size.
    for (let off = Math.ceil(from / w) * w - from; off + w <= bytes.length; off += w) {
      const v = w === 8 ? dv.getUint32(off, true) + dv.getUint32(off + 4, true) * 4294967296 : dv.getUint32(off, true);
      if (v < 4096) continue;
      const target = idx.rowOf(v);
      if (target !== NO_ROW) {
        const ta = t.addrHi[target] * 4294967296 + t.addrLo[target];
        const word: InspectWord = { offset: from + off, value: v.toString(16), target: { row: target, address: hexOf(t.addrHi[target], t.addrLo[target]), size: t.size[target], offset: v - ta } };
        words.push(word);
        previews.push(
          this.textAt(v, ta + t.size[target] - v).then((p) => {
            if (p !== undefined) word.target!.preview = p;
          }),
        );
        continue;
      }
      const r = resolveAddress(modules, v);
      if (r.module >= 0) words.push({ offset: from + off, value: v.toString(16), symbol: r.resolved ? `${r.func}+0x${r.offset.toString(16)}` : `${r.lib}+0x${r.offset.toString(16)}` });
    }
    await Promise.all(previews);
    // The page goes to the main thread by structured clone, which copies a view's whole buffer (a small page is a
    // view of the core's 64 KiB block cache): only the page's own bytes are sent.
    return { offset: from, bytes: bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice(), words };
  }

  /**
   * True when `t` (a chap list) describes this core: its first allocations
   * start exactly where allocations of the heap walk start.
   */
  holds(t: AllocationTable): boolean {
    const idx = this.indexOf('walk', this.table);
    let checked = 0;
    for (let i = 0; i < t.rows && checked < 8; i++) {
      const a = t.addrHi[i] * 4294967296 + t.addrLo[i];
      const row = idx.rowOf(a);
      if (row === NO_ROW || this.table.addrHi[row] * 4294967296 + this.table.addrLo[row] !== a) return false;
      checked++;
    }
    return checked > 0;
  }

  /** Printable text at `addr` (at least 4 characters, up to 64), e.g. a std::string's buffer. */
  private async textAt(addr: number, room: number): Promise<string | undefined> {
    const b = await this.core.read(addr, Math.max(0, Math.min(64, room)));
    if (!b) return undefined;
    let n = 0;
    while (n < b.length && b[n] >= 0x20 && b[n] < 0x7f) n++;
    if (n < 4 || (n < b.length && b[n] !== 0)) return undefined;
    return String.fromCharCode(...b.subarray(0, n));
  }

  async close(): Promise<void> {
    await this.core.close();
  }
}
