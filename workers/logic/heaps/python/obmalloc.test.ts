/**
 * obmalloc's infrastructure in the shared CPython cores, against what chap
 * reports for them: the arena struct array is one glibc chunk (chap's
 * `count used %PythonArenaStructArray`), and the pool and arena sizes are
 * CPython's (4 KiB / 256 KiB up to 3.9, 16 KiB / 1 MiB from 3.10 on 64-bit).
 * The block lists themselves are compared with chap's in cli/commands/list.test.ts.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../../test-support/shared.ts';
import { withSource } from '../../../../test-support/node-files.ts';
import { openCore } from '../../formats/elf/core-file.ts';
import { isAbsent } from '../allocator.ts';
import { findAllocations } from '../find-allocators.ts';
import { walkGlibcHeap } from '../glibc/glibc.ts';
import { findPython } from './index.ts';

const chapCount = (v: string, pattern: string): { count: number; bytes: number } => {
  const m = /^(\d+) allocations use 0x([0-9a-f]+)/.exec(readFileSync(sharedPath(`fixtures/python-core/${v}/core.ref.count_used_~${pattern}`), 'utf8'))!;
  return { count: Number(m[1]), bytes: parseInt(m[2], 16) };
};

describeShared('obmalloc in the shared CPython cores', ['fixtures', 'python-core'], () => {
  const cases = [
    { v: 'py2.7.18', lib: 'libpython2.7.so.1.0', pool: 4096, arena: 256 << 10 },
    { v: 'py3.8.18', lib: 'libpython3.8.so.1.0', pool: 4096, arena: 256 << 10 },
    { v: 'py3.12.1', lib: 'libpython3.12.so.1.0', pool: 16384, arena: 1 << 20 },
  ];
  for (const c of cases) {
    it(`${c.v}: arena array found in ${c.lib}'s data, sizes, and the array's chunk is chap's %PythonArenaStructArray`, async () => {
      await withSource(sharedPath(`fixtures/python-core/${c.v}/core.gz`), async (s) => {
        const core = await openCore(s);
        const glibc = await walkGlibcHeap(core);
        const found = await findPython(core);
        if (isAbsent(found)) throw new Error(found.absent);
        const ob = found.detail.obmalloc;
        const info = ob.info;
        expect(info.module.endsWith(`/${c.lib}`)).toBe(true);
        expect(info.poolSize).toBe(c.pool);
        expect(info.arenaSize).toBe(c.arena);
        expect(found.warnings).toEqual([]);
        // The array lives in a used glibc chunk starting exactly there.
        const t = glibc.table;
        const row = [...Array(t.rows).keys()].find((i) => t.addrHi[i] * 2 ** 32 + t.addrLo[i] === info.arenaStructArray);
        expect(row).toBeDefined();
        const want = chapCount(c.v, 'PythonArenaStructArray');
        expect(want.count).toBe(1);
        expect(t.size[row!]).toBe(want.bytes);
        // Every block of every arena is in the registry's merged table, in address order, after glibc's chunks wrapping them.
        const all = await findAllocations(core);
        expect(all.allocators.map((a) => a.id)).toEqual(['glibc', 'obmalloc']);
        expect(all.table.rows).toBe(glibc.table.rows + ob.blocks.count);
        expect(all.warnings).toEqual([]);
        for (let i = 1; i < all.table.rows; i++) {
          const a = all.table.addrHi[i] * 2 ** 32 + all.table.addrLo[i];
          const b = all.table.addrHi[i - 1] * 2 ** 32 + all.table.addrLo[i - 1];
          if (!(a > b || (a === b && all.table.size[i] <= all.table.size[i - 1]))) throw new Error(`row ${i} out of order`);
        }
        await core.close();
      });
    });
  }
});
