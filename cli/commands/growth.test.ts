/**
 * `heapscope growth` between two cores of one CPython process's workload, phase 1
 * and phase 2 (fixtures-gen/python/python_core.py: 1,000 more Sessions, 500 more
 * Points, 200 more lists): the increases are the two censuses' differences, as
 * objgraph's show_growth would print them; and show_growth's own rules on counts.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pyenvVersions, pythonCore } from '../../fixtures-gen/python-cores.ts';
import { ROOT } from '../../test-support/shared.ts';
import { growth, growthText } from '../../src/model/growth.ts';

const BIN = join(ROOT, 'bin', 'heapscope.mjs');

describe('objgraph show_growth rules', () => {
  it('types past their earlier count, largest increase first, objgraph text', () => {
    const rows = growth(new Map([['dict', 10], ['list', 5], ['Session', 1]]), new Map([['dict', 12], ['list', 4], ['Session', 101], ['Point', 3]]));
    expect(rows).toEqual([
      { type: 'Session', count: 101, delta: 100 },
      { type: 'Point', count: 3, delta: 3 },
      { type: 'dict', count: 12, delta: 2 },
    ]);
    expect(growthText(rows)).toBe('Session      101      +100\nPoint          3        +3\ndict          12        +2\n');
    expect(growth(new Map(), new Map([['a', 1], ['b', 2], ['c', 3]]), 2).map((r) => r.type)).toEqual(['c', 'b']);
  });
});

describe('heapscope growth between two cores of a CPython process', () => {
  const v = pyenvVersions().find((x) => x.startsWith('3.12')) ?? pyenvVersions().at(-1);
  if (!v) {
    it.skip('needs a pyenv CPython in ~/.pyenv/versions', () => {});
    return;
  }
  it(`CPython ${v}: Session +1,000, Point +500, list +200 as the censuses differ`, async (ctx) => {
    const [a, b] = [await pythonCore(v, 1), await pythonCore(v, 2)];
    if ('skip' in a || 'skip' in b) {
      console.warn(`SKIPPED: ${'skip' in a ? a.skip : (b as { skip: string }).skip}`);
      ctx.skip();
      return;
    }
    const out = JSON.parse(execFileSync(process.execPath, [BIN, 'growth', a.core, b.core, '--limit', '0', '--json'], { encoding: 'utf8' }));
    const row = (t: string) => out.rows.find((r: { type: string }) => r.type === t);
    for (const t of ['Session', 'Point', 'list']) {
      expect(row(t)).toEqual({ type: t, count: b.census.types[t], delta: b.census.types[t] - a.census.types[t] });
    }
    expect(row('Session').delta).toBe(1000);
    expect(row('Point').delta).toBe(500);
  });
});
