/**
 * Regression tests for the hostile cores of issue 13: each ended in a hang, a
 * quadratic walk or a silent loss. Every one must now end in a bounded result
 * (the test's timeout is the bound) or a clear InputError naming the file.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../io/errors.ts';
import { BytesSource } from '../../io/source.ts';
import { walkGlibcHeap } from '../../heaps/glibc/glibc.ts';
import { MAX_NOTES_BYTES, MAX_PROGRAM_HEADERS, openCore } from './core-file.ts';
import { elf64Core as elfCore, type ProgramHeaderSpec } from '../../../../test-support/elf-core-writer.ts';

const PT_LOAD = 1;
const PT_NOTE = 4;

type Ph = ProgramHeaderSpec;

describe('ELF core reader on hostile program headers (issue 13)', () => {
  it('a PT_LOAD with p_filesz 0 at the address of a present segment: reads end (they looped for ever)', async () => {
    // A at 0x10000 (8 KiB) and B at 0x12000 (4 KiB) are adjacent and present; C claims B's address with no bytes.
    for (const emptyFirst of [false, true]) {
      const phoff = 64 + 3 * 56;
      const a: Ph = { type: PT_LOAD, offset: phoff, vaddr: 0x10000, filesz: 8192 };
      const b: Ph = { type: PT_LOAD, offset: phoff + 8192, vaddr: 0x12000, filesz: 4096 };
      const c: Ph = { type: PT_LOAD, offset: 0, vaddr: 0x12000, filesz: 0, memsz: 4096 };
      const { bytes, payloadAt } = elfCore(emptyFirst ? [c, a, b] : [a, b, c], 12288, (out, at) => {
        for (let i = 0; i < 12288; i++) out[at + i] = (i * 13) & 0xff;
      });
      const core = await openCore(new BytesSource('dup.core', bytes));
      const across = await core.read(0x11ff8, 16);
      expect(Array.from(across!)).toEqual(Array.from(bytes.subarray(payloadAt + 8192 - 8, payloadAt + 8192 + 8)));
      expect(core.readableEnd(0x10000)).toBe(0x13000);
      expect(core.segments.map((s) => [s.vaddr, s.memsz, s.filesz])).toEqual([
        [0x10000, 8192, 8192],
        [0x12000, 4096, 4096],
      ]);
      expect(core.warnings.map((w) => w.message).join('\n')).toMatch(/1 segment\(s\) overlap others \(the first at 0x12000\)/);
    }
  });

  it('a later segment overlapping part of an earlier one keeps only its part beyond', async () => {
    const phoff = 64 + 2 * 56;
    const { bytes, payloadAt } = elfCore(
      [
        { type: PT_LOAD, offset: phoff, vaddr: 0x10000, filesz: 8192 },
        { type: PT_LOAD, offset: phoff + 8192, vaddr: 0x11000, filesz: 8192 },
      ],
      16384,
      (out, at) => {
        for (let i = 0; i < 16384; i++) out[at + i] = (i * 7) & 0xff;
      },
    );
    const core = await openCore(new BytesSource('overlap.core', bytes));
    expect(core.segments.map((s) => [s.vaddr, s.memsz, s.fileOffset])).toEqual([
      [0x10000, 8192, payloadAt],
      [0x12000, 4096, payloadAt + 8192 + 4096],
    ]);
    expect(core.readableEnd(0x10000)).toBe(0x13000);
    expect(Array.from((await core.read(0x12000, 4))!)).toEqual(Array.from(bytes.subarray(payloadAt + 12288, payloadAt + 12292)));
  });

  it('65,535 PT_NOTE headers over the same 4 MiB of zeros: the notes budget stops reading, with a warning', async () => {
    const n = 65535;
    const zeros = 4 << 20;
    const phs: Ph[] = Array.from({ length: n }, () => ({ type: PT_NOTE, offset: 64 + n * 56, filesz: zeros }));
    const { bytes } = elfCore(phs, zeros);
    const core = await openCore(new BytesSource('notes.core', bytes));
    expect(core.threads).toEqual([]);
    expect(core.warnings.map((w) => w.message)).toContain(
      `the 65,535 PT_NOTE segment(s) claim ${(n * zeros).toLocaleString('en-US')} bytes; only the first ${MAX_NOTES_BYTES.toLocaleString('en-US')} bytes of notes are read`,
    );
  });

  it('65,535 adjacent PT_LOADs: readable ends are looked up, not walked (the heap walk was quadratic)', async () => {
    const n = 65535;
    const seg = 16;
    const payloadAt = 64 + n * 56;
    const phs: Ph[] = Array.from({ length: n }, (_, i) => ({ type: PT_LOAD, offset: payloadAt + i * seg, vaddr: 0x10000000 + i * seg, filesz: seg }));
    const { bytes } = elfCore(phs, n * seg);
    const core = await openCore(new BytesSource('loads.core', bytes));
    expect(core.segments.length).toBe(n);
    expect(core.warnings).toEqual([]);
    for (let i = 0; i < n; i += 997) expect(core.readableEnd(0x10000000 + i * seg)).toBe(0x10000000 + n * seg);
    const heap = await walkGlibcHeap(core);
    expect(heap.table.rows).toBe(0);
    expect(heap.warnings.map((w) => w.message).join('\n')).toMatch(/no glibc malloc arena was found/);
  });

  it('a PT_LOAD claiming 2^63 bytes is skipped with a warning that says why (it vanished silently)', async () => {
    const phoff = 64 + 2 * 56;
    const { bytes } = elfCore(
      [
        { type: PT_LOAD, offset: phoff, vaddr: 0x10000, filesz: 4096 },
        { type: PT_LOAD, offset: phoff + 4096, vaddr: 0x20000, filesz: 4096, memsz: 1n << 63n },
      ],
      8192,
    );
    const core = await openCore(new BytesSource('huge.core', bytes));
    expect(core.segments.map((s) => s.vaddr)).toEqual([0x10000]);
    expect(core.warnings).toEqual([
      {
        file: 'huge.core',
        message: expect.stringMatching(/^1 PT_LOAD segment\(s\) skipped: they end beyond 2\^53 .* \(at 0x20000: memsz 0x8000000000000000, file offset 0x10b0\)$/),
      },
    ]);
  });

  it('the x86-64 vsyscall page (kernel half, one page) is still skipped silently', async () => {
    const phoff = 64 + 2 * 56;
    const { bytes } = elfCore(
      [
        { type: PT_LOAD, offset: phoff, vaddr: 0x10000, filesz: 4096 },
        { type: PT_LOAD, offset: phoff + 4096, vaddr: 0xffffffffff600000n, filesz: 4096, flags: 5 },
      ],
      8192,
    );
    const core = await openCore(new BytesSource('vsyscall.core', bytes));
    expect(core.segments.length).toBe(1);
    expect(core.warnings).toEqual([]);
  });

  it('more program headers than the budget (PN_XNUM) is an InputError naming the file and the limit', async () => {
    const { bytes } = elfCore([{ type: PT_LOAD, offset: 0, vaddr: 0x10000, filesz: 0, memsz: 4096 }], 64);
    const v = new DataView(bytes.buffer);
    v.setUint16(56, 0xffff, true);
    v.setBigUint64(40, BigInt(bytes.length - 64), true); // shoff: a section header whose sh_info is the count
    v.setUint32(bytes.length - 64 + 44, 0xffffffff, true);
    const err = await openCore(new BytesSource('xnum.core', bytes)).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe(
      `xnum.core: the core declares 4,294,967,295 program headers; at most ${MAX_PROGRAM_HEADERS.toLocaleString('en-US')} are read`,
    );
  });

  it('cancelling while the program headers are read stops with CancelledError', async () => {
    const n = 20000;
    const { bytes } = elfCore(Array.from({ length: n }, (_, i) => ({ type: PT_LOAD, offset: 0, vaddr: 0x10000 + i * 4096, filesz: 0, memsz: 4096 })), 0);
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    Atomics.store(cancel, 0, 1);
    const err = await openCore(new BytesSource('c.core', bytes), { cancel }).catch((e) => e);
    expect(err.name).toBe('CancelledError');
  });
});
