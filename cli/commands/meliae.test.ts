import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from './meliae.ts';

const DUMP =
  '{"address": 100, "type": "module", "size": 72, "name": "app", "refs": [200]}\n' +
  '{"address": 200, "type": "dict", "size": 1000, "len": 1, "refs": [300]}\n' +
  '{"address": 300, "type": "list", "size": 88, "len": 2, "refs": [400, 500]}\n' +
  '{"address": 400, "type": "str", "size": 60, "len": 3, "value": "abc", "refs": []}\n' +
  '{"address": 500, "type": "str", "size": 70, "len": 3, "value": "def", "refs": [999]}\n';

describe('heapscope meliae', () => {
  let out = '';
  let err = '';
  beforeEach(() => {
    out = '';
    err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  });
  afterEach(() => vi.restoreAllMocks());

  it('prints the summary and the largest retainers as JSON', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'heapscope-cli-')), 'small.json');
    writeFileSync(file, DUMP);
    expect(await run([file, '--dominators', '2', '--json'])).toBe(0);
    const j = JSON.parse(out);
    expect(j.objects).toBe(5);
    expect(j.references).toBe(4);
    expect(j.missingRefs).toBe(1);
    // The module absorbs its dict (collapse), as meliae.loader.load() does.
    expect(j.summary.collapsed).toBe(1);
    expect(j.summary.rows.map((r: { kind: string; size: number }) => [r.kind, r.size])).toEqual([
      ['module', 1072],
      ['str', 130],
      ['list', 88],
    ]);
    expect(j.dominators).toEqual([
      { address: '0x64', type: 'module', name: 'app', size: 72, retained: 1290 },
      { address: '0xc8', type: 'dict', name: '', size: 1000, retained: 1218 },
    ]);
    expect(j.warnings).toEqual([expect.stringMatching(/^small\.json: 1 reference\(s\) from 1 object\(s\) point to addresses that are not in the dump/)]);
  });

  it('prints meliae\'s text table and refuses bad arguments', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'heapscope-cli-')), 'small.json');
    writeFileSync(file, DUMP);
    expect(await run([file, '--no-collapse'])).toBe(0);
    expect(out.split('\n').slice(0, 3)).toEqual([
      'Total 5 objects, 4 types, Total size = 0.0MiB (1290 bytes)',
      ' Index   Count   %      Size   % Cum     Max Kind',
      '     0       1  20      1000  77  77    1000 dict',
    ]);
    expect(err).toMatch(/warning: small\.json: 1 reference/);
    expect(await run([file, '--by', 'weight'])).toBe(2);
  });
});
