import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AllocState } from '../../../src/model/allocations.ts';
import { StringTable } from '../../../src/model/strings.ts';
import { describeShared, ROOT, sharedPath } from '../../../test-support/shared.ts';
import { BIG_ALLOC_START, captureBigAlloc, type BigAllocCore } from '../../../fixtures-gen/big-alloc.ts';
import { readChapList } from '../formats/chap-list/chap-list.ts';
import { NodeFileSource } from '../../../cli/node-source.ts';
import { CoreSession } from './core-session.ts';

describeShared('core session on heapgen phase 1', ['fixtures', 'heapgen', 'core.phase1.gz'], () => {
  it('attributes the chap list with binaries, and inspects a Rect: class, footer, label string behind a pointer', async () => {
    const s = await CoreSession.open(await NodeFileSource.open(sharedPath('fixtures/heapgen/core.phase1.gz')));
    try {
      const used = s.table.state.reduce((n, st) => n + (st === AllocState.Used ? 1 : 0), 0);
      expect(used).toBe(26343);
      const bins = await s.addBinaries([await NodeFileSource.open(sharedPath('fixtures/heapgen/heapgen')), await NodeFileSource.open(sharedPath('fixtures/heapgen/libwidgets.so'))]);
      expect(bins.every((b) => b.buildId)).toBe(true);
      const list = (await readChapList(await NodeFileSource.open(sharedPath('fixtures/heapgen/core.phase1.list_used')))).table;
      const a = await s.attribute(list);
      expect(a.total.count).toBe(26343);
      expect(a.libraries.find((l) => l.name === '/srv/heapgen/libwidgets.so')!.sizes.count).toBe(7503);
      // The walk's own table gives the same attribution.
      const b = await s.attribute();
      expect(b.total).toEqual(a.total);

      const strings = new StringTable(list.strings);
      const rect = Array.from({ length: list.rows }, (_, i) => i).find((i) => strings.get(list.type[i]) === 'widgets::Rect')!;
      const ins = await s.inspect('list', list, rect);
      expect(ins.className).toBe('widgets::Rect');
      expect(ins.bytes).not.toBeNull();
      expect(ins.footer?.valid).toBe(true);
      expect(ins.footer?.func).toBe('widgets::make_shapes(unsigned long)');
      expect(ins.words.some((w) => /^rect-label-number-\d+$/.test(w.target?.preview ?? ''))).toBe(true);
      expect(ins.words.some((w) => /vtable|Rect/.test(w.symbol ?? ''))).toBe(true);
      // Same row through the heap walk: the class comes from the vtable.
      const walkRow = Array.from({ length: s.table.rows }, (_, i) => i).find((i) => s.table.addrLo[i] === list.addrLo[rect] && s.table.addrHi[i] === list.addrHi[rect])!;
      expect((await s.inspect('walk', null, walkRow)).className).toBe('widgets::Rect');
    } finally {
      await s.close();
    }
  });
});

describe('the inspector reads only the bytes shown (a 64 MiB allocation of pointer words, fixtures-gen/big-alloc.c)', () => {
  let big: BigAllocCore | null = null;
  let skip = '';
  beforeAll(async () => {
    const r = await captureBigAlloc(join(ROOT, 'fixtures-gen', 'cache', 'big-alloc'));
    if ('skip' in r) skip = r.skip;
    else big = r;
  }, 120_000);

  it('first screen, later pages and unaligned pages: the core\'s bytes, a pointer word every 16 bytes with its string', async (ctx) => {
    if (!big) return ctx.skip(`skipped: ${skip}`);
    const src = await NodeFileSource.open(big.core);
    const s = await CoreSession.open(src);
    try {
      const row = Array.from({ length: s.table.rows }, (_, i) => i).find((i) => s.table.addrHi[i] * 4294967296 + s.table.addrLo[i] === big!.address)!;
      expect(row).toBeGreaterThanOrEqual(0);
      expect(s.table.size[row]).toBeGreaterThanOrEqual(big.requested);
      const first = await s.inspect('walk', null, row, 1024);
      expect(first.bytes!.length).toBe(1024);
      expect(first.truncated).toBe(true);
      expect(Buffer.from(first.bytes!.subarray(0, BIG_ALLOC_START.length)).toString('latin1')).toBe(BIG_ALLOC_START);
      // Records { strings[k % 2000], k } from offset 32 on (the text covers the first two).
      const ptrs = first.words.filter((w) => w.target);
      expect(ptrs.map((w) => w.offset)).toEqual(Array.from({ length: 62 }, (_, i) => 32 + 16 * i));
      expect(ptrs.map((w) => w.target!.preview)).toEqual(Array.from({ length: 62 }, (_, i) => `big-alloc-string-${String(i + 2).padStart(4, '0')}`));

      const at = 40 << 20;
      const page = await s.inspectBytes('walk', null, row, at, 4096);
      expect(page.offset).toBe(at);
      expect(Buffer.from(page.bytes!).equals(Buffer.from((await s.core.read(big.address + at, 4096))!))).toBe(true);
      expect(page.words.map((w) => w.offset)).toEqual(Array.from({ length: 256 }, (_, i) => at + 16 * i));
      expect(page.words.map((w) => w.target?.preview)).toEqual(Array.from({ length: 256 }, (_, i) => `big-alloc-string-${String(((at >> 4) + i) % 2000).padStart(4, '0')}`));

      // An unaligned page: only whole aligned words of the allocation, at their offsets in it.
      const odd = await s.inspectBytes('walk', null, row, at + 4, 40);
      expect(odd.bytes!.length).toBe(40);
      // Only the page's own bytes go to the page (a view's whole buffer would be cloned with it).
      expect(odd.bytes!.buffer.byteLength).toBe(40);
      expect(odd.words.map((w) => w.offset)).toEqual([at + 16, at + 32]);
      // Past the end: clipped to the allocation.
      const size = s.table.size[row];
      const tail = await s.inspectBytes('walk', null, row, size - 8, 4096);
      expect(tail.bytes!.length).toBe(8);
    } finally {
      await s.close();
      await src.close();
    }
  }, 120_000);
});
