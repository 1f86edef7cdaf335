import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CancelledError } from './errors.ts';
import { BytesSource } from './source.ts';
import { decodedChunks, decodedHead, rawChunks, type Progress } from './stream.ts';

const text = 'x'.repeat(100_000);

describe('sliced reading', () => {
  it('reads in slices of the requested size and reports progress to the end', async () => {
    const seen: Progress[] = [];
    const sizes: number[] = [];
    for await (const c of rawChunks(new BytesSource('a', new TextEncoder().encode(text)), { chunkSize: 30_000, onProgress: (p) => seen.push(p) })) {
      sizes.push(c.length);
    }
    expect(sizes).toEqual([30_000, 30_000, 30_000, 10_000]);
    expect(seen.at(-1)).toEqual({ file: 'a', bytesRead: 100_000, totalBytes: 100_000 });
  });

  it('asks for the next slices before the reader takes one, and goes on right after a short read', async () => {
    const bytes = new TextEncoder().encode(text);
    const asked: number[] = [];
    let pending = 0;
    let most = 0;
    // A source that answers after a tick and, once, fewer bytes than asked (in the middle of the file).
    const src = {
      name: 'slow',
      size: bytes.length,
      async read(offset: number, length: number) {
        asked.push(offset);
        pending++;
        most = Math.max(most, pending);
        await new Promise((r) => setTimeout(r, 1));
        pending--;
        return bytes.subarray(offset, Math.min(bytes.length, offset + (offset === 30_000 ? 7 : length)));
      },
    };
    let out = '';
    for await (const c of rawChunks(src, { chunkSize: 10_000 })) out += new TextDecoder().decode(c);
    expect(out).toBe(text);
    expect(most).toBeGreaterThan(1);
    expect(asked).toContain(30_007);
  });

  it('stops with CancelledError naming the file once the shared flag is set', async () => {
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    const it = rawChunks(new BytesSource('big.list', new TextEncoder().encode(text)), { chunkSize: 10_000, cancel });
    await it.next();
    Atomics.store(cancel, 0, 1);
    const err = await it.next().catch((e) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect(err.message).toBe('big.list: reading was cancelled');
  });

  it('inflates gzip transparently, with progress on the compressed bytes', async () => {
    const gz = gzipSync(text);
    let out = '';
    let last: Progress | undefined;
    for await (const c of decodedChunks(new BytesSource('a.gz', gz), { chunkSize: 100, onProgress: (p) => (last = p) })) {
      out += new TextDecoder().decode(c);
    }
    expect(out).toBe(text);
    expect(last?.bytesRead).toBe(gz.length);
    expect(new TextDecoder().decode(await decodedHead(new BytesSource('a.gz', gz), 10))).toBe('xxxxxxxxxx');
  });
});
