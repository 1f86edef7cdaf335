/**
 * Random-access byte sources. Readers never hold a whole input in memory: they
 * ask for slices. In the browser a source wraps a `File`/`Blob` (`Blob.slice`);
 * in Node (CLI, tests, benchmarks) it wraps a file handle (`node-source.ts`).
 */
export interface ByteSource {
  readonly name: string;
  /** Size in bytes of the stored (possibly compressed) input. */
  readonly size: number;
  /** Reads up to `length` bytes at `offset`; shorter only at the end of the input. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Optional: reads up to `dst.length` bytes at `offset` into `dst` and returns how many were read (fewer only
   * at the end of the input). Lets a reader reuse one window buffer instead of allocating one per read.
   */
  readInto?(offset: number, dst: Uint8Array): Promise<number>;
  /**
   * Optional: bytes a reader scanning the input in order should ask for at once. Unset: reads are cheap (a file
   * on disk, memory) and readers keep their own windows (about 1 MiB, which stays in the CPU's caches).
   */
  readonly windowHint?: number;
  /**
   * Optional: the reader will read this source many times over (a plain core: the heap walk, the attribution, the
   * leak graph, the inspector). A source that is slow per read and may hold it (`BlobSource` within its allowance)
   * keeps what it reads from then on; returns whether it does.
   */
  keep?(): boolean;
  close?(): Promise<void>;
}

/**
 * Bytes of dropped files the sources of one worker may keep in memory (`ByteSource.keep`), shared by every source
 * made with it: a source keeps its file only when the whole of it fits in what is left, and gives it back on close.
 */
export class KeepAllowance {
  constructor(public left: number) {}
}

/**
 * Sequential reads of a source that is slow per call, served from aligned chunks fetched ahead: a read that starts
 * where the last scan read ended (or inside a chunk held) is a scan; its chunk and the next `ahead` ones are asked
 * for at once, so the next ones arrive while the reader works on this one. Other reads go straight to the fetch, and
 * so do reads of a chunk or more (a reader with windows that big reads ahead itself, if it wants to).
 * Held: the chunks the last read spans, the one before them (a read across their border) and `ahead` after them;
 * none once no scan read came for `idleMs`.
 */
export class ReadAhead {
  private readonly chunks = new Map<number, Promise<Uint8Array>>();
  /** End of the last scan read (a read of at least `scanBytes`, or one served from the chunks). */
  private scanEnd = -1;
  private idle: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly size: number,
    private readonly fetch: (offset: number, end: number) => Promise<Uint8Array>,
    readonly chunkBytes = 4 << 20,
    readonly ahead = 4,
    private readonly scanBytes = 64 << 10,
    private readonly idleMs = 1000,
  ) {}

  /** Every chunk is kept once fetched (`keepAll`): none is dropped, every read is served from them. */
  private keepingAll = false;

  /** True from `keepAll` until `release`. */
  get keeping(): boolean {
    return this.keepingAll;
  }

  /** Chunks held or asked for. */
  get held(): number {
    return this.chunks.size;
  }

  /** Bytes of the chunks held or asked for. */
  get heldBytes(): number {
    return Math.min(this.size, this.chunks.size * this.chunkBytes);
  }

  /** From now on keeps every chunk fetched, until `release`: reads of any size and place are served from them. */
  keepAll(): void {
    this.keepingAll = true;
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
  }

  private chunk(i: number): Promise<Uint8Array> {
    let p = this.chunks.get(i);
    if (!p) {
      const from = i * this.chunkBytes;
      p = this.fetch(from, Math.min(this.size, from + this.chunkBytes));
      this.chunks.set(i, p);
      // A chunk read ahead may never be awaited: its failure is the next read's, asked again then.
      p.catch(() => {
        if (this.chunks.get(i) === p) this.chunks.delete(i);
      });
    }
    return p;
  }

  /**
   * Whether the read of `length` bytes at `offset` is a scan's (then `copy` serves it from the chunks); a read of at
   * least `scanBytes` that is not starts one (the next read from its end is).
   */
  scans(offset: number, length: number): boolean {
    const end = Math.min(this.size, offset + length);
    if (offset >= end) return false;
    const prevEnd = this.scanEnd;
    if (length >= this.scanBytes) this.scanEnd = end;
    // A read of a chunk or more is its reader's own window (it reads ahead itself if it wants): read directly.
    if (length >= this.chunkBytes) return false;
    const scan = offset === prevEnd || this.chunks.has(Math.floor(offset / this.chunkBytes)) || (length >= this.scanBytes && prevEnd >= 0 && offset > prevEnd && offset - prevEnd <= this.chunkBytes);
    if (scan) this.scanEnd = end;
    return scan;
  }

  /** `dst.length` bytes at `offset` into `dst` from the chunks (fewer only at the end of the source); the next `ahead` chunks are asked for. */
  copy(offset: number, dst: Uint8Array): Promise<number> {
    const end = Math.min(this.size, offset + dst.length);
    if (offset >= end) return Promise.resolve(0);
    const first = Math.floor(offset / this.chunkBytes);
    const last = Math.floor((end - 1) / this.chunkBytes);
    const stop = Math.min(Math.ceil(this.size / this.chunkBytes), last + 1 + this.ahead);
    if (!this.keepingAll) for (const k of [...this.chunks.keys()]) if (k < first - 1 || k >= stop) this.chunks.delete(k);
    const mine: Promise<Uint8Array>[] = [];
    for (let i = first; i < stop; i++) {
      const p = this.chunk(i);
      if (i <= last) mine.push(p);
    }
    this.keepAlive();
    return (async () => {
      let got = 0;
      for (let i = first; i <= last; i++) {
        const c = await mine[i - first];
        const from = i === first ? offset - i * this.chunkBytes : 0;
        const take = Math.min(c.length - from, end - offset - got);
        dst.set(c.subarray(from, from + take), got);
        got += take;
      }
      return got;
    })();
  }

  /** Drops every chunk once no scan read came for `idleMs` (what a finished scan held is given back). */
  private keepAlive(): void {
    if (this.keepingAll) return;
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => this.release(), this.idleMs);
    (this.idle as { unref?: () => void }).unref?.();
  }

  release(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    this.keepingAll = false;
    this.chunks.clear();
    this.scanEnd = -1;
  }
}

/**
 * `BlobSource`'s slices of its `File` (see there): 16 MiB, two ahead, for a file of 256 MiB or more; 4 MiB, four
 * ahead, below (what a compressed core's index reads hold stays small: the bench core's 31 MB .gz, tab 383 MiB
 * with 4 MiB slices, 403 MiB with 16 MiB).
 */
const blobSlices = (size: number): [chunk: number, ahead: number] => (size >= 256 << 20 ? [16 << 20, 2] : [4 << 20, 4]);

/**
 * The first bytes of a `File`, read once for the small reads within them: sniffing and each reader's opening look at
 * the head again and again (the magic, the compression, a text's first 64 KiB), each a round trip to the browser.
 */
const BLOB_HEAD = 64 << 10;

export class BlobSource implements ByteSource {
  readonly name: string;
  readonly size: number;
  /**
   * Each read of a dropped `File` is a round trip to the browser process: about 0.6 ms whatever its size, then
   * about 1 GB/s (Chromium, a worker, 2026-12-02: a 535 MB core read in 1 MiB slices took 1.1–1.2 s, in 16 MiB
   * slices 0.5–0.6 s), so memory scans read it in 8 MiB windows. Reads that scan the file in order are served from
   * slices asked for ahead (`blobSlices`: 16 MiB two ahead for a big file, 4 MiB four ahead below; `ReadAhead`: the
   * bench core's 607 MB, read in 1 MiB windows by the heap walk, waited 2.2–2.4 s for them one 4 MiB slice at a
   * time, 1.1–1.4 s with four in flight; load 5–6). Each slice costs
   * the browser process and the worker CPU besides its bytes (2026-12-05, the 607 MB read alone, best of several:
   * 4 MiB × 4 in flight 1.15 s of the browser process's CPU, 16 MiB × 2 0.89 s; the 6 GB core's heap walk, which
   * reads the File throughout, 19.9 s to the overview with 4 MiB × 4, 15.4–16.2 s with 16 or 32 MiB × 2).
   *
   * A source made with an allowance (`KeepAllowance`) keeps the whole file once `keep` is called and it fits: every
   * read is then served from the slices, fetched once and kept (later passes over a core copy from memory instead
   * of asking the browser again: the File gave ~200 MB/s here, 2026-12-04).
   */
  readonly windowHint = 8 << 20;
  private readonly ahead: ReadAhead;
  constructor(
    private readonly blob: Blob,
    name?: string,
    private readonly allowance?: KeepAllowance,
  ) {
    this.name = name ?? (blob as File).name ?? 'input';
    this.size = blob.size;
    this.ahead = new ReadAhead(this.size, (from, end) => this.slice(from, end), ...blobSlices(this.size));
  }
  private async slice(offset: number, end: number): Promise<Uint8Array> {
    return new Uint8Array(await this.blob.slice(offset, end).arrayBuffer());
  }
  /** True while the file is kept (`keep`, until `close`). */
  private get keeping(): boolean {
    return this.ahead.keeping;
  }
  keep(): boolean {
    if (this.keeping) return true;
    const a = this.allowance;
    if (!a || this.size > a.left) return false;
    a.left -= this.size;
    this.ahead.keepAll();
    return true;
  }
  /** Bytes of the file kept in memory (`keep`). */
  get residentBytes(): number {
    return this.keeping ? this.ahead.heldBytes : 0;
  }
  /** The file's first `BLOB_HEAD` bytes, once asked for (`inHead`). */
  private head: Promise<Uint8Array> | null = null;

  /** The head (`BLOB_HEAD` bytes, read once) when a read ending at `end` lies in it and the file is not kept whole. */
  private inHead(end: number): Promise<Uint8Array> | null {
    if (end > BLOB_HEAD || this.keeping) return null;
    if (!this.head) {
      const p = this.slice(0, Math.min(this.size, BLOB_HEAD));
      // A failed read is reported by the read that asked, and asked again by the next.
      p.catch(() => {
        if (this.head === p) this.head = null;
      });
      this.head = p;
    }
    return this.head;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const end = Math.min(this.size, offset + length);
    if (offset >= end) return new Uint8Array(0);
    const head = this.inHead(end);
    if (head) return (await head).slice(offset, end);
    if (!this.keeping && !this.ahead.scans(offset, end - offset)) return this.slice(offset, end);
    const out = new Uint8Array(end - offset);
    return out.subarray(0, await this.ahead.copy(offset, out));
  }
  async readInto(offset: number, dst: Uint8Array): Promise<number> {
    const end = Math.min(this.size, offset + dst.length);
    const head = offset < end ? this.inHead(end) : null;
    if (head) {
      dst.set((await head).subarray(offset, end));
      return end - offset;
    }
    if (this.keeping || this.ahead.scans(offset, dst.length)) return this.ahead.copy(offset, dst);
    const b = await this.slice(offset, end);
    dst.set(b);
    return b.length;
  }
  async close(): Promise<void> {
    if (this.keeping && this.allowance) this.allowance.left += this.size;
    this.ahead.release();
    this.head = null;
  }
}

/** An in-memory source, for tests and small generated inputs. */
export class BytesSource implements ByteSource {
  readonly size: number;
  constructor(readonly name: string, private readonly bytes: Uint8Array) {
    this.size = bytes.length;
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    return this.bytes.subarray(offset, Math.min(this.size, offset + length));
  }
}
