/**
 * The heap walk on this machine's glibc: fixtures-gen/heapgen-mt.c is built,
 * run and captured with gcore during the test, and the walk is checked against
 * the truth the program wrote (held blocks with malloc_usable_size, freed blocks).
 * Skips, saying why, when gcc/gcore are missing or ptrace is refused.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AllocState } from '../../../../src/model/allocations.ts';
import { captureFixture, readTruth, type Captured } from '../../../../fixtures-gen/capture.ts';
import { withSource } from '../../../../test-support/node-files.ts';
import { openCore } from '../../formats/elf/core-file.ts';
import { walkGlibcHeap, type GlibcHeap } from './glibc.ts';

const dir = join(tmpdir(), `heapscope-gcore-${process.pid}`);
let cap: Captured | { skip: string } = { skip: 'not run' };
let heap: GlibcHeap;

beforeAll(async () => {
  cap = await captureFixture(dir, 'test');
  if ('skip' in cap) {
    console.warn(`SKIPPED gcore fixture checks: ${cap.skip}`);
    return;
  }
  const core = cap.core;
  heap = await withSource(core, async (s) => walkGlibcHeap(await openCore(s), undefined, { tcache: 'thread-cached-free' }));
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('glibc heap walk on a core gcore captured from fixtures-gen/heapgen-mt.c', () => {
  const rowsByAddr = (): Map<number, number> => {
    const m = new Map<number, number>();
    for (let i = 0; i < heap.table.rows; i++) m.set(heap.table.addrHi[i] * 4294967296 + heap.table.addrLo[i], i);
    return m;
  };

  it('every held block is a used allocation of its malloc_usable_size', (ctx) => {
    if ('skip' in cap) return ctx.skip(cap.skip);
    const { held } = readTruth(cap.truth);
    expect(held.length).toBe(4 * (180 + 2 + 1));
    const rows = rowsByAddr();
    const wrong = held.filter((b) => {
      const i = rows.get(b.addr);
      return i === undefined || heap.table.state[i] !== AllocState.Used || heap.table.size[i] !== b.size;
    });
    expect(wrong).toEqual([]);
  });

  it('every freed block is free: fastbin / bins as Free, tcache entries as thread-cached free', (ctx) => {
    if ('skip' in cap) return ctx.skip(cap.skip);
    const { freed } = readTruth(cap.truth);
    expect(freed.length).toBe(4 * 180);
    const rows = rowsByAddr();
    const states = freed.map((a) => {
      const i = rows.get(a);
      return i === undefined ? -1 : heap.table.state[i];
    });
    expect(states.filter((s) => s !== AllocState.Free && s !== AllocState.ThreadCachedFree)).toEqual([]);
    // Several sizes per thread go to tcache (7 each) and the rest of the small ones to fastbins.
    expect(heap.tcacheFree).toBeGreaterThanOrEqual(4 * 7 * 4);
    expect(heap.fastbinFree).toBeGreaterThan(0);
  });

  it('finds the main arena, a thread arena per worker and the mmapped blocks', (ctx) => {
    if ('skip' in cap) return ctx.skip(cap.skip);
    expect(heap.arenas.filter((a) => a.isMain).length).toBe(1);
    expect(heap.arenas.length).toBeGreaterThanOrEqual(4);
    const mm = heap.regions.filter((r) => r.kind === 'mmapped').reduce((n, r) => n + r.usedCount, 0);
    expect(mm).toBe(8);
    expect(heap.warnings).toEqual([]);
  });
});
