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
import { anchorChain, referrersOf, type AnchorChain, type Referrer } from './explain.ts';
import { analyzeCoreRead } from './from-core.ts';

interface Explained {
  referrers: Referrer[];
  chain: AnchorChain | null;
}

async function analyze(path: string, explain: number[] = []): Promise<{ table: AllocationTable; flags: Uint16Array; rowAt: Map<number, number>; explained: Map<number, Explained> }> {
  return withSource(path, async (src) => {
    const r = await readCore(src);
    try {
      const a = await analyzeCoreRead(r);
      const rowAt = new Map<number, number>();
      for (let i = 0; i < r.table.rows; i++) rowAt.set(r.table.addrHi[i] * 4294967296 + r.table.addrLo[i], i);
      const explained = new Map<number, Explained>();
      for (const addr of explain) {
        const row = rowAt.get(addr);
        if (row === undefined) continue;
        explained.set(addr, { referrers: (await referrersOf(a, r.table, r.core, row)).referrers, chain: anchorChain(a, row, r.core.files) });
      }
      return { table: r.table, flags: a.flags, rowAt, explained };
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
  else res = await analyze(cap.core, cap.truth.map((t) => t.addr));
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

describe('who points here and why it is alive, on the leakshapes core', () => {
  const truthOf = (kind: string) => ('skip' in cap ? [] : cap.truth.filter((t) => t.kind === kind));
  it('an unreferenced block has no referrers and no anchor chain', (ctx) => {
    if ('skip' in cap) return ctx.skip(cap.skip);
    for (const b of truthOf('unreferenced')) {
      expect(res!.explained.get(b.addr)!.referrers).toEqual([]);
      expect(res!.explained.get(b.addr)!.chain).toBeNull();
    }
  });
  it('a leaked list or ring node is pointed to by leaked blocks only (at offset 0 or 8), with no anchor chain', (ctx) => {
    if ('skip' in cap) return ctx.skip(cap.skip);
    for (const b of truthOf('leaked')) {
      const e = res!.explained.get(b.addr)!;
      expect(e.referrers.length, `0x${b.addr.toString(16)}`).toBeGreaterThan(0);
      for (const r of e.referrers) expect(r.leaked).toBe(true);
      expect(e.chain).toBeNull();
    }
    // A ring node has both neighbours as referrers: next (offset 0) of the one before, prev (offset 8) of the one after.
    const ring = truthOf('leaked').filter((t) => t.size === 0x28).slice(-5);
    const e = res!.explained.get(ring[2].addr)!;
    expect(e.referrers.map((r) => r.offsets).sort()).toEqual([[0], [8]]);
  });
  it('a block of the static chain is explained from static memory in the executable, through the chain', (ctx) => {
    if ('skip' in cap) return ctx.skip(cap.skip);
    const chainBlocks = truthOf('static').slice(0, 6);
    const first = res!.explained.get(chainBlocks[0].addr)!.chain!;
    expect(first.sources[0]).toMatchObject({ kind: 'static', thread: 0 });
    expect(first.sources[0].module).toMatch(/leakshapes$/);
    expect(first.rows.length).toBe(6);
    expect(first.rows[first.rows.length - 1]).toBe(res!.rowAt.get(chainBlocks[0].addr));
  });
  it("the stack-held block is explained by the holding thread's stack, the register-held one by r12", (ctx) => {
    if ('skip' in cap) return ctx.skip(cap.skip);
    const st = res!.explained.get(truthOf('stack')[0].addr)!.chain!;
    expect(st.rows.length).toBe(1);
    expect(st.sources.some((x) => x.kind === 'stack' && x.thread > 1)).toBe(true);
    const rg = res!.explained.get(truthOf('register')[0].addr)!.chain!;
    expect(rg.sources.every((x) => x.kind === 'register' && x.thread > 1)).toBe(true);
    expect(rg.sources.map((x) => x.register)).toContain('r12');
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
