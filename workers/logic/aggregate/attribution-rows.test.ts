import { expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test-support/shared.ts';
import { CoreSession } from '../session/core-session.ts';
import { readChapList } from '../formats/chap-list/chap-list.ts';
import { NodeFileSource } from '../../../cli/node-source.ts';
import { attributionFromRows, attributionFromTable } from './attribution-rows.ts';

describeShared('attribution rebuilt from the table\'s site and requested columns', ['fixtures', 'heapgen', 'core.phase2.gz'], () => {
  it('gives the same libraries, functions and sites as reading the footers', async () => {
    const s = await CoreSession.open(await NodeFileSource.open(sharedPath('fixtures/heapgen/core.phase2.gz')));
    try {
      await s.addBinaries([await NodeFileSource.open(sharedPath('fixtures/heapgen/heapgen')), await NodeFileSource.open(sharedPath('fixtures/heapgen/libwidgets.so'))]);
      const list = (await readChapList(await NodeFileSource.open(sharedPath('fixtures/heapgen/core.phase2.list_used')))).table;
      const a = await s.attribute(list);
      // The attribution's table is the list's, with the footers' columns added.
      expect(a.table.rows).toBe(list.rows);
      expect(a.table.size).toBe(list.size);
      expect(list.site).toBeUndefined();
      expect(a.table.site.length).toBe(list.rows);
      expect(a.rowSite).toBe(a.table.site);
      const b = attributionFromTable(a.table, a.sites);
      const c = attributionFromRows(list, { sites: a.sites, rowSite: a.table.site, rowRequested: a.table.requested });
      expect(c.total).toEqual(a.total);
      expect(b.total).toEqual(a.total);
      expect(b.detected).toBe(true);
      const summary = (x: typeof a) => x.libraries.map((l) => [l.name, l.sizes, l.functions.map((f) => [f.name, f.sizes, f.sites.length])]);
      expect(new Set(summary(b).map((x) => JSON.stringify(x)))).toEqual(new Set(summary(a).map((x) => JSON.stringify(x))));
    } finally {
      await s.close();
    }
  });
});
