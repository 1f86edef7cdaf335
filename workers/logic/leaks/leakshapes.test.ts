/**
 * Our own truth: fixtures-gen/leakshapes.cpp leaks on purpose in every shape
 * (dropped last pointer, a list whose head is dropped, a ring, objects with
 * vtables, an interior pointer between leaked blocks, an mmapped chunk) and
 * anchors blocks from static memory (a chain, objects, an interior pointer),
 * from a thread's stack only and from a thread's register only; it writes down
 * which, by construction. The core is captured with gcore during the test.
 * Also checks fixtures/leakgen/truth.txt (what leakgen itself leaked) against
 * the sets chap's rules give on its core.
 * Skips, saying why, when g++/gcore are missing or ptrace is refused.
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AllocFlag, type AllocationTable } from '../../../src/model/allocations.ts';
import { captureLeakShapes, type CapturedLeaks } from '../../../fixtures-gen/capture-leaks.ts';
import { describeShared, sharedPath } from '../../../test-support/shared.ts';
import { withSource } from '../../../test-support/node-files.ts';
import { readCore } from '../formats/core/read-core.ts';
import { analyzeCoreRead } from './from-core.ts';

async function analyze(path: string): Promise<{ table: AllocationTable; flags: Uint16Array; rowAt: Map<number, number> }> {
  return withSource(path, async (src) => {
    const r = await readCore(src);
    try {
      const a = await analyzeCoreRead(r);
      const rowAt = new Map<number, number>();
      for (let i = 0; i < r.table.rows; i++) rowAt.set(r.table.addrHi[i] * 4294967296 + r.table.addrLo[i], i);
      return { table: r.table, flags: a.flags, rowAt };
    } finally {
      await r.core.close();
    }
  });
}

const dir = join(tmpdir(), `heapscope-leakshapes-${process.pid}`);
let cap: CapturedLeaks | { skip: string } = { skip: 'not captured' };
let res: Awaited<ReturnType<typeof analyze>> | null = null;

beforeAll(async () => {
  cap = await captureLeakShapes(dir);
  if ('skip' in cap) console.warn(`SKIPPED leakshapes checks: ${cap.skip}`);
  else res = await analyze(cap.core);
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('leak sets on a core of fixtures-gen/leakshapes.cpp match what it did', () => {
  const want: Record<string, { set: number[]; unset: number[] }> = {
    unreferenced: { set: [AllocFlag.Leaked, AllocFlag.Unreferenced], unset: [AllocFlag.Anchored] },
    leaked: { set: [AllocFlag.Leaked], unset: [AllocFlag.Unreferenced, AllocFlag.Anchored] },
    static: { set: [AllocFlag.Anchored, AllocFlag.StaticAnchored], unset: [AllocFlag.Leaked, AllocFlag.ThreadOnlyAnchored] },
    stack: { set: [AllocFlag.Anchored, AllocFlag.StackAnchored, AllocFlag.StackAnchorPoint, AllocFlag.ThreadOnlyAnchored], unset: [AllocFlag.StaticAnchored, AllocFlag.Leaked] },
    register: { set: [AllocFlag.Anchored, AllocFlag.RegisterAnchored, AllocFlag.RegisterAnchorPoint, AllocFlag.ThreadOnlyAnchored], unset: [AllocFlag.StackAnchored, AllocFlag.StaticAnchored, AllocFlag.Leaked] },
  };
  for (const kind of Object.keys(want)) {
    it(`every "${kind}" block is in the sets its shape puts it in`, (ctx) => {
      if ('skip' in cap) return ctx.skip(cap.skip);
      const blocks = cap.truth.filter((t) => t.kind === kind);
      expect(blocks.length).toBeGreaterThan(0);
      for (const b of blocks) {
        const row = res!.rowAt.get(b.addr);
        expect(row, `${kind} 0x${b.addr.toString(16)} is an allocation`).toBeDefined();
        expect(res!.table.size[row!]).toBe(b.size);
        const f = res!.flags[row!];
        for (const bit of want[kind].set) expect(f & bit, `${kind} 0x${b.addr.toString(16)} flags ${f.toString(2)}`).toBe(bit);
        for (const bit of want[kind].unset) expect(f & bit, `${kind} 0x${b.addr.toString(16)} flags ${f.toString(2)}`).toBe(0);
      }
    });
  }
  it('leaks nothing it did not leak on purpose: the leaked set is exactly its unreferenced and leaked blocks', (ctx) => {
    if ('skip' in cap) return ctx.skip(cap.skip);
    const mine = new Set(cap.truth.filter((t) => t.kind === 'unreferenced' || t.kind === 'leaked').map((t) => t.addr));
    const leaked: number[] = [];
    for (const [addr, row] of res!.rowAt) if (res!.flags[row] & AllocFlag.Leaked) leaked.push(addr);
    expect(leaked.sort((a, b) => a - b)).toEqual([...mine].sort((a, b) => a - b));
  });
});

describeShared("leakgen's own truth against the sets on its core", ['fixtures', 'leakgen'], () => {
  it('every block leakgen says it leaked is leaked; those it says are unreferenced are unreferenced', async () => {
    const r = await analyze(sharedPath('fixtures/leakgen/core.gz'));
    const lines = readFileSync(sharedPath('fixtures/leakgen/truth.txt'), 'utf8').trim().split('\n');
    let leakedRefd = 0;
    for (const l of lines) {
      const [kind, hex] = l.split(' ');
      const row = r.rowAt.get(parseInt(hex, 16));
      expect(row, l).toBeDefined();
      expect(r.flags[row!] & AllocFlag.Leaked, l).toBe(AllocFlag.Leaked);
      if (kind === 'unreferenced') expect(r.flags[row!] & AllocFlag.Unreferenced, l).toBe(AllocFlag.Unreferenced);
      else {
        expect(r.flags[row!] & AllocFlag.Unreferenced, l).toBe(0);
        leakedRefd++;
      }
    }
    // chap's counts are above the program's own by what glibc and libstdc++ leak themselves.
    expect(lines.length).toBeLessThanOrEqual(967);
    expect(leakedRefd).toBeGreaterThan(0);
  });
});
