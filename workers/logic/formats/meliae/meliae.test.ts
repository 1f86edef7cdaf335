import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { AllocState } from '../../../../src/model/allocations.ts';
import { bigOf, hexOf } from '../../../../src/model/address.ts';
import { objectValue, referentsOf } from '../../../../src/model/objects.ts';
import { StringTable } from '../../../../src/model/strings.ts';
import { ROOT } from '../../../../test-support/shared.ts';
import { withSource } from '../../../../test-support/node-files.ts';
import { dominatorTree, gcRoots, ROOT_TYPE_NAMES } from '../../graph/dominators.ts';
import { meliaeSummary } from '../../graph/meliae-summary.ts';
import { computeTotalSize, meliaeLoad } from '../../graph/meliae-loader.ts';
import { reachable } from '../../graph/reachability.ts';
import { InputError } from '../../io/errors.ts';
import { BytesSource } from '../../io/source.ts';
import { openInput } from '../open-input.ts';
import { sniffBytes } from '../sniff.ts';
import { MeliaeParser, readMeliae, type MeliaeResult } from './meliae.ts';

const enc = new TextEncoder();

function source(text: string | Uint8Array, name = 'test.meliae.json'): BytesSource {
  return new BytesSource(name, typeof text === 'string' ? enc.encode(text) : text);
}

function rowOf(r: MeliaeResult, address: bigint | number): number {
  const a = BigInt(address);
  for (let i = 0; i < r.table.rows; i++) if (bigOf(r.table.addrHi[i], r.table.addrLo[i]) === a) return i;
  return -1;
}

const PY = spawnSync('python3', ['--version'], { encoding: 'utf8' });
const HAVE_PY = PY.status === 0;
if (!HAVE_PY) console.warn('SKIPPED "meliae reader on a dump of this CPython": python3 is not installed');

interface Expect {
  objects: number;
  edges: number;
  holder: { address: number; retained: number; objects: number; lists: number; strings: number };
  widgets: number[];
  shared: { address: number; type: string; size: number; total: number; children: number[]; parents: number[] };
  widget: { address: number; type: string; size: number; total: number; children: number[]; parents: number[] };
  sharedDict: number;
  summary: {
    totalCount: number;
    totalSize: number;
    collapsed: number;
    removed: number;
    rows: { kind: string; count: number; size: number; max: number; countPct: number; sizePct: number; cumPct: number }[];
  };
}

(HAVE_PY ? describe : describe.skip)(`meliae reader on a dump of this CPython${HAVE_PY ? '' : ' [skipped: python3 is not installed]'}`, () => {
  let dump = '';
  let expected: Expect;
  let r: MeliaeResult;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heapscope-meliae-'));
    dump = join(dir, 'dump.json');
    execFileSync('python3', [join(ROOT, 'fixtures-gen/python/make_meliae.py'), dump, join(dir, 'expect.json')]);
    expected = JSON.parse(readFileSync(join(dir, 'expect.json'), 'utf8')) as Expect;
    r = await withSource(dump, (s) => readMeliae(s));
  });

  it('is sniffed as meliae and reads every object and reference, with no warning', async () => {
    expect(sniffBytes(readFileSync(dump).subarray(0, 65536)).role).toBe('meliae');
    expect(r.warnings).toEqual([]);
    expect(r.table.rows).toBe(expected.objects);
    expect(r.objects.refStart[r.table.rows]).toBe(expected.edges);
    expect(r.objects.missingRefs).toBe(0);
    expect(r.duplicates).toBe(0);
    expect(r.table.state.every((s) => s === AllocState.Used)).toBe(true);
  });

  it('keeps addresses, types, names, lens and values', () => {
    const strings = new StringTable(r.table.strings);
    const h = rowOf(r, expected.holder.address);
    expect(h).toBeGreaterThanOrEqual(0);
    expect(strings.get(r.table.type[h])).toBe('dict');
    expect(r.objects.len[h]).toBe(1000);
    expect(referentsOf(r.objects, h).length).toBe(1000); // dict_traverse skips str keys
    const types = new Set(Array.from(referentsOf(r.objects, h), (c) => strings.get(r.table.type[c])));
    expect([...types]).toEqual(['list']);
    const aList = Array.from(referentsOf(r.objects, h)).find((c) => strings.get(r.table.type[c]) === 'list')!;
    const items = Array.from(referentsOf(r.objects, aList), (c) => objectValue(r.objects, c) ?? "");
    // list_traverse visits items last to first, and meliae writes refs in traverse order.
    expect(items.map((x) => x.replace(/^item-\d+-/, '')).sort()).toEqual(['0-', '1-x', '2-xx', '3-xxx', '4-xxxx']);
    expect(items[0]).toMatch(/^item-\d+-4-xxxx$/);
    const w = rowOf(r, expected.widgets[0]);
    expect(strings.get(r.table.type[w])).toBe('Widget');
    let modules = 0;
    for (let i = 0; i < r.table.rows; i++) {
      if (strings.get(r.table.type[i]) === 'module' && strings.get(r.objects.name[i]) === 'sys') modules++;
    }
    expect(modules).toBe(1);
  });

  it("summarize() equals meliae's table computed in Python, row for row", () => {
    const s = meliaeSummary(r.table, r.objects);
    expect(s.collapsed).toBe(expected.summary.collapsed);
    expect(s.collapsed).toBeGreaterThanOrEqual(70);
    expect({ totalCount: s.totalCount, totalSize: s.totalSize }).toEqual({
      totalCount: expected.summary.totalCount,
      totalSize: expected.summary.totalSize,
    });
    expect(s.rows.map(({ kind, count, size, max, countPct, sizePct, cumPct }) => ({ kind, count, size, max, countPct, sizePct, cumPct }))).toEqual(
      expected.summary.rows,
    );
    const widget = s.rows.find((x) => x.kind === 'Widget')!;
    expect(widget.count).toBe(50);
    // 20 Shared instances share one __dict__: real meliae folds it into every one of them.
    expect(s.rows.find((x) => x.kind === 'Shared')!.count).toBe(20);
  });

  it('per object as meliae 0.5.1 loads it: size, compute_total_size, .c and .p (a shared dict, an aliased dict)', () => {
    const m = meliaeLoad(r.table, r.objects);
    expect(m.removed.reduce((n, x) => n + x, 0)).toBe(expected.summary.removed);
    expect(m.removed[rowOf(r, expected.sharedDict)]).toBe(1);
    for (const o of [expected.shared, expected.widget]) {
      const row = rowOf(r, o.address);
      expect(m.kinds[m.kind[row]]).toBe(o.type);
      expect(m.size[row]).toBe(o.size);
      expect(computeTotalSize(m, row)).toBe(o.total);
      const addr = (x: number): number => r.table.addrHi[x] * 2 ** 32 + r.table.addrLo[x];
      expect(Array.from(m.childTarget.subarray(m.childStart[row], m.childStart[row + 1]), addr)).toEqual(o.children);
      expect(Array.from(m.parentTarget.subarray(m.parentStart[row], m.parentStart[row + 1]), addr).sort((a, b) => a - b)).toEqual(o.parents);
    }
  });

  it('reachable and retained size of HOLDER equal the sizes Python counted', () => {
    const h = rowOf(r, expected.holder.address);
    const reach = reachable(r.objects, r.table.size, h);
    expect(reach).toEqual({ count: expected.holder.objects, size: expected.holder.retained });
    const strings = new StringTable(r.table.strings);
    const rootTypes = ROOT_TYPE_NAMES.map((n) => {
      for (let id = 1; id < strings.size; id++) if (strings.get(id) === n) return id;
      return 0;
    });
    const t = dominatorTree(r.objects, r.table.size, gcRoots(r.objects, r.table.type, rootTypes));
    expect(t.retained[h]).toBe(expected.holder.retained);
    let total = 0;
    for (let i = 0; i < r.table.rows; i++) total += r.table.size[i];
    expect(t.retained[t.root]).toBe(total);
  });

  it('reads the same dump gzip-compressed and wrapped as a JSON array', async () => {
    const text = readFileSync(dump, 'utf8');
    const gz = await readMeliae(source(gzipSync(text), 'dump.json.gz'));
    expect(gz.table.rows).toBe(expected.objects);
    expect(Array.from(gz.objects.refTarget)).toEqual(Array.from(r.objects.refTarget));
    const lines = text.trimEnd().split('\n');
    const wrapped = '[\n' + lines.map((l, i) => (i < lines.length - 1 ? l + ',' : l)).join('\n') + '\n]\n';
    const w = await readMeliae(source(wrapped));
    expect(w.warnings).toEqual([]);
    expect(w.table.rows).toBe(expected.objects);
    expect(Array.from(w.objects.refStart)).toEqual(Array.from(r.objects.refStart));
  });
});

describe('meliae reader on small and malformed input', () => {
  const good =
    '{"address": 1000, "type": "dict", "size": 232, "len": 1, "refs": [2000, 3000]}\n' +
    '{"address": 2000, "type": "str", "size": 54, "len": 5, "value": "a\\/b\\"\\u00e9\\ud83d\\ude00", "refs": []}\n' +
    '{"address": 3000, "type": "int", "size": 28, "value": -12, "refs": []}\n' +
    '{"address": 4000, "type": "module", "size": 72, "name": "os", "refs": [1000]}\n';

  it('decodes every field and escape', async () => {
    const r = await readMeliae(source(good));
    expect(r.warnings).toEqual([]);
    const s = new StringTable(r.table.strings);
    expect(r.table.rows).toBe(4);
    expect(Array.from(r.table.size)).toEqual([232, 54, 28, 72]);
    expect(objectValue(r.objects, 1)).toBe('a/b"é😀');
    expect(objectValue(r.objects, 2)).toBe('-12');
    expect(objectValue(r.objects, 0)).toBeUndefined();
    expect(s.get(r.objects.name[3])).toBe('os');
    expect(Array.from(r.objects.len)).toEqual([1, 5, -1, -1]);
    expect(Array.from(r.objects.refStart)).toEqual([0, 2, 2, 2, 3]);
    expect(Array.from(r.objects.refTarget)).toEqual([1, 2, 0]);
    expect(s.get(r.table.type[3])).toBe('module');
  });

  it('accepts keys in any order, unknown keys and no refs', async () => {
    const r = await readMeliae(source('{"refs": [], "size": 10, "extra": {"a": [1, {"b": "}"}]}, "type": "X", "address": 5}\n{"type":"Y","address":6,"size":1}\n'));
    expect(r.warnings).toEqual([]);
    expect(r.table.rows).toBe(2);
    expect(Array.from(r.table.size)).toEqual([10, 1]);
  });

  it('gives the same result whatever the slicing', async () => {
    const bytes = enc.encode(good.replace(/\n/g, '\r\n'));
    for (const step of [1, 2, 5, 17, 64]) {
      const p = new MeliaeParser('x');
      for (let i = 0; i < bytes.length; i += step) p.push(bytes.subarray(i, i + step));
      const r = p.end();
      expect(r.warnings).toEqual([]);
      expect(r.table.rows).toBe(4);
      expect(Array.from(r.objects.refTarget)).toEqual([1, 2, 0]);
    }
  });

  it('keeps full 64-bit addresses exact and refuses wider ones', async () => {
    const r = await readMeliae(
      source('{"address": 18446744073709551615, "type": "a", "size": 1, "refs": [18446744073709551615]}\n{"address": 18446744073709551616, "type": "b", "size": 1, "refs": []}\n'),
    );
    expect(hexOf(r.table.addrHi[0], r.table.addrLo[0])).toBe('ffffffffffffffff');
    expect(Array.from(r.objects.refTarget)).toEqual([0]);
    expect(r.table.rows).toBe(1);
    expect(r.warnings.map((w) => w.message).join()).toMatch(/1 line\(s\) that are not meliae objects were skipped \(first at line 2/);
  });

  it('refuses huge sizes and fractional numbers as malformed lines', async () => {
    const r = await readMeliae(
      source(good + '{"address": 9, "type": "a", "size": 9007199254740993, "refs": []}\n{"address": 10, "type": "a", "size": 1.5, "refs": []}\n{"address": 11, "type": "a", "size": 1e400, "refs": []}\n'),
    );
    expect(r.table.rows).toBe(4);
    expect(r.warnings[0].message).toMatch(/^3 line\(s\) that are not meliae objects were skipped \(first at line 5/);
    expect(r.warnings[0].file).toBe('test.meliae.json');
  });

  it('reports references to objects not in the dump once, and drops them', async () => {
    const r = await readMeliae(source(good + '{"address": 5000, "type": "list", "size": 72, "refs": [1000, 77, 78]}\n'));
    expect(r.objects.missingRefs).toBe(2);
    expect(Array.from(r.objects.dangling)).toEqual([4]);
    expect(Array.from(referentsOf(r.objects, 4))).toEqual([0]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0].message).toBe(
      '2 reference(s) from 1 object(s) point to addresses that are not in the dump (first: the object at 1388 refers to 4d); they are left out of the graph',
    );
  });

  it('keeps the first of objects dumped twice, as meliae does', async () => {
    const r = await readMeliae(source(good + '{"address": 2000, "type": "str", "size": 999, "refs": [1000]}\n'));
    expect(r.table.rows).toBe(4);
    expect(r.duplicates).toBe(1);
    expect(r.table.size[1]).toBe(54);
    expect(r.objects.refStart[4]).toBe(3);
  });

  it('warns about a truncated last line', async () => {
    const r = await readMeliae(source(good + '{"address": 6000, "type": "li'));
    expect(r.table.rows).toBe(4);
    expect(r.warnings.map((w) => w.message)).toEqual([
      'the file ends in the middle of line 5 ("{"address": 6000, "type": "li"); it looks truncated, and that line was ignored',
    ]);
    // A last line without newline that is whole is read.
    const whole = await readMeliae(source(good.trimEnd()));
    expect(whole.table.rows).toBe(4);
    expect(whole.warnings).toEqual([]);
  });

  it('refuses an empty file, naming it', async () => {
    await expect(openInput(source('', 'empty.json'))).rejects.toThrow(/^empty\.json: not a format Heapscope reads: the file is empty/);
    await expect(readMeliae(source('\n\n[\n]\n', 'blank.json'))).rejects.toThrow(/^blank\.json: no meliae object lines were found/);
  });

  it('refuses JSON-looking text that holds no meliae object, naming the file', async () => {
    const err = await openInput(source('{"address": "x", "type": 1}\n{"nope": true}\n', 'junk.json')).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/^junk\.json: no meliae object could be read: 2 line\(s\) that are not meliae objects were skipped \(first at line 1/);
  });

  it('survives hostile input: deep nesting, unterminated strings, bad escapes, long garbage', async () => {
    const deep = '{"address": 1, "type": "a", "size": 1, "x": ' + '['.repeat(200000) + ']'.repeat(200000) + ', "refs": []}\n';
    const open = '{"address": 2, "type": "a", "size": 1, "x": ' + '['.repeat(100000) + '\n';
    const r = await readMeliae(
      source(
        deep +
          open +
          '{"address": 3, "type": "a\\q", "size": 1, "refs": []}\n' +
          '{"address": 4, "type": "a", "size": 1, "value": "abc\n' +
          '{"address": 5, "type": "a", "size": 1, "refs": [1, 2,]}\n' +
          'x'.repeat(300000) +
          '\n{"address": 6, "type": "a", "size": 1, "refs": [1]}\n',
        'hostile.json',
      ),
    );
    expect(Array.from(r.table.addrLo)).toEqual([1, 6]);
    expect(r.warnings[0]).toEqual({
      file: 'hostile.json',
      message: expect.stringMatching(/^5 line\(s\) that are not meliae objects were skipped \(first at line 2/),
    });
  });

  it('a gzip stream cut short is an error naming the file', async () => {
    const gz = gzipSync(good.repeat(3000));
    const err = await readMeliae(source(gz.subarray(0, gz.length >> 1), 'cut.json.gz')).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(String(err.message)).toMatch(/^cut\.json\.gz: /);
  });

  it('openInput registers the reader and puts the graph in the result', async () => {
    const r = await openInput(source(good));
    expect(r.format).toBe('meliae');
    expect(r.objects?.rows).toBe(4);
    expect(r.info).toEqual({ lines: 4, duplicates: 0, missingRefs: 0 });
  });
});
