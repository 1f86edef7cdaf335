/** The progress line's text, rendered to markup (no DOM needed): figures, rate, and no "0/s". */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { StageState } from '../state/snapshots.ts';
import { StageProgress } from './StageProgress.tsx';

const text = (p: StageState) => renderToStaticMarkup(createElement(StageProgress, { p })).replace(/<[^>]+>/g, '');

describe('StageProgress', () => {
  const base: StageState = { stage: 'attribution', file: 'core.py38', done: 0, total: 120_000, unit: 'items', startedAt: performance.now() - 2000 };
  it('a stage that has done nothing yet says "starting", not a rate of 0/s', () => {
    const t = text(base);
    expect(t).toContain('Attributing footers of core.py38 · 0 of 120,000');
    expect(t).toContain('starting');
    expect(t).not.toMatch(/\/s/);
  });
  it('once items are done it shows the rate and the time left', () => {
    const t = text({ ...base, done: 60_000 });
    expect(t).toMatch(/60,000 of 120,000 allocations · [\d,]+\/s · [\d.]+ s left/);
    expect(t).not.toContain('starting');
  });
  it('a stage of unknown size says sizing…', () => {
    expect(text({ ...base, total: 0 })).toContain('sizing…');
  });
});
