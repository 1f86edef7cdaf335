/**
 * Footer attribution on our own footer core: fixtures-gen/heapgen-mt.c runs
 * under fixtures-gen/footer-preload.c (LD_PRELOAD; malloc_tracer's footer
 * format) and is captured with gcore during the test. The generator's truth
 * says, per block, its requested size and which of its allocator functions
 * made it, so attribution is checked exactly: per allocation and per function.
 * A second capture without the preload must not be detected as footered.
 * Skips, saying why, when gcc/gcore are missing or ptrace is refused.
 */
import { copyFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInUse } from '../../../../src/model/allocations.ts';
import { StringTable } from '../../../../src/model/strings.ts';
import { captureFixture, readTruth, type Captured, type TruthBlock } from '../../../../fixtures-gen/capture.ts';
import { CoreSession } from '../../session/core-session.ts';
import { type AttributionData } from '../../../../src/model/attribution.ts';
import { InputError } from '../../io/errors.ts';
import { NodeFileSource } from '../../../../cli/node-source.ts';
import type { Sizes } from '../../../../src/model/attribution.ts';

const dir = join(tmpdir(), `heapscope-footer-${process.pid}`);
const FUNCS = ['make_record', 'make_zeroed', 'trim_buffer', 'make_big'];

let cap: Captured | { skip: string } = { skip: 'not run' };
let plain: Captured | { skip: string } = { skip: 'not run' };
let session: CoreSession;
let attribution: AttributionData;
let plainAttribution: AttributionData;

async function openSession(c: Captured): Promise<CoreSession> {
  const s = await CoreSession.open(await NodeFileSource.open(c.core));
  await s.addBinaries([await NodeFileSource.open(c.exe)]);
  return s;
}

beforeAll(async () => {
  cap = await captureFixture(join(dir, 'footers'), 'test', undefined, { footers: true });
  if ('skip' in cap) {
    console.warn(`SKIPPED footer preload checks: ${cap.skip}`);
    return;
  }
  session = await openSession(cap);
  attribution = await session.attribute();
  plain = await captureFixture(join(dir, 'plain'), 'test');
  if ('skip' in plain) return;
  const p = await openSession(plain);
  plainAttribution = await p.attribute();
  await p.close();
}, 300_000);

afterAll(async () => {
  await session?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('footer attribution on a core of heapgen-mt run under footer-preload.so', () => {
  const rowsByAddr = (): Map<number, number> => {
    const t = session.table;
    const m = new Map<number, number>();
    for (let i = 0; i < t.rows; i++) m.set(t.addrHi[i] * 4294967296 + t.addrLo[i], i);
    return m;
  };
  const siteFunc = (row: number): string => {
    const s = attribution.table.site[row];
    return s ? new StringTable(attribution.sites.strings).get(attribution.sites.func[s - 1]) : '(none)';
  };

  it('detects the footers: most in-use allocations carry a valid return address', (ctx) => {
    if ('skip' in cap) return ctx.skip(cap.skip);
    expect(attribution.detected).toBe(true);
    expect(attribution.checked).toBeGreaterThan(4 * (180 + 2 + 1));
    // Only blocks the preload leaves alone (aligned allocations by libc/ld.so) may lack a footer.
    expect(attribution.errors.count).toBeLessThan(10);
    expect(attribution.valid).toBeGreaterThanOrEqual(attribution.checked - attribution.errors.count - 10);
  });

  it('attributes every held block to the generator function that allocated it, with its exact requested size', (ctx) => {
    if ('skip' in cap) return ctx.skip(cap.skip);
    const { held } = readTruth(cap.truth);
    expect(held.length).toBe(4 * (180 + 2 + 1));
    expect(new Set(held.map((b) => b.func))).toEqual(new Set(FUNCS));
    const rows = rowsByAddr();
    const wrong: string[] = [];
    for (const b of held) {
      const row = rows.get(b.addr);
      if (row === undefined) {
        wrong.push(`${b.addr.toString(16)}: not in the heap walk`);
        continue;
      }
      const got = { size: session.table.size[row], func: siteFunc(row), requested: attribution.table.requested[row] };
      if (got.size !== b.size || got.func !== b.func || got.requested !== b.requested) {
        wrong.push(`${b.addr.toString(16)}: got ${JSON.stringify(got)}, truth ${JSON.stringify(b)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('counts and User / Mem / Chunk bytes per generator function equal the truth', (ctx) => {
    if ('skip' in cap) return ctx.skip(cap.skip);
    const { held, freedBlocks, moved } = readTruth(cap.truth);
    const rows = rowsByAddr();
    const t = session.table;
    const expected = new Map<string, Sizes>(FUNCS.map((f) => [f, { count: 0, user: 0, mem: 0, chunk: 0 }]));
    const add = (b: TruthBlock, chunk: number): void => {
      const z = expected.get(b.func)!;
      z.count++;
      z.user += b.requested;
      z.mem += chunk - 16;
      z.chunk += chunk;
    };
    for (const b of held) add(b, b.size);
    // Freed blocks sitting in a tcache are listed as used (as chap lists them) and keep their footer. So do
    // trim_buffer's first blocks that realloc moved away, unless a later block reused the chunk (the last
    // record for an address is the block that is there now).
    const last = new Map<number, TruthBlock>();
    for (const b of moved) last.set(b.addr, b);
    for (const b of [...held, ...freedBlocks]) last.delete(b.addr);
    let tcached = 0;
    for (const b of [...freedBlocks, ...last.values()]) {
      const row = rows.get(b.addr);
      if (row !== undefined && isInUse(t.state[row])) {
        add(b, t.size[row]);
        tcached++;
      }
    }
    expect(tcached).toBeGreaterThan(0);
    const got = new Map<string, Sizes>();
    for (const lib of attribution.libraries) {
      for (const fn of lib.functions) {
        if (!FUNCS.includes(fn.name)) continue;
        expect(got.has(fn.name)).toBe(false);
        expect(lib.name).toMatch(/heapgen-mt$/);
        got.set(fn.name, fn.sizes);
      }
    }
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(expected));
    // One return address per call: make_record / make_zeroed / make_big one each; trim_buffer its realloc's, and
    // its malloc's only for blocks realloc moved away.
    const fnNodes = attribution.libraries.flatMap((l) => l.functions).filter((f) => FUNCS.includes(f.name));
    for (const f of fnNodes) expect(f.sites.length).toBe(f.name === 'trim_buffer' && last.size ? 2 : 1);
    expect(new Set(fnNodes.flatMap((f) => f.sites.map((x) => x.addr))).size).toBe(last.size ? 5 : 4);
  });

  it('mmapped blocks (make_big) and calloc/realloc blocks carry footers too', (ctx) => {
    if ('skip' in cap) return ctx.skip(cap.skip);
    const fns = attribution.libraries.flatMap((l) => l.functions);
    expect(fns.find((f) => f.name === 'make_big')!.sizes.count).toBe(8);
    expect(fns.find((f) => f.name === 'make_zeroed')!.sizes.count).toBeGreaterThan(4 * 50);
    expect(fns.find((f) => f.name === 'trim_buffer')!.sizes.count).toBeGreaterThan(4 * 50);
  });

  it('a truncated copy of the footer core: an InputError naming the file, or attribution of what is there', async (ctx) => {
    if ('skip' in cap) return ctx.skip(cap.skip);
    const cut = join(dir, 'truncated.core');
    copyFileSync(cap.core, cut);
    truncateSync(cut, Math.floor(statSync(cap.core).size * 0.6));
    let s: CoreSession;
    try {
      s = await openSession({ ...cap, core: cut });
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).file).toBe('truncated.core');
      return;
    }
    try {
      expect(s.warnings.some((w) => w.file === 'truncated.core')).toBe(true);
      const a = await s.attribute();
      let inUse = 0;
      for (let i = 0; i < s.table.rows; i++) if (isInUse(s.table.state[i])) inUse++;
      expect(a.checked).toBe(inUse);
      expect(a.valid + a.errors.count).toBeLessThanOrEqual(a.checked);
      expect(a.total.count + a.errors.count).toBe(a.checked);
    } finally {
      await s.close();
    }
  });

  it('a core of the same generator without the preload is not detected as footered', (ctx) => {
    if ('skip' in plain) return ctx.skip(plain.skip);
    expect(plainAttribution.detected).toBe(false);
    const fns = plainAttribution.libraries.flatMap((l) => l.functions).map((f) => f.name);
    expect(fns.filter((f) => FUNCS.includes(f))).toEqual([]);
  });
});
