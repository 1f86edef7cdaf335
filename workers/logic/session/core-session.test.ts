import { expect, it } from 'vitest';
import { AllocState } from '../../../src/model/allocations.ts';
import { StringTable } from '../../../src/model/strings.ts';
import { describeShared, sharedPath } from '../../../test-support/shared.ts';
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
