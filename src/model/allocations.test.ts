import { describe, expect, it } from 'vitest';
import { AllocState, isInUse, usedTotals } from './allocations.ts';

describe('usedTotals', () => {
  it('counts the rows in use and their bytes, across the 65,536-row chunks, as a plain loop does', () => {
    const rows = 200_003;
    const states = [AllocState.Used, AllocState.Free, AllocState.Leaked, AllocState.ThreadCachedFree, AllocState.Anchored];
    const state = new Uint8Array(rows).map((_, i) => states[(i * 7) % states.length]);
    const size = new Float64Array(rows).map((_, i) => (i % 97) * 4096 + 3 + (i === 70_000 ? 2 ** 40 : 0));
    let count = 0;
    let bytes = 0;
    for (let r = 0; r < rows; r++) {
      if (!isInUse(state[r])) continue;
      count++;
      bytes += size[r];
    }
    expect(usedTotals({ rows, state, size })).toEqual({ count, bytes });
    expect(usedTotals({ rows: 0, state: new Uint8Array(0), size: new Uint32Array(0) })).toEqual({ count: 0, bytes: 0 });
  });
});
