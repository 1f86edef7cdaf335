import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GzipIndex, GzipSource } from './gzip-index.ts';
import { BytesSource } from './source.ts';
import { coreLikeBytes, expectReadsMatch } from './compressed.test-helper.ts';

describe('gzip restart points (zran)', () => {
  for (const level of [1, 6, 9]) {
    it(`reads any range of a level-${level} gzip exactly, from points ~64 KiB apart, without decoding zero pages`, async () => {
      const raw = coreLikeBytes(3 << 20, level);
      const file = new BytesSource('x.gz', gzipSync(raw, { level }));
      const index = await GzipIndex.build(file, undefined, { span: 64 << 10 });
      expect(index.problem).toBeNull();
      expect(index.points.length).toBeGreaterThan(10);
      expect(index.zeroRange(0, 4096)).toBe(true);
      expect(index.zeroRange(4096, 4096)).toBe(false);
      // Windows are kept deflated: far less than 32 KiB a point.
      expect(index.bytes).toBeLessThan(index.points.length * 32768 * 0.75);
      const src = new GzipSource('x.gz', file, index, 256 << 10);
      await expectReadsMatch(src, raw, 200_000);
      // The cache keeps to its budget plus the span being read.
      const widest = Math.max(...index.points.map((p, k) => (index.points[k + 1]?.out ?? raw.length) - p.out));
      expect(src.peakCached).toBeLessThanOrEqual((256 << 10) + widest);
    });
  }

  it('a span decoded again reads about its own compressed bytes, not a fixed 1 MiB', async () => {
    const raw = coreLikeBytes(8 << 20, 7);
    const gz = gzipSync(raw, { level: 6 });
    let read = 0;
    const inner = new BytesSource('x.gz', gz);
    const file = { name: 'x.gz', size: gz.length, read: (o: number, n: number) => ((read += Math.min(n, gz.length - o)), inner.read(o, n)) };
    const index = await GzipIndex.build(file, undefined, { span: 256 << 10 });
    const src = new GzipSource('x.gz', file, index, 0);
    for (let k = 1; k + 1 < index.points.length; k++) {
      read = 0;
      const at = index.points[k].out;
      const got = await src.read(at, 4096);
      expect(Buffer.from(got).equals(Buffer.from(raw.subarray(at, at + 4096)))).toBe(true);
      const span = index.points[k + 1].in - index.points[k].in;
      expect(read).toBeLessThanOrEqual(Math.max(4096, span + 64) + 1);
    }
  });

  it('reads running at once, with a cache too small for them, each get their own bytes while evicted chunk buffers are reused', async () => {
    const raw = coreLikeBytes(4 << 20, 11);
    const file = new BytesSource('x.gz', gzipSync(raw, { level: 6 }));
    const index = await GzipIndex.build(file, undefined, { span: 128 << 10 });
    const src = new GzipSource('x.gz', file, index, 64 << 10);
    for (let round = 0; round < 4; round++) {
      const at = Array.from({ length: 24 }, (_, i) => ((i * 2654435761 + round * 977) >>> 0) % (raw.length - 300_000));
      const got = await Promise.all(at.map((a) => src.read(a, 300_000)));
      got.forEach((g, i) => expect(Buffer.from(g).equals(Buffer.from(raw.subarray(at[i], at[i] + 300_000))), `read at ${at[i]}`).toBe(true));
    }
    expect(src.decodes).toBeGreaterThan(24);
  });

  it('a span evicted while another read is between getting its chunks and copying them is not overwritten by the next decode', async () => {
    // Six spans of noise (each ~144 KiB: whole 64 KiB chunks, which go to the reuse pool) and a cache of one span, so
    // that every decode evicts the span decoded before it. A read copies its span's chunks a microtask after they are
    // handed to it; reads started a few microtasks apart (every pair of offsets up to 11) put another read's eviction
    // and the next decode into that gap. Giving evicted chunks to the pool when any read ends (not once no read runs)
    // or at eviction gives a read another span's bytes in some of these starts (the case above passes either way).
    const span = 128 << 10;
    const raw = new Uint8Array(span * 6);
    let x = 7;
    for (let i = 0; i < raw.length; i++) raw[i] = 1 + (((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16) % 255);
    const file = new BytesSource('x.gz', gzipSync(raw, { level: 6 }));
    const index = await GzipIndex.build(file, undefined, { span });
    expect(index.points.length).toBe(6);
    const ticks = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) await Promise.resolve();
    };
    for (let a = 0; a < 12; a++) {
      for (let b = 0; b < 12; b++) {
        const src = new GzipSource('x.gz', file, index, 0);
        const readSpan = async (k: number, after: number): Promise<void> => {
          await ticks(after);
          const at = index.points[k].out + 100;
          const got = await src.read(at, 4096);
          expect(Buffer.from(got).equals(Buffer.from(raw.subarray(at, at + 4096))), `span ${k}'s read, started ${after} microtasks late (a=${a}, b=${b})`).toBe(true);
        };
        await Promise.all([readSpan(0, 0), readSpan(1, a), readSpan(2, b), readSpan(3, (a * 3 + b) % 12), readSpan(4, (a * 4 + b) % 12), readSpan(5, (a * 5 + b) % 12)]);
        expect(src.decodes).toBe(6);
      }
    }
  });

  it('concatenated members, trailing garbage ignored', async () => {
    const a = coreLikeBytes(1 << 20, 3);
    const b = coreLikeBytes(1 << 20, 4);
    const gz = Buffer.concat([gzipSync(a), gzipSync(b), Buffer.from([0, 0, 0, 0])]);
    const file = new BytesSource('two.gz', gz);
    const index = await GzipIndex.build(file, undefined, { span: 100_000 });
    expect(index.problem).toBeNull();
    const both = new Uint8Array(a.length + b.length);
    both.set(a);
    both.set(b, a.length);
    await expectReadsMatch(new GzipSource('two.gz', file, index), both, 200_000);
  });

  it('a truncated file: what was decoded is readable and the problem is said', async () => {
    const raw = coreLikeBytes(2 << 20, 5);
    const gz = gzipSync(raw);
    const file = new BytesSource('cut.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    const index = await GzipIndex.build(file, undefined, { span: 64 << 10 });
    expect(index.problem).toMatch(/truncated/);
    expect(index.size).toBeGreaterThan(0);
    const src = new GzipSource('cut.gz', file, index);
    const got = await src.read(0, index.size);
    expect(Buffer.from(got).equals(Buffer.from(raw.subarray(0, index.size)))).toBe(true);
  });

  it('refuses past its decoded-size limit, and thins its points to stay bounded', async () => {
    const file = new BytesSource('z.gz', gzipSync(new Uint8Array(64 << 20)));
    await expect(GzipIndex.build(file, undefined, { maxDecoded: 16 << 20 })).rejects.toThrow(/z\.gz: .*refused/);
    const index = await GzipIndex.build(file, undefined, { span: 4096 });
    expect(index.points.length).toBeLessThanOrEqual(2049);
    expect(index.bytes).toBeLessThan(64 << 10); // zero windows are shared
  });
});
