import { describe, expect, it } from 'vitest';
import { MeliaeParser } from '../formats/meliae/meliae.ts';
import { collapseInstanceDicts, meliaeSummary } from './meliae-summary.ts';

function parse(lines: string[]) {
  const p = new MeliaeParser('t.json');
  p.push(new TextEncoder().encode(lines.join('\n') + '\n'));
  return p.end();
}

const obj = (a: number, type: string, size: number, refs: number[] = []) =>
  `{"address": ${a}, "type": "${type}", "size": ${size}, "refs": [${refs.join(', ')}]}`;

describe("meliae's summarize()", () => {
  // Foo instance 1 owns dict 2 (only referrer) -> collapsed; Foo 3's dict 4 is shared with 5 -> kept.
  // module 6 owns dict 7 -> collapsed. Bar 8 refers to (type, dict): wrong order -> kept.
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

  it('collapses instance and module dicts the way meliae.loader.load() does', () => {
    const c = collapseInstanceDicts(r.table, r.objects);
    expect(c.collapsed).toBe(2);
    expect(Array.from(c.removed)).toEqual([0, 1, 0, 0, 0, 0, 1, 0, 0, 0]);
    expect(Array.from(c.sizes)).toEqual([148, 100, 48, 100, 72, 1072, 1000, 40, 50, 900]);
  });

  it('has exactly the figures, order and text meliae prints', () => {
    const s = meliaeSummary(r.table, r.objects);
    expect(s.totalCount).toBe(8);
    expect(s.totalSize).toBe(148 + 48 + 100 + 72 + 1072 + 40 + 50 + 900);
    expect(s.rows.map((x) => [x.kind, x.count, x.size, x.max])).toEqual([
      ['module', 1, 1072, 1072],
      ['type', 1, 900, 900],
      ['Foo', 2, 196, 148],
      ['dict', 2, 150, 100],
      ['list', 1, 72, 72],
      ['Bar', 1, 40, 40],
    ]);
    expect(s.text).toBe(
      [
        'Total 8 objects, 6 types, Total size = 0.0MiB (2430 bytes)',
        ' Index   Count   %      Size   % Cum     Max Kind',
        '     0       1  12      1072  44  44    1072 module',
        '     1       1  12       900  37  81     900 type',
        '     2       2  25       196   8  89     148 Foo',
        '     3       2  25       150   6  95     100 dict',
        '     4       1  12        72   2  98      72 list',
        '     5       1  12        40   1 100      40 Bar',
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
