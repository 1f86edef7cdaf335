import { describe, expect, it } from 'vitest';
import { AllocationTableBuilder, AllocState } from '../../../src/model/allocations.ts';
import { describeShared, sharedPath } from '../../../test-support/shared.ts';
import { withSource } from '../../../test-support/node-files.ts';
import { openCore, type CoreFile } from '../formats/elf/core-file.ts';
import type { AllocatorFinder, HeapContribution } from './allocator.ts';
import { assemble } from './assemble.ts';
import { findAllocations } from './find-allocators.ts';

/** A contribution of rows [addr, size, state] in one region. */
function part(id: string, rows: [number, number, AllocState][]): HeapContribution {
  const b = new AllocationTableBuilder({ region: true });
  for (const [a, s, st] of rows) b.region!.set(b.add(Math.floor(a / 2 ** 32), a >>> 0, s, st), 1);
  const lo = rows.length ? rows[0][0] : 0;
  const hi = rows.length ? rows[rows.length - 1][0] + rows[rows.length - 1][1] : 0;
  return {
    info: { id, description: `${id} allocator`, facts: [] },
    table: b.freeze(),
    regions: [{ kind: 'r', start: lo, end: hi, arena: 0x1000 }],
    arenas: [{ address: 0x1000, isMain: true, size: hi - lo }],
    warnings: [],
    detail: null,
  };
}

const addrs = (t: { rows: number; addrHi: Uint32Array; addrLo: Uint32Array }): number[] => Array.from({ length: t.rows }, (_, i) => t.addrHi[i] * 2 ** 32 + t.addrLo[i]);

describe('assemble: contributions merged as chap merges its finders', () => {
  it('rows in address order, a container before what lies inside it, region ids global, tallies per allocator, arena and region', () => {
    const outer = part('base', [
      [0x10000, 0x100, AllocState.Used],
      [0x20000, 0x8000, AllocState.Used],
      [0x30000, 0x40, AllocState.Free],
    ]);
    const inner = part('layered', [
      [0x20000, 0x20, AllocState.Used],
      [0x20020, 0x20, AllocState.Free],
      [0x27fe0, 0x20, AllocState.Used],
    ]);
    const a = assemble('x.core', [outer, inner]);
    expect(addrs(a.table)).toEqual([0x10000, 0x20000, 0x20000, 0x20020, 0x27fe0, 0x30000]);
    expect(Array.from(a.table.size)).toEqual([0x100, 0x8000, 0x20, 0x20, 0x20, 0x40]);
    expect(Array.from(a.table.region!)).toEqual([1, 1, 2, 2, 2, 1]);
    expect(a.regions.map((r) => [r.id, r.allocator, r.usedCount, r.freeCount])).toEqual([
      [1, 'base', 2, 1],
      [2, 'layered', 2, 1],
    ]);
    expect(a.allocators.map((x) => [x.id, x.usedCount, x.usedBytes, x.freeCount, x.freeBytes])).toEqual([
      ['base', 2, 0x8100, 1, 0x40],
      ['layered', 2, 0x40, 1, 0x20],
    ]);
    expect(a.allocators[0].arenas).toEqual([{ address: '0x1000', isMain: true, size: 0x20040, usedCount: 2, usedBytes: 0x8100, freeCount: 1, freeBytes: 0x40 }]);
    expect(a.warnings).toEqual([]);
  });

  it('an allocation that starts inside another and runs past its end is dropped, and the drop is counted', () => {
    const a = assemble('x.core', [part('one', [[0x1000, 0x100, AllocState.Used]]), part('two', [[0x1080, 0x100, AllocState.Used], [0x2000, 0x10, AllocState.Used]])]);
    expect(addrs(a.table)).toEqual([0x1000, 0x2000]);
    expect(a.warnings).toEqual([{ file: 'x.core', message: '1 allocation(s) overlap an earlier one without lying inside it and are not listed (first: 0x1080 (two))' }]);
  });
});

describe('findAllocations: the registry', () => {
  const core = { name: 'fake.core' } as CoreFile;
  it('says which allocators it found, base before layered, and gives layered finders what base ones found', async () => {
    const seen: string[][] = [];
    const layered: AllocatorFinder = {
      id: 'inner',
      layer: 'layered',
      find: async (_c, ctx) => {
        seen.push(ctx.below.map((p) => p.info.id));
        return part('inner', [[0x20010, 0x10, AllocState.Used]]);
      },
    };
    const base: AllocatorFinder = { id: 'outer', layer: 'base', find: async () => part('outer', [[0x20000, 0x100, AllocState.Used]]) };
    const none: AllocatorFinder = { id: 'none', layer: 'base', find: async () => ({ absent: 'no none heap' }) };
    const r = await findAllocations(core, undefined, {}, [layered, none, base]);
    expect(seen).toEqual([['outer']]);
    expect(r.allocator).toBe('outer allocator; inner allocator');
    expect(r.table.rows).toBe(2);
    expect(r.warnings).toEqual([]);
  });

  it('with no allocator found, says so with every finder\'s reason, in the line and as a warning', async () => {
    const a: AllocatorFinder = { id: 'a', layer: 'base', find: async () => ({ absent: 'no a arena' }) };
    const b: AllocatorFinder = { id: 'b', layer: 'base', find: async () => ({ absent: 'no b page map' }) };
    const r = await findAllocations(core, undefined, {}, [a, b]);
    expect(r.allocator).toBe('no allocator this version knows: no a arena; no b page map');
    expect(r.table.rows).toBe(0);
    expect(r.warnings).toEqual([{ file: 'fake.core', message: 'no allocator this version knows: no a arena; no b page map; the core lists no allocations' }]);
  });
});

describeShared('findAllocations on real cores says what it found', ['peer', 'chap-suite', 'ELF64', 'LongStringTest'], () => {
  it('glibc with its version from the file name (2.23) or from libc\'s symbol versions (2.36)', async () => {
    const line = async (path: string): Promise<string> => withSource(sharedPath(path), async (s) => (await findAllocations(await openCore(s))).allocator);
    expect(await line('peer/chap-suite/ELF64/LongStringTest/core.26368')).toBe('glibc 2.23 malloc, 1 arena');
    expect(await line('fixtures/leakgen/core.gz')).toBe('glibc 2.36 malloc, 4 arenas');
  });
});
