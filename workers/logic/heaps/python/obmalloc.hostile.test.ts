/**
 * A CPython core made hostile (issue 13's fuzz campaign, `npm run fuzz -- --target python`, seed 13, case 199): one
 * program header of the 2.7 core, a read-only 8 KiB PT_LOAD, claims p_memsz 2^31. It then covers libpython's data
 * and .bss (the later segments it overlaps are dropped, with a warning), so the writable range of the module, which
 * runs to the end of the segment holding its last byte (chap's rule), is 2 GiB long, and the search for obmalloc's
 * arena array tried each of its 268M words: 93 s. Only readable words can hold the pointer, so the search (and the
 * one for `type`) now walks the readable stretches only: the same answer, in reads of the bytes the core has.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../../test-support/shared.ts';
import { openCore } from '../../formats/elf/core-file.ts';
import { InputError } from '../../io/errors.ts';
import { BytesSource } from '../../io/source.ts';
import { findAllocations } from '../find-allocators.ts';
import { readableRuns } from '../modules.ts';
import { findObmalloc, MAX_FREE_POOL_STEPS } from './obmalloc.ts';

describeShared('obmalloc search on a core whose segment claims 2 GiB (issue 13)', ['fixtures', 'python-core', 'py2.7.18', 'core.gz'], () => {
  it('reads only what the core has, and finds what the undamaged core gives minus the dropped segments', async () => {
    const bytes = new Uint8Array(gunzipSync(readFileSync(sharedPath('fixtures/python-core/py2.7.18/core.gz'))));
    const v = new DataView(bytes.buffer);
    const phoff = Number(v.getBigUint64(32, true));
    const phnum = v.getUint16(56, true);
    // The fuzz case's mutation: program header 31155 mod e_phnum, p_memsz (offset 40) = 2^31.
    const ph = phoff + (31155 % phnum) * 56;
    expect(v.getUint32(ph, true)).toBe(1); // PT_LOAD
    expect(v.getUint32(ph + 4, true)).toBe(4); // PF_R: read-only
    expect(Number(v.getBigUint64(ph + 32, true))).toBe(8192); // p_filesz
    v.setBigUint64(ph + 40, 2n ** 31n, true);

    const core = await openCore(new BytesSource('hostile.core', bytes));
    expect(core.warnings.map((w) => w.message)).toContain(
      '6 segment(s) overlap others (the first at 0x7fc487430000); where segments overlap, the one that starts first (or has its bytes in the file) wins',
    );
    const big = core.segments.find((s) => s.memsz === 2 ** 31)!;
    expect(big.filesz).toBe(8192);
    // The 2 GiB segment's readable part is its 8 KiB of file.
    expect(readableRuns(core, big.vaddr, big.vaddr + big.memsz)).toEqual([{ start: big.vaddr, end: big.vaddr + 8192 }]);

    let reads = 0;
    const read = core.read.bind(core);
    core.read = (addr, len) => {
      reads++;
      return read(addr, len);
    };
    const found = await findAllocations(core);
    // glibc's heap is still there; obmalloc's arena array lived in the dropped segments: not found, as chap would.
    expect(found.contributions.map((c) => c.info.id)).toEqual(['glibc']);
    expect(found.table.rows).toBe(17_907);
    // Page by page over 2 GiB was 524,288 reads of the Reader's page cache (and 268M word steps); now a few thousand.
    expect(reads).toBeLessThan(50_000);
    await core.close();
  }, 120_000);
});

it('readableRuns: stretches of file bytes in address order, gaps and bytes past p_filesz skipped', () => {
  const segments = [
    { vaddr: 0x1000, memsz: 0x2000, filesz: 0x2000, fileOffset: 0, flags: 6 },
    { vaddr: 0x3000, memsz: 0x1000, filesz: 0x1000, fileOffset: 0x2000, flags: 6 },
    { vaddr: 0x10000, memsz: 0x100000, filesz: 0x1000, fileOffset: 0x3000, flags: 6 },
    { vaddr: 0x200000, memsz: 0x1000, filesz: 0x1000, fileOffset: 0x4000, flags: 6 },
  ];
  // readableEnd as the core gives it: the end of the run of file bytes holding addr (adjacent segments join), else addr.
  const readableEnd = (a: number): number => {
    const s = segments.find((x) => a >= x.vaddr && a < x.vaddr + x.filesz);
    if (!s) return a;
    let end = s.vaddr + s.filesz;
    for (const x of segments) if (x.vaddr === end && x.filesz > 0) end = x.vaddr + x.filesz;
    return end;
  };
  const core = { segments, readableEnd };
  expect(readableRuns(core, 0, 0x300000)).toEqual([
    { start: 0x1000, end: 0x4000 },
    { start: 0x10000, end: 0x11000 },
    { start: 0x200000, end: 0x201000 },
  ]);
  expect(readableRuns(core, 0x1800, 0x10800)).toEqual([
    { start: 0x1800, end: 0x4000 },
    { start: 0x10000, end: 0x10800 },
  ]);
  expect(readableRuns(core, 0x5000, 0x9000)).toEqual([]);
  expect(readableRuns(core, 0x201000, 0x300000)).toEqual([]);
});

/**
 * The arena array's first arena_object made a cycle: nfreepools 2^32 − 2, maxpools 2^32 − 1, freepools → a pool whose
 * nextpool is itself. The check of a candidate array followed the free-pool list up to nfreepools times (2^32: more
 * than a minute per candidate; found by reading the search after the fuzz case above). It now follows at most one link
 * per page between the arena and pool_address (and 2^16), and at most 2^24 links over the whole search.
 */
describeShared('obmalloc search on a cyclic free-pool list (issue 13)', ['fixtures', 'python-core', 'py3.12.1', 'core.gz'], () => {
  const load = async () => {
    const bytes = new Uint8Array(gunzipSync(readFileSync(sharedPath('fixtures/python-core/py3.12.1/core.gz'))));
    const clean = await openCore(new BytesSource('core', bytes));
    const info = (await findObmalloc(clean))!;
    const off = (va: number): number => {
      const s = clean.segments.find((x) => va >= x.vaddr && va + 8 <= x.vaddr + x.filesz)!;
      return s.fileOffset + va - s.vaddr;
    };
    const v = new DataView(bytes.buffer);
    const s0 = info.arenaStructArray;
    const pool = info.arenas[0];
    v.setUint32(off(s0 + 16), 0xfffffffe, true); // nfreepools
    v.setUint32(off(s0 + 20), 0xffffffff, true); // maxpools
    v.setBigUint64(off(s0 + 24), BigInt(pool), true); // freepools
    v.setBigUint64(off(pool + 16), BigInt(pool), true); // that pool's nextpool: itself
    return { bytes, v, off, info };
  };

  it('the cycle is followed a bounded number of times and that array is refused as inconsistent', async () => {
    const { bytes, info } = await load();
    const core = await openCore(new BytesSource('cyclic.core', bytes));
    const found = await findObmalloc(core);
    expect(found?.arenaStructArray).not.toBe(info.arenaStructArray);
  }, 120_000);

  it('many pointers to such arrays pass the search budget: an InputError naming the file and the limit', async () => {
    const { bytes, v, off, info } = await load();
    // pool_address 1 GiB past the arena (2^16 links a walk), and 400 more words of libpython's data pointing at the
    // cyclic array: 400 × 2^16 links > 2^24.
    const a0 = v.getBigUint64(off(info.arenaStructArray), true);
    v.setBigUint64(off(info.arenaStructArray + 8), a0 + 2n ** 30n, true);
    for (let k = 1; k <= 400; k++) v.setBigUint64(off(info.arrayPointer + 8 * k), BigInt(info.arenaStructArray), true);
    const core = await openCore(new BytesSource('cyclic.core', bytes));
    const err = await findObmalloc(core).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(
      `cyclic.core: the search for CPython's obmalloc arena array followed more than ${MAX_FREE_POOL_STEPS.toLocaleString('en-US')} free-pool links (the limit): refused as hostile or corrupt`,
    );
  }, 120_000);
});
