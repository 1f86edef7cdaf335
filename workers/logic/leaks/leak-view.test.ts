import { describe, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test-support/shared.ts';
import { NodeFileSource } from '../../../cli/node-source.ts';
import { CoreSession } from '../session/core-session.ts';
import { AllocationTableBuilder, AllocFlag, AllocState, type AllocationTable } from '../../../src/model/allocations.ts';
import type { AttributionData } from '../../../src/model/attribution.ts';
import { namePath, nodeByNames } from '../../../src/model/hierarchy.ts';
import { NO_FOOTER, OUTSIDE_MODULES, UNKNOWN_LIB } from '../../../src/model/site-keys.ts';
import type { SitesTable } from '../../../src/model/sites.ts';
import { StringTableBuilder } from '../../../src/model/strings.ts';
import { attributionFromTable } from '../aggregate/attribution-rows.ts';
import { UNKNOWN_TYPE } from '../aggregate/groups.ts';
import { sizeClassLabel, sizeClassOf } from '../aggregate/size-classes.ts';
import { compareSides } from '../diff/compare.ts';
import { canGroup, leakAllocations, leakHierarchy, leakTotals, leakTree, onlyInSet, setsText, sideInSet, type LeakGroupBy } from './leak-view.ts';

const L = AllocFlag.Leaked;
const U = AllocFlag.Leaked | AllocFlag.Unreferenced;
const A = AllocFlag.Anchored | AllocFlag.StaticAnchored;

/** Six used allocations and one free: two leaked Nodes (one unreferenced), an unreferenced Square, three anchored. */
function fixture(): { table: AllocationTable; flags: Uint16Array; attribution: AttributionData } {
  const b = new AllocationTableBuilder({ flags: true });
  const node = b.strings.intern('Node');
  const square = b.strings.intern('Square');
  const rows: [number, number, number, number][] = [
    // address, size, type, flags
    [0x1000, 40, node, L],
    [0x1040, 40, node, U],
    [0x1080, 24, square, U],
    [0x10a0, 2048, 0, A],
    [0x18b0, 40, node, A],
    [0x18e0, 100, 0, A],
  ];
  const flags = new Uint16Array(rows.length + 1);
  rows.forEach(([addr, size, type, f], i) => {
    b.add(0, addr, size, AllocState.Used, type);
    flags[i] = f;
  });
  b.add(0, 0x2000, 64, AllocState.Free, 0);
  const table = b.freeze();
  // Sites: libapp.so's make_node+0x10 (rows 0, 1, 4), libapp.so's make_square+0x8 (row 2), outside any module (row 3); row 5 has no footer.
  const s = new StringTableBuilder();
  const sites: SitesTable = {
    rows: 3,
    addr: Float64Array.from([0x401010, 0x401108, 0x7000]),
    lib: Uint32Array.from([s.intern('/opt/app/libapp.so'), s.intern('/opt/app/libapp.so'), s.intern(UNKNOWN_LIB)]),
    func: Uint32Array.from([s.intern('make_node()'), s.intern('make_square()'), s.intern('0x7000')]),
    offset: Float64Array.from([0x10, 0x8, 0]),
    exec: Uint8Array.from([1, 1, 1]),
    strings: s.freeze(),
  };
  const site = Uint32Array.from([1, 1, 2, 3, 1, 0, 0]);
  const requested = Float64Array.from([33, 34, 20, 2000, 35, NaN, NaN]);
  const attribution = attributionFromTable({ ...table, site, requested }, sites);
  return { table, flags, attribution };
}

describe('leak totals', () => {
  it('counts every set and the used allocations', () => {
    const { table, flags } = fixture();
    const t = leakTotals(table, flags);
    expect(t.used).toEqual({ count: 6, bytes: 40 + 40 + 24 + 2048 + 40 + 100 });
    expect(t.leaked).toEqual({ count: 3, bytes: 104 });
    expect(t.unreferenced).toEqual({ count: 2, bytes: 64 });
    expect(t.anchored).toEqual({ count: 3, bytes: 2188 });
    expect(t.staticanchored).toEqual({ count: 3, bytes: 2188 });
    expect(t.stackanchored).toEqual({ count: 0, bytes: 0 });
  });
});

describe('a set as a hierarchy', () => {
  it('groups the leaked allocations by class, then size class', () => {
    const { table, flags } = fixture();
    const h = leakHierarchy(table, flags, 'leaked', 'class');
    expect(h.totalCount[0]).toBe(3);
    expect(h.totalBytes[0]).toBe(104);
    const n = nodeByNames(h, ['Node'], true);
    expect(h.totalCount[n]).toBe(2);
    expect(h.totalBytes[nodeByNames(h, ['Node', '40 B (0x28)'], true)]).toBe(80);
    expect(h.totalBytes[nodeByNames(h, ['Square'], true)]).toBe(24);
    // Anchored allocations are not in it.
    expect(nodeByNames(h, [UNKNOWN_TYPE], true)).toBe(-1);
  });

  it('groups by size class first', () => {
    const { table, flags } = fixture();
    const h = leakHierarchy(table, flags, 'anchored', 'size');
    expect(h.totalCount[0]).toBe(3);
    expect(h.totalBytes[nodeByNames(h, [sizeClassLabel(sizeClassOf(2048)), UNKNOWN_TYPE], true)]).toBe(2048);
    expect(h.totalBytes[nodeByNames(h, ['40 B (0x28)', 'Node'], true)]).toBe(40);
  });

  it('groups by library → function → return address from the footers, requested bytes from them', () => {
    const { table, flags, attribution } = fixture();
    expect(canGroup('site', attribution)).toBe(true);
    expect(canGroup('site', null)).toBe(false);
    const h = leakHierarchy(table, flags, 'leaked', 'site', attribution);
    expect(h.hasRequested).toBe(true);
    const fn = nodeByNames(h, ['libapp.so', 'make_node()', '+0x10'], true);
    expect(h.totalCount[fn]).toBe(2);
    expect(h.totalRequested[fn]).toBe(67);
    expect(h.groups[h.group[fn]]).toBe('/opt/app/libapp.so');
    expect(h.totalBytes[nodeByNames(h, ['libapp.so', 'make_square()', '+0x8'], true)]).toBe(24);
    const anchored = leakHierarchy(table, flags, 'anchored', 'site', attribution);
    expect(anchored.totalBytes[nodeByNames(anchored, [UNKNOWN_LIB, OUTSIDE_MODULES], true)]).toBe(2048);
    expect(anchored.totalCount[nodeByNames(anchored, [NO_FOOTER], true)]).toBe(1);
    expect(anchored.totalRequested[nodeByNames(anchored, [NO_FOOTER], true)]).toBe(0);
  });

  it('refuses to group by site without footers', () => {
    const { table, flags } = fixture();
    expect(() => leakHierarchy(table, flags, 'leaked', 'site', null)).toThrow(/footers/);
  });
});

describe('the allocations under a node', () => {
  it('are exactly those its figures count, for every node of every grouping', () => {
    const { table, flags, attribution } = fixture();
    for (const by of ['class', 'size', 'site'] as LeakGroupBy[]) {
      for (const set of ['leaked', 'unreferenced', 'anchored'] as const) {
        const h = leakHierarchy(table, flags, set, by, attribution);
        for (let n = 0; n < h.size; n++) {
          const got = leakAllocations(table, flags, set, by, namePath(h, n), attribution);
          expect(got.total, `${by} ${set} ${namePath(h, n).join('/')}`).toBe(h.totalCount[n]);
          expect(got.bytes).toBe(h.totalBytes[n]);
        }
      }
    }
  });

  it('lists the largest first with address, class and flags', () => {
    const { table, flags } = fixture();
    const got = leakAllocations(table, flags, 'leaked', 'class', [], null, 2);
    expect(got.total).toBe(3);
    expect(got.rows).toEqual([
      { row: 0, address: '1000', size: 40, className: 'Node', path: ['Node', '40 B (0x28)'], flags: L },
      { row: 1, address: '1040', size: 40, className: 'Node', path: ['Node', '40 B (0x28)'], flags: U },
    ]);
  });
});

describe('a comparison side of one set', () => {
  it('counts only the set as used, with the attribution redone over it', () => {
    const { table, flags, attribution } = fixture();
    const only = onlyInSet(table, 'unreferenced', flags);
    expect(Array.from(only.state)).toEqual([AllocState.Free, AllocState.Used, AllocState.Used, AllocState.Free, AllocState.Free, AllocState.Free, AllocState.Free]);
    expect(only.size).toBe(table.size);
    const side = sideInSet({ name: 'a', table, attribution }, 'unreferenced', flags);
    expect(side.attribution!.total.count).toBe(2);
    expect(side.attribution!.libraries.map((l) => l.name)).toEqual(['/opt/app/libapp.so']);
    expect(() => onlyInSet(table, 'leaked', flags.subarray(1))).toThrow(/rows/);
  });

  it('compares the leaked bytes of two snapshots by site and by class', () => {
    const a = fixture();
    const b = fixture();
    // In B the anchored Node leaked too.
    b.flags[4] = L;
    const sa = sideInSet({ name: 'a', table: a.table, attribution: a.attribution }, 'leaked', a.flags);
    const sb = sideInSet({ name: 'b', table: b.table, attribution: b.attribution }, 'leaked', b.flags);
    const byFn = compareSides(sa, sb, 'function');
    const row = byFn.rows.find((r) => r.key.includes('make_node()'))!;
    expect([row.aCount, row.bCount, row.dBytes, row.status]).toEqual([2, 3, 40, 'grown']);
    expect(byFn.rows.find((r) => r.key.includes('make_square()'))!.status).toBe('same');
    const byClass = compareSides(sa, sb, 'class');
    const node = byClass.rows.find((r) => r.key === 'Node')!;
    expect([node.aBytes, node.bBytes]).toEqual([80, 120]);
    expect(byClass.diff.b.totalCount[0]).toBe(4);
  });
});

describe('the table rows of a set', () => {
  it('are the classes, largest first, or the functions of footer sites with the no-footer leaf', () => {
    const { table, flags, attribution } = fixture();
    const byClass = leakTree(table, flags, 'leaked', 'class');
    expect(byClass.rows.map((r) => [r.key, r.count, r.bytes])).toEqual([
      ['Node', 2, 80],
      ['Square', 1, 24],
    ]);
    const bySite = leakTree(table, flags, 'anchored', 'site', attribution);
    expect(bySite.rows.map((r) => [r.key, r.count, r.bytes])).toEqual([
      [`${UNKNOWN_LIB} › ${OUTSIDE_MODULES}`, 1, 2048],
      [NO_FOOTER, 1, 100],
      ['libapp.so › make_node()', 1, 40],
    ]);
    expect(bySite.rows[2].path).toEqual(['libapp.so', 'make_node()']);
    expect(bySite.rows[2].group).toBe('/opt/app/libapp.so');
  });
});

describe('an allocation\'s sets in words', () => {
  it('says leaked and how, or how it is anchored', () => {
    expect(setsText(U)).toBe('leaked, unreferenced');
    expect(setsText(L)).toBe('leaked, referenced by leaked');
    expect(setsText(A)).toBe('anchored: static');
    expect(setsText(AllocFlag.Anchored | AllocFlag.StackAnchored | AllocFlag.RegisterAnchored | AllocFlag.ThreadOnlyAnchored | AllocFlag.AnchorPoint)).toBe('anchored: stack, register (threads only), anchor point');
    expect(setsText(0)).toBe('in no known set');
  });
});

describeShared("the browser's leaked comparison equals the CLI's compare --set leaked", ['fixtures', 'heapgen', 'core.phase2.gz'], () => {
  it('heapgen phase 1 → 2: the same rows by site and by class, with chap\'s leaked counts as totals', async () => {
    const h = (f: string) => sharedPath(`fixtures/heapgen/${f}`);
    const sides = async (core: string) => {
      const s = await CoreSession.open(await NodeFileSource.open(h(core)));
      const bins = [await NodeFileSource.open(h('heapgen')), await NodeFileSource.open(h('libwidgets.so'))];
      try {
        const l = await s.leaks();
        // The browser: the snapshot completed once (classes, footers), then only its leaked allocations.
        const full = await s.processSnapshot(s.table, bins);
        const browser = sideInSet({ name: core, table: full.table, attribution: full.attribution }, 'leaked', l.flags);
        // The CLI: only the leaked allocations, then completed.
        const masked = await s.processSnapshot(onlyInSet(s.table, 'leaked', l.flags), bins);
        return { browser, cli: { name: core, table: masked.table, attribution: masked.attribution } };
      } finally {
        await s.close();
        for (const b of bins) await b.close();
      }
    };
    const a = await sides('core.phase1.gz');
    const b = await sides('core.phase2.gz');
    for (const by of ['site', 'function', 'class'] as const) {
      const web = compareSides(a.browser, b.browser, by);
      const cli = compareSides(a.cli, b.cli, by);
      expect(web.rows.map((r) => [r.key, r.aCount, r.bCount, r.aBytes, r.bBytes, r.aRequested, r.bRequested, r.status]), by).toEqual(
        cli.rows.map((r) => [r.key, r.aCount, r.bCount, r.aBytes, r.bBytes, r.aRequested, r.bRequested, r.status]),
      );
      // chap's count leaked of each phase (counts.txt).
      expect([web.diff.a.totalCount[0], web.diff.a.totalBytes[0], web.diff.b.totalCount[0], web.diff.b.totalBytes[0]]).toEqual([869, 445192, 879, 444984]);
    }
  }, 120_000);
});
