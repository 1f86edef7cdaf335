import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AllocFlag, AllocState } from '../../../../src/model/allocations.ts';
import { hexOf } from '../../../../src/model/address.ts';
import { StringTable } from '../../../../src/model/strings.ts';
import { describeShared, sharedPath } from '../../../../test-support/shared.ts';
import { withSource } from '../../../../test-support/node-files.ts';
import { InputError } from '../../io/errors.ts';
import { BytesSource } from '../../io/source.ts';
import { openInput } from '../open-input.ts';
import { ChapListParser, readChapList } from './chap-list.ts';

/** Every file under `dir` whose name holds `.list_` (chap `list` output). */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else if (/\.list_/.test(name)) out.push(p);
  }
  return out.sort();
}

/** The tally lines of a chap output file, parsed independently of the reader (regex on text). */
function tallyLines(text: string): { count: number; bytes: number }[] {
  return [...text.matchAll(/^(\d+) allocations use 0x([0-9a-f]+) \(([\d,]+)\) bytes\.$/gm)].map((m) => {
    expect(parseInt(m[2], 16)).toBe(Number(m[3].replace(/,/g, '')));
    return { count: Number(m[1]), bytes: Number(m[3].replace(/,/g, '')) };
  });
}

function source(text: string | Uint8Array, name = 'test.list_used'): BytesSource {
  return new BytesSource(name, typeof text === 'string' ? new TextEncoder().encode(text) : text);
}

describeShared('chap list reader on heapgen lists', ['fixtures', 'heapgen'], () => {
  it('phase 1 list used: 26343 allocations, 3,413,480 bytes, signatures named', async () => {
    const r = await withSource(sharedPath('fixtures/heapgen/core.phase1.list_used'), (s) => readChapList(s));
    expect(r.warnings).toEqual([]);
    expect(r.table.rows).toBe(26343);
    let bytes = 0;
    for (let i = 0; i < r.table.rows; i++) bytes += r.table.size[i];
    expect(bytes).toBe(3413480);
    expect(r.tallies).toEqual([{ line: r.lines, count: 26343, bytes: 3413480, listedCount: 26343, listedBytes: 3413480 }]);
    // First allocation and first typed one, exactly as the file says.
    expect(hexOf(r.table.addrHi[0], r.table.addrLo[0])).toBe('5574cccbc010');
    expect(r.table.size[0]).toBe(0x288);
    expect(r.table.state[0]).toBe(AllocState.Used);
    const strings = new StringTable(r.table.strings);
    expect(strings.get(r.table.type[3])).toBe('widgets::Rect');
    const perType = new Map<string, number>();
    for (let i = 0; i < r.table.rows; i++) {
      const n = strings.get(r.table.type[i]);
      perType.set(n, (perType.get(n) ?? 0) + 1);
    }
    expect(perType.get('widgets::Circle')).toBe(4000);
    expect(perType.get('widgets::Rect')).toBe(2000);
  });

  for (const phase of ['phase1', 'phase2']) {
    it(`${phase}: used and free totals equal chap's count lines`, async () => {
      const counts = tallyLines(readFileSync(sharedPath(`fixtures/heapgen/core.${phase}.counts.txt`), 'utf8'));
      for (const [kind, expected] of [
        ['list_used', counts[0]],
        ['list_free', counts[1]],
      ] as const) {
        const r = await withSource(sharedPath(`fixtures/heapgen/core.${phase}.${kind}`), (s) => readChapList(s));
        let bytes = 0;
        for (let i = 0; i < r.table.rows; i++) bytes += r.table.size[i];
        expect({ count: r.table.rows, bytes }).toEqual(expected);
        const st = kind === 'list_used' ? AllocState.Used : AllocState.Free;
        expect(r.table.state.every((s) => s === st)).toBe(true);
      }
    });
  }
});

describeShared('chap list reader on every list file of chap\'s own suite', ['peer', 'chap-suite'], () => {
  const files = [...listFiles(sharedPath('peer/chap-suite')), ...listFiles(sharedPath('fixtures/heapgen'))];
  it('finds the list files', () => {
    expect(files.length).toBeGreaterThan(40);
  });
  for (const f of files) {
    it(`${f.slice(sharedPath().length + 1)}: totals equal the tally lines`, async () => {
      const text = readFileSync(f, 'utf8');
      const expected = tallyLines(text);
      const r = await withSource(f, (s) => readChapList(s));
      expect(r.tallies.map(({ count, bytes }) => ({ count, bytes }))).toEqual(expected);
      for (const t of r.tallies) expect({ count: t.listedCount, bytes: t.listedBytes }).toEqual({ count: t.count, bytes: t.bytes });
      expect(r.table.rows).toBe(expected.reduce((n, t) => n + t.count, 0));
      expect(r.warnings.filter((w) => /tally|truncated/.test(w.message))).toEqual([]);
    });
  }
  it('reads states other than used and free (anchored, leaked) and names them', async () => {
    const f = sharedPath('peer/chap-suite/ELF64/HasSymbols_CoreHasMangledTypeNames_NoSymdefs/core.34218.list_anchored');
    const r = await withSource(f, (s) => readChapList(s));
    expect(r.table.rows).toBeGreaterThan(0);
    const text = readFileSync(f, 'utf8');
    const firstState = /^(\w+) allocation at/m.exec(text)![1];
    expect(['Anchored', 'Used']).toContain(firstState);
  });
});

describe('chap list reader on malformed and edge-case input', () => {
  const good = 'Used allocation at 1000 of size 18\n\nFree allocation at 1020 of size 28\n... with signature 7f00(Foo)\n\n2 allocations use 0x40 (64) bytes.\n';

  it('reads CRLF line endings', async () => {
    const r = await readChapList(source(good.replace(/\n/g, '\r\n')));
    expect(r.table.rows).toBe(2);
    expect(r.warnings).toEqual([]);
    expect(new StringTable(r.table.strings).get(r.table.type[1])).toBe('Foo');
  });

  it('gives the same result whatever the slicing', async () => {
    const bytes = new TextEncoder().encode(good.repeat(50));
    for (const step of [1, 3, 7, 64]) {
      const p = new ChapListParser('x');
      for (let i = 0; i < bytes.length; i += step) p.push(bytes.subarray(i, i + step));
      const r = p.end();
      expect(r.table.rows).toBe(100);
      expect(r.tallies).toHaveLength(50);
      expect(r.warnings).toEqual([]);
    }
  });

  it('takes the common lines in one pass exactly as line by line (every prefix, CRLF, digits at and past the limits)', () => {
    const lines = [
      'Used allocation at 1000 of size 18',
      'Free allocation at 1020 of size 28',
      '... with signature 7f00(Foo)',
      'Leaked allocation at 1050 of size 10',
      'Unreferenced allocation at 1060 of size 10',
      'Anchored allocation at 1070 of size 10',
      'Thread cached free allocation at 1080 of size 20',
      'Used allocation at ffffffffffffff10 of size 18',
      'Used allocation at 1ffffffffffffff10 of size 18',
      'Used allocation at ABCDEF of size 0000000000018',
      'Used allocation at abcdef of size 00000000000018',
      'Used allocation at abcdef of size fffffffff',
      'Used allocation at abcdef of size 1fffffffffffff0',
      'Used allocation at abcdef of size ' + 'f'.repeat(400),
      'Used allocation at 1100 of size 18\r',
      'Used allocation at 1100 of size 18\r\r',
      'Used allocation at 1100 of size 18 ',
      'Used allocation at 1100 of size ',
      'Used allocation at  of size 18',
      'Used allocation at 1100 of siz 18',
      'Used allocation',
      'Usedallocation at 1100 of size 18',
      '\r',
      '',
      '9 allocations use 0x0 (0) bytes.',
    ];
    const text = new TextEncoder().encode((lines.join('\n') + '\n').repeat(3));
    const parse = (step: number) => {
      const p = new ChapListParser('x');
      for (let i = 0; i < text.length; i += step) p.push(text.subarray(i, i + step));
      const r = p.end();
      const t = r.table;
      return {
        cols: [t.addrHi, t.addrLo, t.size, t.state, t.type, t.flags].map((c) => (c ? Array.from(c) : null)),
        strings: new StringTable(t.strings).size,
        tallies: r.tallies,
        warnings: r.warnings,
        lines: r.lines,
      };
    };
    // One byte at a time no allocation line lies whole in a chunk: each goes line by line.
    const byLine = parse(1);
    expect(byLine.cols[0]?.length).toBe(3 * 11);
    expect(byLine.warnings.map((w) => w.message)).toEqual([
      ...[25, 50, 75].map(
        (n) => `the tally at line ${n} says 9 allocations use 0 bytes, but the lines above it list 11 allocations using 68,719,476,975 bytes`,
      ),
      '6 line(s) that are not allocation lines were skipped (first at line 21)',
      '24 malformed allocation line(s) were skipped (first at line 9)',
    ]);
    for (const step of [2, 5, 37, text.length]) expect(parse(step)).toEqual(byLine);
  });

  it('reads gzip transparently', async () => {
    const r = await readChapList(source(gzipSync(good)));
    expect(r.table.rows).toBe(2);
  });

  it('keeps 64-bit addresses exact', async () => {
    const r = await readChapList(source('Used allocation at ffffffffffffff10 of size 18\n\n1 allocations use 0x18 (24) bytes.\n'));
    expect(hexOf(r.table.addrHi[0], r.table.addrLo[0])).toBe('ffffffffffffff10');
  });

  it('warns when the tally disagrees with the lines', async () => {
    const r = await readChapList(source(good.replace('2 allocations use 0x40 (64)', '3 allocations use 0x50 (80)')));
    expect(r.warnings.map((w) => w.message).join()).toMatch(/tally at line 6 says 3 allocations use 80 bytes, but the lines above it list 2 allocations using 64 bytes/);
    expect(r.warnings[0].file).toBe('test.list_used');
  });

  it('warns about a truncated last line and a missing tally', async () => {
    const r = await readChapList(source('Used allocation at 1000 of size 18\n\nUsed allocation at 10'));
    expect(r.table.rows).toBe(1);
    const text = r.warnings.map((w) => w.message).join('\n');
    expect(text).toMatch(/ends in the middle of line 3/);
    expect(text).toMatch(/no closing tally/);
  });

  it('refuses an empty file with a clear error naming it', async () => {
    await expect(openInput(source('', 'empty.txt'))).rejects.toThrow(/empty\.txt: not a format Heapscope reads: the file is empty/);
  });

  it('refuses binary junk with a clear error naming it', async () => {
    const junk = new Uint8Array(4096).map((_, i) => (i * 2654435761) >>> 24);
    const err = await openInput(source(junk, 'junk.bin')).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/^junk\.bin: not a format Heapscope reads: binary data/);
  });

  it('refuses text that is not a chap list', async () => {
    await expect(openInput(source('hello\nworld\n', 'notes.txt'))).rejects.toThrow(/notes\.txt: not a format Heapscope reads: text .*"hello"/);
  });

  it('fails clearly when a file sniffed as a list holds no allocation line', async () => {
    await expect(readChapList(source('Used allocation at zz of size 18\n', 'bad.list'))).rejects.toThrow(/bad\.list: no chap allocation lines/);
  });

  it('counts malformed allocation lines and skips them', async () => {
    const r = await readChapList(source('Used allocation at 1000 of size 18\n\nUsed allocation at 2000 of size zz\n\n1 allocations use 0x18 (24) bytes.\n'));
    expect(r.table.rows).toBe(1);
    expect(r.warnings.map((w) => w.message).join()).toMatch(/1 malformed allocation line\(s\) were skipped \(first at line 3\)/);
  });

  it('reads describe-style states and patterns: anchored and leaked allocations are used ones, with their set as a flag', async () => {
    const r = await readChapList(
      source('Anchored allocation at 60a010 of size 48\nThis allocation matches pattern DequeMap.\n\nLeaked allocation at 60a060 of size 208\n\nThread cached free allocation at 60a300 of size 18\n\n'),
    );
    expect(Array.from(r.table.state)).toEqual([AllocState.Used, AllocState.Used, AllocState.ThreadCachedFree]);
    expect(Array.from(r.table.flags!)).toEqual([AllocFlag.Anchored, AllocFlag.Leaked, 0]);
    expect(new StringTable(r.table.strings).get(r.table.type[0])).toBe('%DequeMap');
  });

  it('a gzip stream cut short is an error naming the file', async () => {
    const gz = gzipSync(good.repeat(2000));
    const err = await readChapList(source(gz.subarray(0, gz.length >> 1), 'cut.gz')).catch((e) => e);
    expect(String(err.message)).toMatch(/^cut\.gz: /);
  });
});
