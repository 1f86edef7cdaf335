import { describe, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../../test-support/shared.ts';
import { withSource } from '../../../../test-support/node-files.ts';
import { BytesSource } from '../../io/source.ts';
import { openInput } from '../open-input.ts';
import type { HeapLayoutInfo } from '../../../../src/model/heap-layout.ts';

describeShared("'core' reader through openInput", ['fixtures', 'heapgen', 'core.phase2.gz'], () => {
  it('a gzip core alone gives the heap walk table and a heap layout', async () => {
    const r = await withSource(sharedPath('fixtures/heapgen/core.phase2.gz'), (s) => openInput(s));
    expect(r.format).toBe('core');
    // counts.txt: 25057 used + 3003 free
    expect(r.table!.rows).toBe(25057 + 3003);
    const info = r.info as unknown as HeapLayoutInfo;
    expect(info.allocator).toBe('glibc 2.36 malloc, 3 arenas');
    const glibc = info.allocators[0];
    expect(glibc.facts).toContainEqual({ label: 'malloc_state layout', value: 'glibc>=2.27' });
    expect(glibc.usedCount).toBe(25057);
    expect(glibc.freeCount).toBe(3003);
    expect(glibc.arenas!.reduce((n, a) => n + a.usedCount, 0) + info.regions.filter((g) => g.kind === 'mmapped').reduce((n, g) => n + g.usedCount, 0)).toBe(25057);
    expect(info.regions.reduce((n, g) => n + g.usedCount + g.freeCount, 0)).toBe(r.table!.rows);
    // Each row's region id names an entry of info.regions.
    const ids = new Set(info.regions.map((g) => g.id));
    expect(Array.from(r.table!.region!).every((id) => ids.has(id))).toBe(true);
  });
});

describe("'core' reader on bad input", () => {
  it('a file that is an ELF core in name only is an InputError naming it', async () => {
    const head = new Uint8Array(64);
    head.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
    head[16] = 4;
    head[18] = 62;
    await expect(openInput(new BytesSource('fake.core', head))).rejects.toThrow(/^fake\.core: the core has no program headers/);
  });
});
