/**
 * Decompression bombs of issue 13 as regression tests: an 8 KB bzip2 core inflating to 6 GiB passed 4 GB RSS (every
 * non-zero page of the decoded core was kept). Compressed cores are now read through an index of their blocks or
 * restart points with a bounded cache, within `CORE_DECODE_BUDGET` of decoded bytes: a bomb is read in bounded
 * memory, or refused with an InputError naming the file and the limit. The bombs are made here, small on disk:
 * concatenated bzip2 streams (`bzip2` command) or gzip members of runs of one byte.
 */
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { withSource } from '../../../../test-support/node-files.ts';
import { describeShared, sharedPath } from '../../../../test-support/shared.ts';
import { CORE_DECODE_BUDGET, decodedLimit } from '../../io/budget.ts';
import { InputError } from '../../io/errors.ts';
import { BytesSource } from '../../io/source.ts';
import { openCore } from './core-file.ts';
import { concatBytes, oneLoadCoreHeader } from '../../../../test-support/elf-core-writer.ts';

const HAVE_BZIP2 = spawnSync('bzip2', ['--help'], { stdio: 'ignore' }).status === 0;
const MiB = 1 << 20;
const SEG = 0x10000000;

function bzip2(bytes: Uint8Array): Uint8Array {
  const r = spawnSync('bzip2', ['-c', '-9'], { input: bytes, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`bzip2 failed: ${r.stderr}`);
  return new Uint8Array(r.stdout);
}

/** Peak growth of this process's resident memory while `fn` runs, sampled by `sample` (call it often). */
async function rssGrowth<T>(fn: (sample: () => void) => Promise<T>): Promise<{ result: T | Error; growth: number }> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const result = await fn(sample).catch((e: Error) => e);
  sample();
  return { result, growth: peak - base };
}

/** Reads the whole segment window by window through `core`, checking every byte is `value`; returns the most the core held. */
async function readAll(core: Awaited<ReturnType<typeof openCore>>, length: number, value: number, sample: () => void): Promise<number> {
  const win = new Uint8Array(4 * MiB);
  let held = 0;
  for (let at = 0; at < length; at += win.length) {
    const w = win.subarray(0, Math.min(win.length, length - at));
    expect(await core.readInto!(SEG + at, w)).not.toBeNull();
    let bad = 0;
    for (let i = 0; i < w.length; i += 509) if (w[i] !== value) bad++;
    expect(bad).toBe(0);
    held = Math.max(held, core.residentBytes);
    sample();
  }
  return held;
}

describe.skipIf(!HAVE_BZIP2)('bzip2 decompression bombs (skipped without the bzip2 command, which makes them)', () => {
  // One bzip2 -9 block holds ~45.9 MB of a run of one byte, in ~45 bytes.
  const RUN = 45_000_000;

  it("issue 13's 8 KB bzip2 core inflating to 6 GiB is refused at the budget, naming the file and the limit, in bounded memory", async () => {
    const ones = bzip2(new Uint8Array(RUN).fill(1));
    const zeros = bzip2(new Uint8Array(RUN));
    expect(ones.length).toBeLessThan(100);
    const n = Math.ceil((6 * 2 ** 30) / RUN);
    const file = concatBytes([bzip2(oneLoadCoreHeader(n * RUN)), ...Array.from({ length: n }, (_, i) => (i % 2 ? zeros : ones))]);
    expect(file.length).toBeLessThan(10_000);
    const limit = decodedLimit(file.length, CORE_DECODE_BUDGET);
    expect(limit).toBeLessThan(2 ** 30);
    const { result, growth } = await rssGrowth((sample) => openCore(new BytesSource('bomb.core.bz2', file), { onProgress: sample }));
    expect(result).toBeInstanceOf(InputError);
    expect((result as Error).message).toMatch(
      /^bomb\.core\.bz2: the bzip2 data decodes to more than [\d,.]+ MiB, the limit for a [\d.]+ KiB file \(20,000× its size, at least 256 MiB, at most 65,536 MiB\): refused as a decompression bomb \(if it is a real input, decompress it and open that\)$/,
    );
    // It decoded up to the limit (256 MiB, the floor: half of it non-zero) holding none of it.
    expect(growth).toBeLessThan(256 * MiB);
  }, 300_000);

  it('a bzip2 core of runs under the budget opens and reads whole through a bounded cache', async () => {
    const n = 5;
    const file = concatBytes([bzip2(oneLoadCoreHeader(n * RUN)), ...Array.from({ length: n }, () => bzip2(new Uint8Array(RUN).fill(7)))]);
    const { result, growth } = await rssGrowth(async (sample) => {
      const core = await openCore(new BytesSource('runs.core.bz2', file), { onProgress: sample });
      expect(core.imageSize).toBe(4096 + n * RUN);
      expect(core.warnings).toEqual([]);
      return readAll(core, n * RUN, 7, sample);
    });
    if (result instanceof Error) throw result;
    // The cache (32 MiB) plus the block being read (45 MB, all non-zero), never the 225 MB decoded.
    expect(result).toBeLessThan(32 * MiB + RUN + MiB);
    expect(growth).toBeLessThan(200 * MiB);
  }, 300_000);
});

describe('gzip decompression bombs', () => {
  it('a 1 MB gzip core of runs decoding to 512 MiB opens and reads whole in bounded memory (restart points, a bounded cache)', async () => {
    // gzip members concatenated: the first is the core's header page, then 8 × 64 MiB of 0x01 (deflate's best, 1032:1).
    const run = gzipSync(new Uint8Array(64 * MiB).fill(1), { level: 9 });
    const n = 8;
    const file = concatBytes([gzipSync(oneLoadCoreHeader(n * 64 * MiB)), ...Array.from({ length: n }, () => run)]);
    expect(file.length).toBeLessThan(MiB);
    const { result, growth } = await rssGrowth(async (sample) => {
      const core = await openCore(new BytesSource('runs.core.gz', file), { onProgress: sample, chunkSize: 64 << 10 });
      expect(core.imageSize).toBe(4096 + n * 64 * MiB);
      return readAll(core, n * 64 * MiB, 1, sample);
    });
    if (result instanceof Error) throw result;
    // Restart points (a 32 KiB window per MiB: 16 MiB) and the span cache (32 MiB).
    expect(result).toBeLessThan(64 * MiB);
    expect(growth).toBeLessThan(256 * MiB);
  }, 300_000);

  it('a gzip file of zeros that is no core is refused from its first bytes, not decoded whole', async () => {
    const zeros = gzipSync(new Uint8Array(64 * MiB), { level: 9 });
    const file = concatBytes(Array.from({ length: 16 }, () => zeros));
    const err = await openCore(new BytesSource('zeros.gz', file)).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe('zeros.gz: not an ELF file (no \\x7fELF magic)');
  }, 300_000);
});

// The budget is a ratio only bzip2 runs of zeros reach: every real compressed core opens under it, the most compressible
// one (chap's SpinningThreads, 3,167:1) with at least 5× to spare. A lower ratio would refuse real cores here.
const REAL = [
  'peer/chap-suite/ELF64/SpinningThreads/core.SpinningThreads.bz2',
  'fixtures/leakgen/core.gz',
  'fixtures/leakgen/tcmalloc/core.gz',
  'fixtures/heapgen/core.phase1.gz',
  'fixtures/heapgen/core.phase2.gz',
  'fixtures/python-core/py3.12.1/core.gz',
];
describeShared('real compressed cores under CORE_DECODE_BUDGET', ['fixtures'], () => {
  it.each(REAL)('%s opens, its decoded size within a fifth of its limit', async (path) => {
    await withSource(sharedPath(path), async (src) => {
      const core = await openCore(src);
      expect(core.compression).toBe(path.endsWith('.bz2') ? 'bzip2' : 'gzip');
      expect(core.imageSize).toBeGreaterThan(src.size);
      expect(core.imageSize * 5).toBeLessThan(decodedLimit(src.size, CORE_DECODE_BUDGET));
      await core.close();
    });
  }, 120_000);
});
