/**
 * The glibc walk derives the layout from the core: one synthetic core per
 * glibc layout change (synthetic.test-helper.ts builds each the way that glibc
 * lays it out), each walked to exactly the allocations it was built with.
 */
import { describe, expect, it } from 'vitest';
import { AllocState } from '../../../../src/model/allocations.ts';
import { openCore } from '../../formats/elf/core-file.ts';
import { BytesSource } from '../../io/source.ts';
import { walkGlibcHeap, type GlibcHeap } from './glibc.ts';
import { synthesize, type Synth, type SynthOptions } from './synthetic.test-helper.ts';

async function walk(s: Synth, name = 'synthetic.core'): Promise<GlibcHeap> {
  return walkGlibcHeap(await openCore(new BytesSource(name, s.core)));
}

function rows(h: GlibcHeap): { addr: number; size: number; state: AllocState }[] {
  const t = h.table;
  return Array.from({ length: t.rows }, (_, i) => ({ addr: t.addrHi[i] * 2 ** 32 + t.addrLo[i], size: t.size[i], state: t.state[i] as AllocState }));
}

const cases: [string, SynthOptions, { layoutName: string; nfastbins: number; alignment: number }][] = [
  ['glibc 2.22 (no attached_threads)', { bits: 64, haveFastchunks: false, attachedThreads: false, threadArena: true }, { layoutName: 'glibc ≤ 2.22 layout', nfastbins: 10, alignment: 16 }],
  ['glibc 2.23 (attached_threads before system_mem)', { bits: 64, haveFastchunks: false, attachedThreads: true, threadArena: true }, { layoutName: 'glibc 2.23–2.26 layout', nfastbins: 10, alignment: 16 }],
  ['glibc 2.26 (tcache with char counts, no have_fastchunks)', { bits: 64, haveFastchunks: false, attachedThreads: true, tcache: 'u8', threadArena: true }, { layoutName: 'glibc 2.23–2.26 layout', nfastbins: 10, alignment: 16 }],
  ['glibc 2.27 (have_fastchunks moves the fastbins)', { bits: 64, haveFastchunks: true, attachedThreads: true, tcache: 'u8', threadArena: true }, { layoutName: 'glibc 2.27+ layout', nfastbins: 10, alignment: 16 }],
  ['glibc 2.30 (tcache with uint16 counts)', { bits: 64, haveFastchunks: true, attachedThreads: true, tcache: 'u16', threadArena: true }, { layoutName: 'glibc 2.27+ layout', nfastbins: 10, alignment: 16 }],
  ['glibc 2.32 (safe-linking)', { bits: 64, haveFastchunks: true, attachedThreads: true, tcache: 'u16', safeLinking: true, threadArena: true }, { layoutName: 'glibc 2.27+ layout', nfastbins: 10, alignment: 16 }],
  ['glibc 2.35 (48-byte heap_info)', { bits: 64, haveFastchunks: true, attachedThreads: true, tcache: 'u16', safeLinking: true, heapInfo235: true, threadArena: true, mmapped: true }, { layoutName: 'glibc 2.27+ layout', nfastbins: 10, alignment: 16 }],
  ['i386, glibc 2.25 (MALLOC_ALIGNMENT 8, 10 fastbins)', { bits: 32, align: 8, haveFastchunks: false, attachedThreads: true, threadArena: true, mmapped: true }, { layoutName: 'glibc 2.23–2.26 layout', nfastbins: 10, alignment: 8 }],
  ['i386, glibc 2.26+ (MALLOC_ALIGNMENT 16: 11 fastbins, 24-byte heap_info, chunks at 8 mod 16)', { bits: 32, align: 16, haveFastchunks: true, attachedThreads: true, tcache: 'u16', safeLinking: true, threadArena: true, mmapped: true }, { layoutName: 'glibc 2.27+ layout', nfastbins: 11, alignment: 16 }],
  ['aarch64 with top-byte-tagged links', { bits: 64, machine: 183, haveFastchunks: true, attachedThreads: true, tcache: 'u16', safeLinking: true, threadArena: true, tag: 0x0b }, { layoutName: 'glibc 2.27+ layout', nfastbins: 10, alignment: 16 }],
  ['a single arena (main only)', { bits: 64, haveFastchunks: true, attachedThreads: true, tcache: 'u16', safeLinking: true }, { layoutName: 'glibc 2.27+ layout', nfastbins: 10, alignment: 16 }],
  ['i386, a single arena', { bits: 32, align: 16, haveFastchunks: true, attachedThreads: true, tcache: 'u16' }, { layoutName: 'glibc 2.27+ layout', nfastbins: 11, alignment: 16 }],
];

describe('glibc layout derived from the core, one synthetic core per layout change', () => {
  for (const [name, opts, want] of cases) {
    it(name, async () => {
      const s = synthesize(opts);
      const h = await walk(s);
      expect(h.warnings).toEqual([]);
      expect({ layoutName: h.layoutName, nfastbins: h.nfastbins, alignment: h.mallocAlignment }).toEqual(want);
      expect(h.mainArena).toBe(s.mainArena);
      expect(h.arenas.map((a) => a.address)).toEqual([s.mainArena, s.threadArena].filter(Boolean).sort((a, b) => a - b));
      if (opts.threadArena) expect(h.heapInfoSize).toBe(s.heapInfoSize);
      expect(rows(h)).toEqual(s.truth);
      expect(h.fastbinFree).toBe(s.fast);
      expect(h.tcacheFree).toBe(s.tcache);
      if (opts.safeLinking && (s.fast > 0 || s.tcache > 0)) expect(h.safeLinking).toBe(true);
    });
  }
});

describe('main arena runs and HEAP_MAX_SIZE found where they are', () => {
  it('brk failed: the main arena in a brk run closed by fenceposts and an mmapped run holding top', async () => {
    for (const bits of [64, 32] as const) {
      const s = synthesize({ bits, haveFastchunks: true, attachedThreads: true, tcache: 'u16', safeLinking: true, brkFailure: true });
      const h = await walk(s);
      expect(h.warnings).toEqual([]);
      expect(h.regions.filter((r) => r.kind === 'main-arena').length).toBe(2);
      expect(rows(h)).toEqual(s.truth);
    }
  });

  it('the main arena run ending at top is read once: its chunks are walked as it is checked (no chain walk before the walk)', async () => {
    for (const bits of [64, 32] as const) {
      const s = synthesize({ bits, haveFastchunks: true, attachedThreads: true, tcache: 'u16', safeLinking: true, threadArena: true });
      const core = await openCore(new BytesSource('synthetic.core', s.core));
      const run = (await walkGlibcHeap(core)).regions.find((r) => r.kind === 'main-arena')!;
      let inRun = 0;
      const count = (addr: number, length: number): void => {
        inRun += Math.max(0, Math.min(addr + length, run.end) - Math.max(addr, run.start));
      };
      // The same core, its reads of the run's bytes counted.
      const counted = new Proxy(core, {
        get(t, k) {
          const v: unknown = Reflect.get(t, k);
          if (k === 'read') return (addr: number, length: number) => (count(addr, length), t.read(addr, length));
          if (k === 'readInto' && t.readInto) return (addr: number, dst: Uint8Array) => (count(addr, dst.length), t.readInto!(addr, dst));
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
        },
      });
      const h = await walkGlibcHeap(counted);
      expect(h.warnings).toEqual([]);
      expect(rows(h)).toEqual(s.truth);
      const size = run.end - run.start;
      expect(inRun, `${bits}-bit`).toBeGreaterThanOrEqual(size);
      expect(inRun, `${bits}-bit: ${inRun} bytes of a ${size}-byte run read`).toBeLessThan(1.5 * size);
    }
  });

  it("a thread heap left for a new one: glibc's fenceposts end it; chap's rows, no warning (an in-use old top before the last fencepost is not listed)", async () => {
    for (const bits of [64, 32] as const) {
      for (const fullHeap of ['freed', 'tiny'] as const) {
        const s = synthesize({ bits, haveFastchunks: true, attachedThreads: true, tcache: 'u16', safeLinking: true, threadArena: true, fullHeap });
        const h = await walk(s);
        expect(h.warnings, `${bits}-bit ${fullHeap}`).toEqual([]);
        expect(h.regions.filter((r) => r.kind === 'heap').length).toBe(2);
        expect(rows(h), `${bits}-bit ${fullHeap}`).toEqual(s.truth);
      }
    }
  });

  it('a glibc built with HEAP_MAX_SIZE 1 MiB on 64-bit: the thread heap is found through the arena ring', async () => {
    const s = synthesize({ bits: 64, haveFastchunks: true, attachedThreads: true, tcache: 'u16', threadArena: true, heapMax: 0x100000 });
    const h = await walk(s);
    expect(h.heapMaxSize).toBe(0x100000);
    expect(h.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^HEAP_MAX_SIZE is 0x100000 in this process/)]);
    expect(rows(h)).toEqual(s.truth);
  });
});

describe('hostile free lists: bounded, and every anomaly a warning with a count', () => {
  it('a cyclic fastbin list is followed once round and said to be probably due to a double free', async () => {
    const s = synthesize({ bits: 64, haveFastchunks: true, attachedThreads: true, tcache: 'u16', safeLinking: true, cyclicFastbin: true });
    const h = await walk(s, 'cyclic.core');
    expect(rows(h)).toEqual(s.truth);
    expect(h.warnings).toEqual([{ file: 'cyclic.core', message: expect.stringMatching(/^1 fastbin list\(s\) are cyclic, probably due to a double free \(arena 0x[0-9a-f]+ fastbin \d at 0x[0-9a-f]+\)/) }]);
  });

  it('3,000 fake tcache_perthread_structs with counts of 65,535 cost one pass, not 64 × 65,535 steps each', async () => {
    const s = synthesize({ bits: 64, haveFastchunks: true, attachedThreads: true, tcache: 'u16', safeLinking: true, fakeTcaches: 3000 });
    const t0 = performance.now();
    const h = await walk(s, 'fakes.core');
    const ms = performance.now() - t0;
    expect(rows(h)).toEqual(s.truth);
    expect(h.tcacheFree).toBe(s.tcache);
    // Not a timing test: a bound far above a linear walk, far below the quadratic one (minutes).
    expect(ms).toBeLessThan(20_000);
  });
});

describe('safe-linking is decided once per core, not link by link', () => {
  // Seen in 2 of 30 cores of fixtures-gen/allocgen.cpp on i386 (ASLR decides): a safe-linked tcache link
  // (&link >> 12) ^ next that, read as a plain pointer, is the address of a used chunk. Taken plain, the walk
  // warned "a chunk of another size" and left the rest of the list in use, or (a chunk of the bin's size)
  // silently took a used chunk for a cached one.
  for (const decoy of ['other-size', 'same-size'] as const) {
    it(`i386: a mangled tcache link equal to a used chunk's address (${decoy}) is undone, not followed as a pointer`, async () => {
      const s = synthesize({ bits: 32, align: 16, haveFastchunks: true, attachedThreads: true, tcache: 'u16', safeLinking: true, decoy });
      const h = await walk(s, 'decoy.core');
      expect(h.warnings).toEqual([]);
      expect(h.safeLinking).toBe(true);
      expect(rows(h)).toEqual(s.truth);
      expect(h.tcacheFree).toBe(s.tcache);
    });
  }

  it('plain links (before 2.32) are read as plain, on i386 and x86-64', async () => {
    for (const bits of [32, 64] as const) {
      const s = synthesize({ bits, align: 16, haveFastchunks: true, attachedThreads: true, tcache: 'u16', threadArena: true });
      const h = await walk(s);
      expect(h.warnings).toEqual([]);
      expect(h.safeLinking).toBe(false);
      expect(rows(h)).toEqual(s.truth);
      expect(h.tcacheFree).toBe(s.tcache);
    }
  });
});

describe('cancellation', () => {
  it('a set cancel flag stops the walk with CancelledError naming the file', async () => {
    const s = synthesize({ bits: 64, haveFastchunks: true, attachedThreads: true, tcache: 'u16', fakeTcaches: 3000 });
    const core = await openCore(new BytesSource('big.core', s.core));
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    Atomics.store(cancel, 0, 1);
    await expect(walkGlibcHeap(core, { cancel })).rejects.toThrow(/^big\.core: reading was cancelled/);
  });
});
