/**
 * Regression tests for issue 13: the saved-analysis loader accepted NaN,
 * negative, Infinity and > 2^53 sizes; an Infinity size then sent the
 * histogram loop on until V8 aborted the worker. Every such column is now an
 * InputError naming the file, the column and the row.
 */
import { describe, expect, it } from 'vitest';
import { AllocationTableBuilder, AllocState, type AllocationTable } from '../../../src/model/allocations.ts';
import type { SavedAnalysis, SavedInput } from '../../../src/model/saved.ts';
import { InputError } from '../io/errors.ts';
import { loadAnalysis } from './deserialize.ts';
import { saveAnalysis } from './serialize.ts';

function table(sizes: number[], requested?: number[]): AllocationTable {
  const b = new AllocationTableBuilder({ requested: !!requested });
  sizes.forEach((s, i) => {
    b.add(0x5574, 0x1000 + i * 32, s, AllocState.Used);
    if (requested) b.requested!.set(i, requested[i]);
  });
  return b.freeze();
}

function analysis(extra: Partial<SavedInput>, t?: AllocationTable): SavedAnalysis {
  const tab = t ?? table([24, 32]);
  return { name: 'h', created: '2026-12-01T00:00:00.000Z', view: null, inputs: [{ name: 'x.list_used', format: 'chap-list', size: 1, rows: tab.rows, table: tab, ...extra }] };
}

async function refusal(a: SavedAnalysis): Promise<string> {
  const err = await loadAnalysis(await saveAnalysis(a), { name: 'stored.heapscope' }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InputError);
  return (err as Error).message;
}

describe('saved analyses with hostile numbers (issue 13)', () => {
  it('sizes that are NaN, negative, Infinity, fractional or past 2^53 are refused, naming the row', async () => {
    for (const bad of [NaN, -1, Infinity, -Infinity, 0.5, 2 ** 53, 1e300]) {
      expect(await refusal(analysis({}, table([24, bad])))).toBe(
        `stored.heapscope: input 0 (x.list_used) size: row 1 holds ${bad}, not a whole number in [0, 2^53)`,
      );
    }
  });

  it('sizes that add up past 2^53 − 1 are refused; exactly 2^53 − 1 loads', async () => {
    expect(await refusal(analysis({}, table([2 ** 52, 2 ** 52])))).toBe(
      'stored.heapscope: input 0 (x.list_used) size: the values add up to more than 2^53 − 1, beyond exact totals',
    );
    const ok = await loadAnalysis(await saveAnalysis(analysis({}, table([2 ** 52, 2 ** 52 - 1]))));
    expect(ok.inputs[0].table!.rows).toBe(2);
  });

  it('requested sizes are checked like sizes', async () => {
    expect(await refusal(analysis({}, table([24, 32], [24, Infinity])))).toMatch(/requested: row 1 holds Infinity/);
  });

  it('attribution: a requested size is a whole number, NaN where no footer (files before 2026-12-03) reads as 0; site addresses below 2^64', async () => {
    const t = table([24, 32]);
    const sites = { rows: 1, addr: new Float64Array([0x401000]), lib: new Uint32Array([0]), func: new Uint32Array([0]), offset: new Float64Array([16]), exec: new Uint8Array([1]), strings: { bytes: new Uint8Array(0), offsets: new Uint32Array(1) } };
    const good = { sites, rowSite: new Uint32Array([1, 0]), rowRequested: new Float64Array([20, NaN]) };
    expect((await loadAnalysis(await saveAnalysis(analysis({ attribution: good }, t)))).inputs[0].attribution!.rowRequested[1]).toBe(0);
    expect(await refusal(analysis({ attribution: { ...good, rowRequested: new Float64Array([-5, NaN]) } }, t))).toMatch(/row requested: row 0 holds -5/);
    expect(await refusal(analysis({ attribution: { ...good, sites: { ...sites, addr: new Float64Array([Infinity]) } } }, t))).toMatch(
      /site address: row 0 holds Infinity, not a whole number in \[0, 2\^64\)/,
    );
    expect(await refusal(analysis({ attribution: { ...good, sites: { ...sites, offset: new Float64Array([NaN]) } } }, t))).toMatch(/site offset: row 0 holds NaN/);
  });
});
