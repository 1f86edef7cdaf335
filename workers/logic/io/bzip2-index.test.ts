import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CORE_DECODE_BUDGET } from './budget.ts';
import { Bzip2Index, Bzip2Source } from './bzip2-index.ts';
import { InputError } from './errors.ts';
import { BytesSource } from './source.ts';
import { concatBytes } from '../../../test-support/elf-core-writer.ts';
import { coreLikeBytes, expectReadsMatch } from './compressed.test-helper.ts';

const HAVE_BZIP2 = spawnSync('bzip2', ['--help'], { stdio: 'ignore' }).status === 0;

function bzip2(bytes: Uint8Array, level = 1): Uint8Array {
  const r = spawnSync('bzip2', ['-c', `-${level}`], { input: bytes, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`bzip2 failed: ${r.stderr}`);
  return new Uint8Array(r.stdout);
}

describe.skipIf(!HAVE_BZIP2)('bzip2 block index (skipped without the bzip2 command, which makes the inputs)', () => {
  it('reads any range of a multi-block, multi-stream file as bzcat gives it, decoding only the blocks it touches', async () => {
    const a = coreLikeBytes(1_500_000, 1, true);
    const b = coreLikeBytes(700_000, 2, true);
    const file = new BytesSource('two.bz2', concatBytes([bzip2(a, 1), bzip2(b, 2)]));
    const index = await Bzip2Index.build(file);
    expect(index.problem).toBeNull();
    expect(index.size).toBe(a.length + b.length);
    // bzip2 -1 cuts 100 kB blocks (after its first run-length stage): the file has many.
    expect(index.blocks).toBeGreaterThan(8);
    const src = new Bzip2Source('two.bz2', file, index, 256 << 10);
    await expectReadsMatch(src, concatBytes([a, b]), 300_000);
    // The cache stays within its budget plus the block being read.
    expect(src.peakCached).toBeLessThanOrEqual((256 << 10) + 2_200_000 / index.blocks + (1 << 20));
    // A page the first pass saw to be zero is never decoded again.
    const before = src.decodes;
    expect(Array.from(await src.read(0, 4096))).toEqual(Array.from(new Uint8Array(4096)));
    expect(src.decodes).toBe(before);
  });

  it('a truncated file gives the blocks before the cut, with the problem said', async () => {
    const raw = coreLikeBytes(1_200_000, 3, true);
    const bz = bzip2(raw, 1);
    const file = new BytesSource('cut.bz2', bz.subarray(0, Math.floor(bz.length * 0.6)));
    const index = await Bzip2Index.build(file);
    expect(index.problem).toMatch(/truncated/);
    expect(index.size).toBeGreaterThan(0);
    expect(index.size).toBeLessThan(raw.length);
    await expectReadsMatch(new Bzip2Source('cut.bz2', file, index), raw.subarray(0, index.size), 300_000);
  });

  it('a damaged block ends the index there (its CRC is checked), with the problem said', async () => {
    const raw = coreLikeBytes(1_200_000, 4, true);
    const bz = bzip2(raw, 1);
    bz[Math.floor(bz.length / 2)] ^= 0x10;
    const file = new BytesSource('bad.bz2', bz);
    const index = await Bzip2Index.build(file);
    expect(index.problem).toMatch(/damaged/);
    expect(index.size).toBeLessThan(raw.length);
    await expectReadsMatch(new Bzip2Source('bad.bz2', file, index), raw.subarray(0, index.size), 300_000);
  });

  it('refuses past its budget, naming the file and the limit', async () => {
    const raw = new Uint8Array(40 << 20).fill(1);
    const file = new BytesSource('runs.bz2', bzip2(raw, 9));
    expect(file.size).toBeLessThan(200);
    const err = await Bzip2Index.build(file, undefined, { budget: { ...CORE_DECODE_BUDGET, floor: 16 << 20 } }).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/^runs\.bz2: the bzip2 data decodes to more than 16 MiB, the limit for a [\d.]+ KiB file \(20,000× its size, at least 16 MiB, at most 65,536 MiB\): refused as a decompression bomb \(if it is a real input, decompress it and open that\)$/);
  });
});

describe('bzip2 block index on input that is not bzip2', () => {
  it('is an InputError naming the file', async () => {
    const err = await Bzip2Index.build(new BytesSource('x.bz2', new Uint8Array([1, 2, 3, 4, 5]))).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe('x.bz2: not bzip2 data (no BZh1–BZh9 header)');
  });
});
