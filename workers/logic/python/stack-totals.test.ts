import { expect, it } from 'vitest';
import { withSource } from '../../../test-support/node-files.ts';
import { describeShared, sharedPath } from '../../../test-support/shared.ts';
import { readTracemalloc } from '../formats/tracemalloc/tracemalloc.ts';
import { stackTotals } from './stack-totals.ts';
import { statistics } from './statistics.ts';

describeShared('stack totals of the service.py snapshot', ['fixtures', 'tracemalloc'], () => {
  it('root holds every trace; self figures are the traceback statistics; totals add up', async () => {
    const snap = (await withSource(sharedPath('fixtures/tracemalloc/after.tracemalloc'), (s) => readTracemalloc(s))).snapshot;
    const t = stackTotals(snap);
    expect(t.totalCount[0]).toBe(249810);
    let bytes = 0;
    for (let i = 0; i < snap.traces.rows; i++) bytes += snap.traces.size[i];
    expect(t.totalSize[0]).toBe(bytes);
    const rows = statistics(snap, 'traceback');
    for (const r of rows) expect([t.selfSize[r.ref], t.selfCount[r.ref]]).toEqual([r.size, r.count]);
    // statistics('traceback')[0] is the service.py:30 -> :24 path, 4,346,928 bytes in 16,001 traces
    expect([t.selfSize[rows[0].ref], t.selfCount[rows[0].ref]]).toEqual([4346928, 16001]);
    for (let s = 1; s < snap.stacks.rows; s++) {
      expect(t.totalSize[s]).toBeGreaterThanOrEqual(t.selfSize[s]);
      expect(t.totalSize[snap.stacks.parent[s]]).toBeGreaterThanOrEqual(t.totalSize[s]);
    }
  });
});
