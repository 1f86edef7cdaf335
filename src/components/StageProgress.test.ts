/** The progress line's text, rendered to markup (no DOM needed): figures, rate, no "0/s", no "starting"; the places kept for its figures. */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { StageState } from '../state/snapshots.ts';
import { StageProgress } from './StageProgress.tsx';
import { bytesIn, stageLine } from './stage-line.ts';

const text = (p: StageState) => renderToStaticMarkup(createElement(StageProgress, { p })).replace(/<[^>]+>/g, '');

describe('StageProgress', () => {
  const t0 = performance.now() - 2000;
  const base: StageState = { stage: 'attribution', file: 'core.py38', done: 0, total: 120_000, unit: 'items', startedAt: t0, at: t0 };
  it('a stage that has done nothing yet names the stage and its size, with no rate: neither "0/s" nor "starting"', () => {
    const t = text(base);
    expect(t).toBe('Attributing footers of core.py38 · 0 of 120,000 allocations');
    expect(t).not.toContain('starting');
    expect(t).not.toMatch(/\/s/);
  });
  it('once items are done it shows the rate and the time left', () => {
    const t = text({ ...base, done: 60_000, at: t0 + 2000 });
    expect(t).toMatch(/^Attributing footers of core.py38 · 60,000 of 120,000 allocations · 30,000\/s · [\d.]+ s left$/);
    expect(t).not.toContain('starting');
  });
  it('a stage of unknown size names itself and says sizing…', () => {
    expect(text({ ...base, total: 0 })).toBe('Attributing footers of core.py38 · sizing…');
  });
  it("a read's line names the stage from its first moment (its file is named on the line above)", () => {
    const read: StageState = { stage: 'read', file: 'core.1', done: 0, total: 607 << 20, unit: 'bytes', startedAt: t0, at: t0 };
    expect(text(read)).toBe('Reading · 0 of 607 MiB');
  });
});

describe('stageLine', () => {
  const walk: StageState = { stage: 'walk', file: 'core.1', done: 0, total: 301 << 20, unit: 'bytes', startedAt: 0, at: 0 };
  it('writes done in the total\'s unit and decimals, so it is never wider than the total', () => {
    expect(bytesIn(75 << 20, 287 << 20)).toEqual({ figure: '75', unit: 'MiB' });
    expect(bytesIn(1 << 20, 2.58 * 2 ** 20)).toEqual({ figure: '1.00', unit: 'MiB' });
    expect(bytesIn(2190, 19.2 * 1024)).toEqual({ figure: '2.1', unit: 'KiB' });
    expect(bytesIn(0, 607 << 20)).toEqual({ figure: '0', unit: 'MiB' });
    expect(bytesIn(100, 512)).toEqual({ figure: '100', unit: 'B' });
    // Just under the total: its figure, not one past it ("287 of 287").
    expect(bytesIn((287 << 20) - 1, (287 << 20) - 1).figure).toBe('287');
    for (const total of [1000, 5000, 50_000, 700_000, 3 << 20, 40 << 20, 600 << 20, 5 * 2 ** 30]) {
      const t = bytesIn(total, total).figure;
      for (const f of [0, 0.001, 0.1, 0.5, 0.999, 1]) expect(bytesIn(total * f, total).figure.length, `${f} of ${total}`).toBeLessThanOrEqual(t.length);
    }
  });
  it('has no rate and no time left before the first report, then the rate at the latest report', () => {
    const first = stageLine({ ...walk, at: 30 }, null);
    expect([first.done, first.total, first.unit, first.rate, first.eta]).toEqual(['0', '301', ' MiB', null, null]);
    const later = stageLine({ ...walk, done: 12 << 20, at: 100 }, 2400);
    expect([later.done, later.rate, later.eta]).toEqual(['12', '120 MiB/s', '2.4 s left']);
    // Its widest rate is the same from the start: the place kept for the rate does not change.
    expect(later.rateMax).toBe(first.rateMax);
    // All done and still shown: the rate stays the one of the last report.
    expect(stageLine({ ...walk, done: 300 << 20, total: 300 << 20, at: 2000 }, 0).rate).toBe('150 MiB/s');
  });
  it('keeps a place for the rate as wide as any it shows in the stage', () => {
    expect(stageLine({ ...walk, done: 1023 << 20, total: 1023 << 20, at: 1000 }, 0).rate!.length).toBeLessThanOrEqual('1023 MiB/s'.length);
    const items: StageState = { stage: 'classes', file: 'core.1', done: 1_500_000, total: 1_500_000, unit: 'items', startedAt: 0, at: 10 };
    const l = stageLine(items, 0);
    expect([l.done, l.total, l.unit, l.rate, l.eta]).toEqual(['1,500,000', '1,500,000', ' allocations', '150,000,000/s', 'finishing']);
    expect(l.rate!.length).toBeLessThanOrEqual(l.rateMax.length);
    expect(stageLine({ ...items, total: 0, done: 0 }, null)).toMatchObject({ done: null, rate: null });
  });
});
