import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../../test-support/shared.ts';
import { withSource } from '../../../../test-support/node-files.ts';
import { InputError } from '../../io/errors.ts';
import { BlobSource, BytesSource, KeepAllowance } from '../../io/source.ts';
import { openCore } from './core-file.ts';
import { tinyCore } from '../../../../test-support/elf-core-writer.ts';

const ONE = 'peer/chap-suite/ELF64/OneAllocated/core.48555';

describeShared('ELF core reader on real cores', ['peer', 'chap-suite'], () => {
  it('OneAllocated: segments, thread registers, auxv, words (values checked with readelf)', async () => {
    await withSource(sharedPath(ONE), async (src) => {
      const c = await openCore(src);
      expect(c.arch).toBe('x86-64');
      expect(c.pointerSize).toBe(8);
      // readelf -l: 16 PT_LOAD; the vsyscall page at 0xffffffffff600000 is above 2^53 and skipped.
      expect(c.segments.length).toBe(15);
      expect(c.segments[0]).toEqual({ vaddr: 0x400000, memsz: 0x1000, filesz: 0x1000, fileOffset: 0xca4, flags: 5 });
      expect(c.warnings).toEqual([]);
      expect(c.threads.length).toBe(1);
      expect(c.threads[0].registers.rip).toBeGreaterThanOrEqual(0x400000);
      expect(c.auxv.get(6)).toBe(4096); // AT_PAGESZ
      // The ELF header of the executable is at 0x400000.
      expect(Array.from((await c.read(0x400000, 4))!)).toEqual([0x7f, 0x45, 0x4c, 0x46]);
      const raw = readFileSync(sharedPath(ONE));
      expect(await c.readWord(0x601010)).toBe(Number(raw.readBigUInt64LE(0x2ca4 + 0x10)));
      // Reads crossing two adjacent segments (0x600000..0x601000 | 0x601000..) are joined.
      const across = await c.read(0x600ff8, 16);
      expect(Array.from(across!)).toEqual(Array.from(raw.subarray(0x1ca4 + 0xff8, 0x1ca4 + 0x1000)).concat(Array.from(raw.subarray(0x2ca4, 0x2ca4 + 8))));
      expect(c.readableEnd(0x600ff8)).toBe(0x622000);
      expect(await c.read(0x300000, 8)).toBeNull();
      expect(await c.readWord(0x621ffc)).toBeNull();
    });
  });

  it('SpinningThreads (bzip2, 470 MB decoded, read through its block index): 3 threads, mapped files', async () => {
    await withSource(sharedPath('peer/chap-suite/ELF64/SpinningThreads/core.SpinningThreads.bz2'), async (src) => {
      const c = await openCore(src);
      expect(c.compression).toBe('bzip2');
      // bzcat | wc -c
      expect(c.imageSize).toBe(470564920);
      expect(c.residentBytes).toBeLessThan(64 << 20);
      expect(c.threads.length).toBe(3);
      expect(c.files.length).toBe(16);
      expect(c.files[0].path).toMatch(/SpinningThreads$/);
      expect(c.files[0].fileOffset).toBe(4096);
      expect(c.warnings).toEqual([]);
      // readelf -l on the decoded core: the heap of thread arena 0x7fffc8000020 starts with its heap_info.
      expect(await c.readWord(0x7fffc8000000)).toBe(0x7fffc8000020);
    });
  });

  it('a truncated bzip2 core is an InputError naming the file', async () => {
    const bz = readFileSync(sharedPath('peer/chap-suite/ELF64/SpinningThreads/core.SpinningThreads.bz2'));
    const err = await openCore(new BytesSource('cut.bz2', bz.subarray(0, 1000))).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/^cut\.bz2: /);
  });

});

describeShared('ELF core reader on the gzip heapgen core', ['fixtures', 'heapgen', 'core.phase1.gz'], () => {
  it('reads through restart points and reads build-ids of mapped ELF files', async () => {
    await withSource(sharedPath('fixtures/heapgen/core.phase1.gz'), async (src) => {
      const c = await openCore(src);
      expect(c.compression).toBe('gzip');
      expect(c.imageSize).toBe(172369392);
      // Mostly zero pages: far less is kept than the decoded size.
      expect(c.residentBytes).toBeLessThan(c.imageSize / 10);
      expect(c.segments.length).toBe(44);
      expect(c.files.length).toBe(40);
      expect(c.files[0].path).toBe('/srv/heapgen/heapgen');
      // readelf -n heapgen: Build ID 5b48434c0b148c608148e85e4cd453f87e0f2094
      expect(await c.buildIdAt(c.files[0].start)).toBe('5b48434c0b148c608148e85e4cd453f87e0f2094');
      await c.close();
    });
  });
});

describe('ELF core reader on synthetic and malformed input', () => {
  const data = new Uint8Array(8192).map((_, i) => i & 0xff);

  it('reads a minimal core exactly', async () => {
    const c = await openCore(new BytesSource('tiny.core', tinyCore(data, 0x10000)));
    expect(c.threads).toEqual([expect.objectContaining({ tid: 77, registers: expect.objectContaining({ rip: 0x401000 }) })]);
    expect(Array.from((await c.read(0x10000 + 300, 3))!)).toEqual([44, 45, 46]);
    expect(await c.readWord(0x10000 + 8192 - 4)).toBeNull();
  });

  it('gzip gives the same bytes as plain', async () => {
    const c = await openCore(new BytesSource('tiny.core.gz', gzipSync(tinyCore(data, 0x10000))));
    expect(c.compression).toBe('gzip');
    expect(Array.from((await c.read(0x10000 + 4000, 200))!)).toEqual(Array.from(data.subarray(4000, 4200)));
  });

  it('a plain core asks its source to keep what it reads (a dropped File kept in memory); a compressed one does not', async () => {
    const blob = (name: string, bytes: Uint8Array) => new BlobSource(new Blob([bytes as Uint8Array<ArrayBuffer>]), name, new KeepAllowance(1 << 20));
    const plain = blob('tiny.core', tinyCore(data, 0x10000));
    const c = await openCore(plain);
    expect(Array.from((await c.read(0x10000 + 4000, 200))!)).toEqual(Array.from(data.subarray(4000, 4200)));
    expect(c.residentBytes).toBe(plain.size);
    const gz = blob('tiny.core.gz', gzipSync(tinyCore(data, 0x10000)));
    const g = await openCore(gz);
    expect(Array.from((await g.read(0x10000 + 4000, 200))!)).toEqual(Array.from(data.subarray(4000, 4200)));
    expect(gz.residentBytes).toBe(0);
    await plain.close();
    await gz.close();
  });

  it('a truncated core keeps the bytes present and warns', async () => {
    const whole = tinyCore(data, 0x10000);
    const c = await openCore(new BytesSource('cut.core', whole.subarray(0, whole.length - 5000)));
    expect(c.warnings[0]).toEqual({ file: 'cut.core', message: expect.stringMatching(/truncated: 0 segment\(s\) .* and 1 only part/) });
    expect(await c.read(0x10000, 8)).not.toBeNull();
    expect(await c.read(0x10000 + 4000, 8)).toBeNull();
    expect(c.readableEnd(0x10000)).toBe(0x10000 + 8192 - 5000);
  });

  it('a gzip core cut short keeps what was decoded, with a warning', async () => {
    const gz = gzipSync(tinyCore(new Uint8Array(300000).map((_, i) => (i * 7) & 0xff), 0x10000));
    const c = await openCore(new BytesSource('cut.core.gz', gz.subarray(0, gz.length - 100)));
    expect(c.warnings.map((w) => w.message).join('\n')).toMatch(/gzip data is damaged or truncated/);
    expect(await c.read(0x10000, 8)).not.toBeNull();
  });

  it('refuses empty, non-ELF, non-core and big-endian input with an InputError naming the file', async () => {
    await expect(openCore(new BytesSource('empty.core', new Uint8Array(0)))).rejects.toThrow(/^empty\.core: the core is empty/);
    await expect(openCore(new BytesSource('text.core', new TextEncoder().encode('hello world, not an elf file at all, not at all, no......')))).rejects.toThrow(/^text\.core: not an ELF file/);
    const exe = tinyCore(data, 0x10000);
    exe[16] = 2;
    await expect(openCore(new BytesSource('a.out', exe))).rejects.toThrow(/^a\.out: not a core dump \(ELF type 2/);
    const be = tinyCore(data, 0x10000);
    be[5] = 2;
    await expect(openCore(new BytesSource('be.core', be))).rejects.toThrow(/^be\.core: big-endian/);
  });

  it('hostile headers: huge phnum, notes running past their segment', async () => {
    const a = tinyCore(data, 0x10000);
    new DataView(a.buffer).setUint16(56, 60000, true);
    const err = await openCore(new BytesSource('hostile.core', a)).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/^hostile\.core: the program headers .* beyond the end/);
    const b = tinyCore(data, 0x10000);
    new DataView(b.buffer).setUint32(64 + 2 * 56 + 4, 0x7fffffff, true); // descsz of the note
    const c = await openCore(new BytesSource('badnote.core', b));
    expect(c.threads).toEqual([]);
    expect(c.warnings.map((w) => w.message).join()).toMatch(/runs past the end of its segment/);
  });
});
