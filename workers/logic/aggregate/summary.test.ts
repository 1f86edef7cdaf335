import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AllocState } from '../../../src/model/allocations.ts';
import { describeShared, sharedPath } from '../../../test-support/shared.ts';
import { withSource } from '../../../test-support/node-files.ts';
import { readChapList } from '../formats/chap-list/chap-list.ts';
import { BytesSource } from '../io/source.ts';
import { groupBy } from './groups.ts';
import { sizeHistogram } from './histogram.ts';
import { bucketOf, sizeClassKey, sizeClassOf } from './size-classes.ts';
import { summarize } from './summary.ts';
import { largest, stateTotals, totalsJson } from './totals.ts';

async function heapgen(phase: string, kind: string) {
  return (await withSource(sharedPath(`fixtures/heapgen/core.${phase}.${kind}`), (s) => readChapList(s))).table;
}

/** chap's size histogram computed independently from the text with a regex. */
function sizesOf(path: string): number[] {
  return [...readFileSync(path, 'utf8').matchAll(/^\w+ allocation at [0-9a-f]+ of size ([0-9a-f]+)$/gm)].map((m) => parseInt(m[1], 16));
}

describeShared('aggregations over heapgen phase 2 (used + free)', ['fixtures', 'heapgen'], () => {
  it('state totals equal chap\'s count used / count free', async () => {
    const tables = [await heapgen('phase2', 'list_used'), await heapgen('phase2', 'list_free')];
    const t = stateTotals(tables);
    expect(totalsJson(t)).toEqual({ used: { count: 25057, bytes: 3464056 }, free: { count: 3003, bytes: 394720 } });
    expect(t.inUse).toEqual({ count: 25057, bytes: 3464056 });
    expect(t.free).toEqual({ count: 3003, bytes: 394720 });
  });

  it('groups by type: every allocation counted once, signatures as chap names them', async () => {
    const tables = [await heapgen('phase1', 'list_used')];
    const rows = groupBy(tables, 'type');
    expect(rows.reduce((n, r) => n + r.usedCount, 0)).toBe(26343);
    expect(rows.reduce((n, r) => n + r.usedBytes, 0)).toBe(3413480);
    const byName = Object.fromEntries(rows.map((r) => [r.key, r.usedCount]));
    const text = readFileSync(sharedPath('fixtures/heapgen/core.phase1.list_used'), 'utf8');
    expect(byName['widgets::Circle']).toBe((text.match(/\(widgets::Circle\)$/gm) ?? []).length);
    expect(byName['widgets::Rect']).toBe((text.match(/\(widgets::Rect\)$/gm) ?? []).length);
  });

  it('groups by size class and histogram agree with the sizes in the text', async () => {
    const path = sharedPath('fixtures/heapgen/core.phase2.list_free');
    const tables = [await heapgen('phase2', 'list_free')];
    const sizes = sizesOf(path);
    const classes = groupBy(tables, 'sizeClass');
    const expected = new Map<number, number>();
    for (const s of sizes) expected.set(sizeClassOf(s).lo, (expected.get(sizeClassOf(s).lo) ?? 0) + 1);
    expect(new Map(classes.map((r) => [r.order, r.freeCount]))).toEqual(expected);
    const hist = sizeHistogram(tables);
    expect(hist.reduce((n, b) => n + b.freeCount, 0)).toBe(3003);
    for (const b of hist) {
      expect(b.freeCount).toBe(sizes.filter((s) => s >= b.lo && s < b.hi).length);
    }
  });

  it('largest allocations are the biggest sizes, biggest first', async () => {
    const path = sharedPath('fixtures/heapgen/core.phase1.list_used');
    const tables = [await heapgen('phase1', 'list_used')];
    const top = largest(tables, 10).map(({ row }) => tables[0].size[row]);
    expect(top).toEqual(sizesOf(path).sort((a, b) => b - a).slice(0, 10));
    const s = summarize(tables, 3);
    expect(s.largest[0]).toMatchObject({ address: '7fc69669a010', size: 0xa3ff0, state: AllocState.Used, type: '(no signature)' });
  });
});

describe('summarize: one pass, the figures of each aggregation', () => {
  it('equals stateTotals, largest, groupBy and sizeHistogram over several tables (every state, sizes past 2^32, types, ties)', async () => {
    const src = (text: string) => new BytesSource('x', new TextEncoder().encode(text));
    const a = (await readChapList(src('Used allocation at 10 of size 18\n\nFree allocation at 100 of size 1000\n\nUsed allocation at 2000 of size 1000\n... with signature 7f00(A)\n\n'))).table;
    const sizes = [0, 1, 2, 3, 16, 1024, 1025, 1280, 4096, 2 ** 33 + 7, 2 ** 33 + 7, 65536, 48, 48, 48];
    const n = sizes.length;
    const b = {
      ...a,
      rows: n,
      addrHi: new Uint32Array(n),
      addrLo: Uint32Array.from(sizes, (_, i) => 0x10000 * (i + 1)),
      size: Float64Array.from(sizes),
      state: Uint8Array.from(sizes, (_, i) => [AllocState.Used, AllocState.Free, AllocState.Leaked, AllocState.Unreferenced, AllocState.Anchored, AllocState.ThreadCachedFree][i % 6]),
      type: Uint32Array.from(sizes, (_, i) => (i % 3 === 0 ? a.type[2] : 0)),
    };
    for (const tables of [[a], [b], [a, b], [b, a]]) {
      for (const k of [1, 3, 50]) {
        const s = summarize(tables, k);
        expect(s.totals).toEqual(stateTotals(tables));
        expect(s.largest.map((r) => ({ input: r.input, row: r.row }))).toEqual(largest(tables, k));
        expect(s.byType).toEqual(groupBy(tables, 'type'));
        expect(s.bySizeClass).toEqual(groupBy(tables, 'sizeClass'));
        expect(s.histogram).toEqual(sizeHistogram(tables));
      }
    }
  });
});

describe('size classes and buckets', () => {
  it('are exact up to 1 KiB and four per power of two above', () => {
    expect(sizeClassOf(0x38)).toEqual({ lo: 56, hi: 57 });
    expect(sizeClassOf(1024)).toEqual({ lo: 1024, hi: 1025 });
    expect(sizeClassOf(1025)).toEqual({ lo: 1024, hi: 1280 });
    expect(sizeClassOf(1280)).toEqual({ lo: 1280, hi: 1536 });
    expect(sizeClassOf(2 ** 40 + 5)).toEqual({ lo: 2 ** 40, hi: 2 ** 40 + 2 ** 38 });
  });
  it('buckets hold [2^k, 2^(k+1))', () => {
    expect([0, 1, 2, 3, 4, 1023, 1024, 2 ** 50 - 1, 2 ** 50].map(bucketOf)).toEqual([0, 0, 1, 1, 2, 9, 10, 49, 50]);
  });
  it('the per-allocation fast paths (top bit below 2^32) give what the definitions give, at every power-of-two border', () => {
    // The definitions, by repeated doubling: bucket k holds [2^k, 2^(k+1)); a class above 1 KiB is a quarter of its power of two.
    const topBit = (s: number) => {
      let k = 0;
      while (2 ** (k + 1) <= s) k++;
      return k;
    };
    const classLo = (s: number) => {
      if (s <= 1024) return s;
      const base = 2 ** topBit(s);
      return base + Math.floor((s - base) / (base / 4)) * (base / 4);
    };
    const sizes: number[] = [];
    for (let s = 0; s <= 5000; s++) sizes.push(s);
    for (let k = 2; k <= 52; k++) for (const d of [-1, 0, 1]) sizes.push(2 ** k + d, 2 ** k + 2 ** (k - 2) + d, 3 * 2 ** (k - 1) + d);
    for (const s of sizes) {
      expect(bucketOf(s), `bucket of ${s}`).toBe(s < 2 ? 0 : topBit(s));
      expect(sizeClassKey(s), `size class of ${s}`).toBe(classLo(s));
      expect(sizeClassKey(s)).toBe(sizeClassOf(s).lo);
    }
  });
  it('empty buckets between used ones are kept so the axis is continuous', async () => {
    const src = new BytesSource('x', new TextEncoder().encode('Used allocation at 10 of size 18\n\nFree allocation at 100 of size 1000\n\n'));
    const t = (await readChapList(src)).table;
    const h = sizeHistogram([t]);
    expect(h.map((b) => b.lo)).toEqual([16, 32, 64, 128, 256, 512, 1024, 2048, 4096]);
    expect(h[0].usedCount).toBe(1);
    expect(h[8].freeCount).toBe(1);
  });
});
