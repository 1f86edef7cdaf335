import { describe, expect, it } from 'vitest';
import { AllocationTableBuilder, AllocFlag, AllocState, SET_FLAGS } from '../../../src/model/allocations.ts';
import type { Snapshot } from '../../../src/model/snapshot.ts';
import { leakFlagsOf, leakSetsOf, leakSourceOf, withLeakSets } from './leak-sets.ts';

function snap(over: Partial<Snapshot> = {}, flags = false): Snapshot {
  const b = new AllocationTableBuilder({ flags });
  b.add(0, 0x1000, 24, AllocState.Used);
  b.add(0, 0x1020, 40, AllocState.Used);
  const table = b.freeze();
  if (flags) table.flags![0] = AllocFlag.Leaked;
  return { key: 's1', name: 'core', kind: 'process', core: 7, parts: [], table, knownSets: [], ...over };
}

const stage = (flags: Uint16Array) => ({ totals: {}, largestLeaked: [], warnings: [], flags });

describe('where a snapshot\'s leak sets come from', () => {
  it('an open core computes every set (its leak stage); a table with flags has the sets it names; else none', () => {
    expect(leakSourceOf({ live: true, snap: snap() })).toBe('core');
    expect(leakSetsOf({ live: true, snap: snap() })).toEqual(SET_FLAGS.map(([n]) => n));
    // Until the leak stage is done the flags are not known; then they are its flags (of the table's rows only).
    expect(leakFlagsOf({ live: true, snap: snap() })).toBeNull();
    const f = Uint16Array.from([AllocFlag.Leaked, AllocFlag.Anchored]);
    expect(leakFlagsOf({ live: true, snap: snap(), leaks: stage(f) })).toBe(f);
    expect(leakFlagsOf({ live: true, snap: snap(), leaks: stage(new Uint16Array(3)) })).toBeNull();
    const saved = snap({ core: 3, knownSets: ['leaked'] }, true);
    expect(leakSourceOf({ live: false, snap: saved })).toBe('table');
    expect(leakSetsOf({ live: false, snap: saved })).toEqual(['leaked']);
    expect(leakFlagsOf({ live: false, snap: saved })).toBe(saved.table!.flags);
    expect(leakSourceOf({ live: false, snap: snap() })).toBeNull();
    expect(leakSetsOf({ live: true, snap: snap({ kind: 'tracemalloc' }) })).toEqual([]);
    expect(leakSetsOf(null)).toEqual([]);
  });
});

describe('a saved copy keeps the sets computed from its core', () => {
  it('writes the leak stage\'s flags as the table\'s flags, every set known', () => {
    const s = snap();
    expect(withLeakSets({ live: true, snap: s })).toBe(s);
    const f = Uint16Array.from([AllocFlag.Leaked | AllocFlag.Unreferenced, AllocFlag.Anchored]);
    const out = withLeakSets({ live: true, snap: s, leaks: stage(f) });
    expect(out.table!.flags).toBe(f);
    expect(out.knownSets).toEqual(SET_FLAGS.map(([n]) => n));
    expect(s.table!.flags).toBeUndefined();
    // Not for a snapshot without its core, nor flags of other rows.
    expect(withLeakSets({ live: false, snap: s, leaks: stage(f) })).toBe(s);
    expect(withLeakSets({ live: true, snap: s, leaks: stage(new Uint16Array(3)) })).toBe(s);
  });
});
