import { describe, expect, it } from 'vitest';
import { BlobSource, KeepAllowance, ReadAhead } from './source.ts';
import { keptCoreBytes } from './budget.ts';
import { compressionOf, decodedChunks, decodedHead, decodedSizeHint } from './stream.ts';

/** Deterministic bytes: every read can be checked against them. */
function bytes(n: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(new ArrayBuffer(n));
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

/** Whether `a` holds the bytes of `b` (toEqual is slow on megabytes). */
function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A fetch that records each call and answers after a tick, as a `File` slice does. */
function recorded(data: Uint8Array) {
  const calls: [number, number][] = [];
  const fetch = async (from: number, end: number) => {
    calls.push([from, end]);
    await new Promise((r) => setTimeout(r, 0));
    return data.slice(from, end);
  };
  return { calls, fetch };
}

describe('ReadAhead: scans of a slow source from chunks asked ahead', () => {
  const data = bytes(1_000_003);

  it('a scan in windows is served from chunks, the next ones asked before they are read, every byte equal', async () => {
    const { calls, fetch } = recorded(data);
    const ra = new ReadAhead(data.length, fetch, 65_536, 3, 4096, 60_000);
    const win = 10_000;
    const dst = new Uint8Array(win);
    // The first window is read directly (no scan yet); every later one continues it.
    expect(ra.scans(0, win)).toBe(false);
    dst.set(data.subarray(0, win));
    for (let off = win; off < data.length; off += win) {
      expect(ra.scans(off, win)).toBe(true);
      const n = await ra.copy(off, dst);
      expect(n).toBe(Math.min(win, data.length - off));
      expect(same(dst.subarray(0, n), data.subarray(off, off + n))).toBe(true);
      // The chunks the read spans (one or two), the one before them, three ahead.
      expect(ra.held).toBeLessThanOrEqual(2 + 1 + 3);
    }
    // Each chunk asked once, aligned, in order; the last one cut at the end of the source.
    expect(calls.length).toBe(Math.ceil(data.length / 65_536));
    calls.forEach(([from, end], i) => {
      expect(from).toBe(i * 65_536);
      expect(end).toBe(Math.min(data.length, from + 65_536));
    });
    ra.release();
    expect(ra.held).toBe(0);
  });

  it('reads elsewhere go straight to the source and do not end the scan', async () => {
    const { calls, fetch } = recorded(data);
    const ra = new ReadAhead(data.length, fetch, 65_536, 2, 4096, 60_000);
    expect(ra.scans(0, 8192)).toBe(false);
    expect(ra.scans(8192, 8192)).toBe(true);
    await ra.copy(8192, new Uint8Array(8192));
    const before = calls.length;
    // A word far away: not a scan (the caller reads it), nothing asked.
    expect(ra.scans(900_000, 8)).toBe(false);
    expect(calls.length).toBe(before);
    // The scan goes on where it was.
    expect(ra.scans(16_384, 8192)).toBe(true);
    const d = new Uint8Array(8192);
    await ra.copy(16_384, d);
    expect(same(d, data.subarray(16_384, 24_576))).toBe(true);
    ra.release();
  });

  it('a read across chunk borders and past the end of the source; a read of a chunk or more is direct', async () => {
    const { calls, fetch } = recorded(data);
    const ra = new ReadAhead(data.length, fetch, 65_536, 1, 4096, 60_000);
    ra.scans(0, 30_000);
    expect(ra.scans(30_000, 60_000)).toBe(true);
    const d = new Uint8Array(60_000);
    expect(await ra.copy(30_000, d)).toBe(60_000);
    expect(same(d, data.subarray(30_000, 90_000))).toBe(true);
    // A window as big as a chunk: its reader's own (read directly), though it continues the scan.
    const asked = calls.length;
    expect(ra.scans(90_000, 65_536)).toBe(false);
    expect(calls.length).toBe(asked);
    ra.scans(data.length - 30_050, 30_000);
    const tail = new Uint8Array(60_000);
    expect(ra.scans(data.length - 50, 60_000)).toBe(true);
    expect(await ra.copy(data.length - 50, tail)).toBe(50);
    expect(same(tail.subarray(0, 50), data.subarray(data.length - 50))).toBe(true);
    ra.release();
  });

  it('a chunk whose read failed is asked again by the next read, which sees the failure once', async () => {
    let fail = true;
    const fetch = async (from: number, end: number) => {
      if (fail && from > 0) throw new Error('NotReadableError');
      return data.slice(from, end);
    };
    const ra = new ReadAhead(data.length, fetch, 65_536, 2, 4096, 60_000);
    ra.scans(0, 4096);
    ra.scans(4096, 4096);
    await ra.copy(4096, new Uint8Array(4096));
    expect(ra.scans(65_536, 4096)).toBe(true);
    await expect(ra.copy(65_536, new Uint8Array(4096))).rejects.toThrow('NotReadableError');
    fail = false;
    const d = new Uint8Array(4096);
    ra.scans(65_536, 4096);
    await ra.copy(65_536, d);
    expect(same(d, data.subarray(65_536, 65_536 + 4096))).toBe(true);
    ra.release();
  });
});

describe('BlobSource', () => {
  it('gives every byte of a Blob, scanned in windows or read anywhere', async () => {
    const data = bytes(9 << 20);
    const src = new BlobSource(new Blob([data]), 'core');
    const win = new Uint8Array(1 << 20);
    for (let off = 0; off < data.length; off += win.length) {
      const n = await src.readInto(off, win);
      expect(n).toBe(win.length);
      expect(same(win, data.subarray(off, off + n))).toBe(true);
      const word = await src.read(data.length - 8 - off, 8);
      expect(same(word, data.subarray(data.length - 8 - off, data.length - off))).toBe(true);
    }
    expect(same(await src.read(data.length - 3, 100), data.subarray(data.length - 3))).toBe(true);
    expect((await src.read(data.length, 10)).length).toBe(0);
    await src.close();
  });
});

describe('BlobSource: the head of a dropped file', () => {
  /** A Blob whose slices are counted (start, end), as the `File` each costs a round trip to the browser. */
  function countedBlob(data: Uint8Array<ArrayBuffer>): { blob: Blob; slices: [number, number][] } {
    const slices: [number, number][] = [];
    const real = new Blob([data]);
    const blob = Object.create(real) as Blob;
    Object.defineProperty(blob, 'size', { value: real.size });
    blob.slice = (start?: number, end?: number) => {
      slices.push([start ?? 0, end ?? real.size]);
      return real.slice(start, end);
    };
    return { blob, slices };
  }

  it('sniffing a text and opening its reader read the first 64 KiB once, and nothing ahead', async () => {
    const text = new TextEncoder().encode('Used allocation at 1000 of size 18\n\n'.repeat(600_000));
    const { blob, slices } = countedBlob(text);
    const src = new BlobSource(blob, 'x.list_used');
    // What `sniff` reads: the magic, then the first 64 KiB decoded.
    expect(compressionOf(await src.read(0, 4))).toBe('none');
    expect((await decodedHead(src, 65536)).length).toBe(65536);
    expect(await decodedSizeHint(src)).toBe(text.length);
    const first = (await decodedChunks(src).next()).value as Uint8Array;
    expect(same(first.subarray(0, 1000), text.subarray(0, 1000))).toBe(true);
    // The head once (0–64 KiB), the one slice sniffing asked after it, then the reader's own first slices.
    expect(slices.filter(([, e]) => e <= 64 << 10)).toEqual([[0, 64 << 10]]);
    const beforeReader = slices.filter(([s]) => s > 0 && s < 4 << 20);
    expect(beforeReader).toEqual([[64 << 10, 128 << 10]]);
    // Head reads give the bytes asked, wherever they lie in it, and past the file's end nothing.
    expect(same(await src.read(10, 20), text.subarray(10, 30))).toBe(true);
    const d = new Uint8Array(100);
    expect(await src.readInto(65_500, d)).toBe(100);
    expect(same(d, text.subarray(65_500, 65_600))).toBe(true);
    await src.close();
  });

  it('a file smaller than the head is read whole once', async () => {
    const data = bytes(1000);
    const { blob, slices } = countedBlob(data);
    const src = new BlobSource(blob, 'small');
    expect(same(await src.read(0, 4), data.subarray(0, 4))).toBe(true);
    expect(same(await src.read(990, 100), data.subarray(990))).toBe(true);
    expect((await src.read(1000, 10)).length).toBe(0);
    expect(slices).toEqual([[0, 1000]]);
  });
});

describe('keeping a file: every chunk fetched once, every later read from memory', () => {
  it('ReadAhead.keepAll: two passes and random reads ask each chunk once, every byte equal', async () => {
    const data = bytes(1_000_003);
    const { calls, fetch } = recorded(data);
    const ra = new ReadAhead(data.length, fetch, 65_536, 2, 4096, 10);
    ra.keepAll();
    const d = new Uint8Array(10_000);
    for (let pass = 0; pass < 2; pass++) {
      for (let off = 0; off < data.length; off += d.length) {
        const n = await ra.copy(off, d);
        expect(same(d.subarray(0, n), data.subarray(off, off + n))).toBe(true);
      }
      await new Promise((r) => setTimeout(r, 30)); // past the idle time: a scan's chunks would be dropped
    }
    for (const off of [999_000, 3, 500_000, 65_530]) {
      const n = await ra.copy(off, d.subarray(0, 100));
      expect(same(d.subarray(0, n), data.subarray(off, off + n))).toBe(true);
    }
    const chunks = Math.ceil(data.length / 65_536);
    expect(calls.length).toBe(chunks);
    expect(new Set(calls.map((c) => c[0])).size).toBe(chunks);
    expect(ra.heldBytes).toBe(data.length);
    ra.release();
    expect(ra.held).toBe(0);
  });

  it('BlobSource.keep: kept only when the file fits what is left of the allowance, given back on close', async () => {
    const data = bytes(5 << 20);
    const allowance = new KeepAllowance(8 << 20);
    const a = new BlobSource(new Blob([data]), 'a', allowance);
    const b = new BlobSource(new Blob([data]), 'b', allowance);
    expect(a.keep()).toBe(true);
    expect(allowance.left).toBe(3 << 20);
    expect(b.keep()).toBe(false); // 5 MiB do not fit in the 3 left
    expect(b.residentBytes).toBe(0);
    // Reads of any size and place give the file's bytes, and what was read stays.
    const big = new Uint8Array(5 << 20);
    expect(await a.readInto(0, big)).toBe(data.length);
    expect(same(big, data)).toBe(true);
    expect(same(await a.read(data.length - 9, 100), data.subarray(data.length - 9))).toBe(true);
    expect(a.residentBytes).toBe(data.length);
    await a.close();
    expect(a.residentBytes).toBe(0);
    expect(allowance.left).toBe(8 << 20);
    expect(b.keep()).toBe(true);
    await b.close();
    // No allowance: never kept.
    expect(new BlobSource(new Blob([data]), 'c').keep()).toBe(false);
  });

  it('keptCoreBytes: an eighth of the device memory, at most 1 GiB, 512 MiB when unknown', () => {
    expect(keptCoreBytes(8)).toBe(2 ** 30);
    expect(keptCoreBytes(4)).toBe(512 * 2 ** 20);
    expect(keptCoreBytes(0.5)).toBe(64 * 2 ** 20);
    expect(keptCoreBytes(undefined)).toBe(512 * 2 ** 20);
    expect(keptCoreBytes(64)).toBe(2 ** 30);
  });
});
