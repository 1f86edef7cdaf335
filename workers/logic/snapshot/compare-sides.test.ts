import { describe, expect, it } from 'vitest';
import { AllocationTableBuilder, AllocFlag, AllocState, SET_FLAGS } from '../../../src/model/allocations.ts';
import type { SnapshotKind } from '../../../src/model/snapshot.ts';
import type { SnapshotState } from '../../../src/model/snapshot-state.ts';
import type { TracemallocSnapshot } from '../../../src/model/traces.ts';
import { canCompare, pickSides, sideOptions } from './compare-sides.ts';

function table(flags = false) {
  const b = new AllocationTableBuilder({ flags });
  b.add(0, 0x1000, 24, AllocState.Used);
  const t = b.freeze();
  if (flags) t.flags![0] = AllocFlag.Leaked;
  return t;
}

function state(key: string, kind: SnapshotKind, over: Partial<SnapshotState> = {}, knownSets: string[] = []): SnapshotState {
  const tm = kind === 'tracemalloc' ? ({ file: key } as unknown as TracemallocSnapshot) : undefined;
  return {
    uid: 1,
    snap: { key, name: `name of ${key}`, kind, core: null, parts: [], table: kind === 'tracemalloc' ? null : table(knownSets.length > 0), tracemalloc: tm, knownSets },
    version: 3,
    attribution: null,
    layout: null,
    live: false,
    saved: false,
    busy: null,
    ...over,
  };
}

describe('the snapshots Compare can take', () => {
  it('process snapshots with a table and tracemalloc snapshots, in order; meliae dumps and tableless ones not', () => {
    const list = [state('s1', 'process'), state('s2', 'meliae'), state('s3', 'tracemalloc'), { ...state('s4', 'process'), snap: { ...state('s4', 'process').snap, table: null } }];
    const o = sideOptions(list);
    expect(o.map((x) => [x.id, x.kind, x.label, x.version])).toEqual([
      ['s1', 'allocations', 'name of s1', 3],
      ['s3', 'tracemalloc', 'name of s3', 3],
    ]);
    expect(o[0].data?.table).toBe(list[0].snap.table);
    expect(o[1].snapshot).toBe(list[2].snap.tracemalloc);
  });

  it("a side's open core (for the build comparison) only when live; its sets once their flags are known", () => {
    const live = state('s1', 'process', { live: true, snap: { ...state('s1', 'process').snap, core: 7 } });
    const [o] = sideOptions([live]);
    expect([o.coreId, o.leakFlags, o.leakSets]).toEqual([7, null, []]);
    const flags = Uint16Array.from([AllocFlag.Leaked]);
    const [done] = sideOptions([{ ...live, leaks: { totals: {}, largestLeaked: [], warnings: [], flags } as unknown as SnapshotState['leaks'] }]);
    expect([done.leakFlags, done.leakSets]).toEqual([flags, SET_FLAGS.map(([n]) => n)]);
    const [saved] = sideOptions([state('s2', 'process', { saved: true, snap: { ...state('s2', 'process', {}, ['leaked']).snap, core: 3 } }, ['leaked'])]);
    expect([saved.coreId, saved.leakSets]).toEqual([undefined, ['leaked']]);
  });
});

describe('which two Compare shows', () => {
  const o = sideOptions([state('s1', 'process'), state('s2', 'tracemalloc'), state('s3', 'process'), state('s4', 'tracemalloc'), state('s5', 'process')]);
  const ids = (p: ReturnType<typeof pickSides>) => [p.a?.id, p.b?.id];

  it("the user's choice of one kind; else the two newest process snapshots, the older as A", () => {
    expect(ids(pickSides(o, 's1', 's3'))).toEqual(['s1', 's3']);
    expect(ids(pickSides(o, '', ''))).toEqual(['s3', 's5']);
    // B of another kind than A is not taken: A stays, B is the newest other of A's kind.
    expect(ids(pickSides(o, 's1', 's4'))).toEqual(['s1', 's5']);
    // Two tracemalloc snapshots chosen: those.
    expect(ids(pickSides(o, 's4', 's2'))).toEqual(['s4', 's2']);
  });

  it("a shared analysis's snapshot is B beside this analysis's newest of its kind", () => {
    const withShared = [...o, ...sideOptions([state('B:s1', 'process')])];
    expect(ids(pickSides(withShared, '', ''))).toEqual(['s5', 'B:s1']);
    expect(ids(pickSides(withShared, 's3', ''))).toEqual(['s3', 'B:s1']);
  });

  it('comparable only with two of one kind', () => {
    expect(canCompare(o)).toBe(true);
    expect(canCompare(sideOptions([state('s1', 'process'), state('s2', 'tracemalloc')]))).toBe(false);
    expect(ids(pickSides(sideOptions([state('s1', 'process'), state('s2', 'tracemalloc')]), '', ''))).toEqual([undefined, undefined]);
  });
});
