import { describe, expect, it } from 'vitest';
import { EtaClock } from './eta.ts';

/** Samples of a stage of `total` done at the given rates (units per ms), one sample every `step` ms. */
function run(clock: EtaClock, key: string, total: number, rates: number[], step = 100): (number | null)[] {
  const out: (number | null)[] = [];
  let done = 0;
  let now = 1000;
  const startedAt = now;
  for (const r of rates) {
    now += step;
    done = Math.min(total, done + r * step);
    out.push(clock.update({ key, done, total, startedAt, now }));
  }
  return out;
}

describe('EtaClock', () => {
  it('is unknown before anything is done, then the rate-based estimate', () => {
    const c = new EtaClock();
    expect(c.update({ key: 'a', done: 0, total: 100, startedAt: 0, now: 50 })).toBeNull();
    // 10 of 100 in 100 ms: 90 more at 0.1/ms = 900 ms.
    expect(c.update({ key: 'a', done: 10, total: 100, startedAt: 0, now: 100 })).toBeCloseTo(900);
  });

  it('never rises within a stage, whatever the rate does (slow, stall, fast, slow)', () => {
    const rates = [5, 5, 0.5, 0, 0, 0, 3, 20, 20, 0.1, 0.1, 0.1, 0, 1, 50, 50, 50];
    const etas = run(new EtaClock(), 'x', 10_000, rates).filter((e): e is number => e !== null);
    expect(etas.length).toBeGreaterThan(10);
    for (let i = 1; i < etas.length; i++) expect(etas[i]).toBeLessThanOrEqual(etas[i - 1]);
    // A stall lets the raw estimate grow: the clock does not follow it.
    const raw = (done: number, elapsed: number) => ((10_000 - done) * elapsed) / done;
    expect(raw(1050, 600)).toBeGreaterThan(etas[2]);
  });

  it('counts down with the wall clock between reports of the same progress', () => {
    const c = new EtaClock();
    const a = c.update({ key: 'k', done: 50, total: 100, startedAt: 0, now: 1000 })!;
    const b = c.update({ key: 'k', done: 50, total: 100, startedAt: 0, now: 1300 })!;
    expect(a).toBeCloseTo(1000);
    expect(b).toBeCloseTo(700);
  });

  it('follows a faster stretch down at once', () => {
    const c = new EtaClock();
    const a = c.update({ key: 'k', done: 10, total: 100, startedAt: 0, now: 1000 })!; // 9 s left
    const b = c.update({ key: 'k', done: 90, total: 100, startedAt: 0, now: 2000 })!; // 10 of 90 per 2 s: 0.22 s
    expect(a).toBeCloseTo(9000);
    expect(b).toBeCloseTo(222.2, 0);
  });

  it('reaches 0 when the stage is done and stays there; a new stage starts afresh', () => {
    const c = new EtaClock();
    c.update({ key: 'read', done: 10, total: 100, startedAt: 0, now: 100 });
    expect(c.update({ key: 'read', done: 100, total: 100, startedAt: 0, now: 200 })).toBe(0);
    expect(c.update({ key: 'read', done: 100, total: 100, startedAt: 0, now: 900 })).toBe(0);
    // The next stage is slower per unit: its first estimate is larger than anything of the last stage.
    expect(c.update({ key: 'walk', done: 1, total: 100, startedAt: 1000, now: 1100 })).toBeCloseTo(9900);
  });

  it('ignores a total of 0 (unknown size) and done beyond the total', () => {
    const c = new EtaClock();
    expect(c.update({ key: 'k', done: 10, total: 0, startedAt: 0, now: 100 })).toBeNull();
    expect(c.update({ key: 'k', done: 120, total: 100, startedAt: 0, now: 200 })).toBe(0);
  });
});
