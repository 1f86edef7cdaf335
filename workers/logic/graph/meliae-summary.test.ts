import { describe, expect, it } from 'vitest';
import { MeliaeParser } from '../formats/meliae/meliae.ts';
import { collapseInstanceDicts, meliaeSummary } from './meliae-summary.ts';
import { computeTotalSize, meliaeLoad, tableOrder } from './meliae-loader.ts';

function parse(lines: string[]) {
  const p = new MeliaeParser('t.json');
  p.push(new TextEncoder().encode(lines.join('\n') + '\n'));
  return p.end();
}

const obj = (a: number, type: string, size: number, refs: number[] = []) =>
  `{"address": ${a}, "type": "${type}", "size": ${size}, "refs": [${refs.join(', ')}]}`;

describe("meliae's summarize()", () => {
  // Foo instance 1 owns dict 2 (only referrer) -> collapsed; Foo 3's dict 4 is also held by list 5 ->
  // collapsed all the same (meliae 0.5.1 never tests the referrers). module 6 owns dict 7 -> collapsed.
  // Bar 8 refers to (type, dict): wrong order -> kept.
  const r = parse([
    obj(1, 'Foo', 48, [2, 10]),
    obj(2, 'dict', 100),
    obj(3, 'Foo', 48, [4, 10]),
    obj(4, 'dict', 100),
    obj(5, 'list', 72, [4]),
    obj(6, 'module', 72, [7]),
    obj(7, 'dict', 1000),
    obj(8, 'Bar', 40, [10, 9]),
    obj(9, 'dict', 50),
    obj(10, 'type', 900, []),
  ]);

  it('collapses instance and module dicts the way meliae 0.5.1\'s loader does, shared or not', () => {
    const c = collapseInstanceDicts(r.table, r.objects);
    expect(c.collapsed).toBe(3);
    expect(Array.from(c.removed)).toEqual([0, 1, 0, 1, 0, 0, 1, 0, 0, 0]);
    expect(Array.from(c.sizes)).toEqual([148, 100, 148, 100, 72, 1072, 1000, 40, 50, 900]);
  });

  it('a dict shared by two instances is absorbed by both and removed once', () => {
    const s = parse([obj(1, 'Foo', 48, [3, 4]), obj(2, 'Foo', 48, [3, 4]), obj(3, 'dict', 100, [5]), obj(4, 'type', 900), obj(5, 'str', 40)]);
    const m = meliaeLoad(s.table, s.objects);
    expect(m.collapsed).toBe(2);
    expect(Array.from(m.size)).toEqual([148, 148, 100, 900, 40]);
    // The instances now refer to the dict's referents and then the type; the str has both as parents.
    expect(Array.from(m.childTarget.subarray(m.childStart[0], m.childStart[1]))).toEqual([4, 3]);
    expect(Array.from(m.parentTarget.subarray(m.parentStart[4], m.parentStart[5]))).toEqual([0, 1]);
    expect(computeTotalSize(m, 0)).toBe(148 + 900 + 40);
    const sum = meliaeSummary(s.table, s.objects);
    expect(sum.rows.map((x) => [x.kind, x.count, x.size])).toEqual([['type', 1, 900], ['Foo', 2, 296], ['str', 1, 40]]);
  });

  it('folds Python 2 old-style instances into their class name', () => {
    const s = parse([
      '{"address": 1, "type": "instance", "size": 72, "refs": [2, 3]}',
      '{"address": 2, "type": "classobj", "size": 104, "name": "Legacy", "refs": []}',
      obj(3, 'dict', 280),
      '{"address": 4, "type": "instance", "size": 72, "refs": [2, 5]}',
      obj(5, 'dict', 280),
    ]);
    const sum = meliaeSummary(s.table, s.objects);
    expect(sum.collapsed).toBe(2);
    expect(sum.rows.map((x) => [x.kind, x.count, x.size])).toEqual([['Legacy', 2, 704], ['classobj', 1, 104]]);
  });

  it('keeps at most 100 referrers per object, as compute_parents(max_parents=100) does', () => {
    const lines = [obj(1, 'str', 40)];
    for (let i = 0; i < 150; i++) lines.push(obj(1000 + i, 'tuple', 64, [1]));
    const s = parse(lines);
    const m = meliaeLoad(s.table, s.objects);
    expect(m.parentStart[1] - m.parentStart[0]).toBe(100);
  });

  it('iterates objects in the slot order of meliae\'s address table', () => {
    const s = parse([obj(1025, 'a', 1), obj(3, 'b', 1), obj(1, 'c', 1)]);
    // 1024 slots: 1025 -> slot 1, 3 -> slot 3, 1 -> slot 1 taken -> probe 1 + 1 + 0 = slot 2.
    expect(Array.from(tableOrder(s.table))).toEqual([0, 2, 1]);
  });

  it('has exactly the figures, order and text meliae prints', () => {
    const s = meliaeSummary(r.table, r.objects);
    expect(s.totalCount).toBe(7);
    expect(s.totalSize).toBe(148 + 148 + 72 + 1072 + 40 + 50 + 900);
    expect(s.rows.map((x) => [x.kind, x.count, x.size, x.max])).toEqual([
      ['module', 1, 1072, 1072],
      ['type', 1, 900, 900],
      ['Foo', 2, 296, 148],
      ['list', 1, 72, 72],
      ['dict', 1, 50, 50],
      ['Bar', 1, 40, 40],
    ]);
    expect(s.text).toBe(
      [
        'Total 7 objects, 6 types, Total size = 0.0MiB (2430 bytes)',
        ' Index   Count   %      Size   % Cum     Max Kind',
        '     0       1  14      1072  44  44    1072 module',
        '     1       1  14       900  37  81     900 type',
        '     2       2  28       296  12  93     148 Foo',
        '     3       1  14        72   2  96      72 list',
        '     4       1  14        50   2  98      50 dict',
        '     5       1  14        40   1 100      40 Bar',
      ].join('\n'),
    );
  });

  it('without collapse, and by count, ties keep first-appearance order', () => {
    const s = meliaeSummary(r.table, r.objects, { collapse: false, by: 'count' });
    expect(s.totalCount).toBe(10);
    expect(s.rows.map((x) => x.kind)).toEqual(['dict', 'Foo', 'type', 'list', 'module', 'Bar']); // list and module tie at (1, 72): file order
    expect(s.rows[0]).toMatchObject({ count: 4, size: 1250, countPct: 40, sizePct: 51, cumPct: 51, max: 1000, maxRow: 6 });
    const t = parse([obj(1, 'a', 5), obj(2, 'b', 5), obj(3, 'c', 5)]);
    expect(meliaeSummary(t.table, t.objects).rows.map((x) => x.kind)).toEqual(['a', 'b', 'c']);
  });

  it("prints MiB like Python's %.1f (ties to even)", () => {
    // 0.25 MiB exactly: Python prints 0.2; 0.75 MiB prints 0.8.
    const a = parse([obj(1, 'x', 262144)]);
    expect(meliaeSummary(a.table, a.objects).text.split('\n')[0]).toBe('Total 1 objects, 1 types, Total size = 0.2MiB (262144 bytes)');
    const b = parse([obj(1, 'x', 786432)]);
    expect(meliaeSummary(b.table, b.objects).text.split('\n')[0]).toBe('Total 1 objects, 1 types, Total size = 0.8MiB (786432 bytes)');
  });
});
