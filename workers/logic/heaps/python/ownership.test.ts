/**
 * Ownership, the type table and the article's advice on cores made here under
 * every pyenv CPython, against what the process said of itself (census.json:
 * counts, and sys.getsizeof of one Session and of one Point).
 *
 * By construction (fixtures-gen/python/python_core.py): 3,000 Sessions each with
 * three attributes in a __dict__, 5,000 Points with three __slots__, one list of
 * 4,000 small ints and one of 3,000 floats.
 */
import { existsSync } from 'node:fs';
import { describe, expect } from 'vitest';
import { NodeFileSource } from '../../../../cli/node-source.ts';
import { itPerPyenvCore } from '../../../../test-support/python-cores.ts';
import { openCore } from '../../formats/elf/core-file.ts';
import { findAllocations } from '../find-allocators.ts';
import { analysePython, obmallocOf } from './analyse.ts';

const block = (n: number): number => Math.ceil(n / 16) * 16;

describe('ownership, type table and advice on cores of every pyenv CPython', () => {
  itPerPyenvCore(async (made, v) => {
    const src = await NodeFileSource.open(made.core);
    const core = await openCore(src);
    const heap = await findAllocations(core);
    const py = (await analysePython(core, heap.table, obmallocOf(heap.contributions)!, async (p) => (existsSync(p) ? NodeFileSource.open(p) : null)))!;
    await core.close();
    await src.close();
    const c = made.census;
    const rows = py.typeTable.rows;
    const session = rows.find((r) => r.type === 'Session')!;
    const point = rows.find((r) => r.type === 'Point')!;
    // Every instance is one row's object; Points own nothing, each in one block of its getsizeof.
    expect(session.count).toBe(c.counts.sessions);
    expect(point.count).toBe(c.counts.points);
    expect(point.ownedBytes).toBe(0);
    expect(point.ownBytes).toBe(c.counts.points * block(c.sizes.Point));
    const [major, minor] = v.split('.').map(Number);
    if (major === 2 || minor <= 12) expect(session.ownBytes).toBe(c.counts.sessions * block(c.sizes.Session));
    // Before 3.11 every instance has its own dict object; after, values live in managed arrays or inline.
    if (major === 2 || minor <= 10) expect(session.withDict).toBe(c.counts.sessions);
    expect(session.dictBytes).toBeGreaterThan(0);
    expect(session.ownedBytes).toBe(session.dictBytes);
    // The list row holds every list with its item arrays.
    const list = rows.find((r) => r.type === 'list')!;
    expect(list.count).toBe(c.types.list);
    // __slots__ advice for Session: every instance, three attributes, a saving; none for Point (it has slots).
    const adv = py.advice;
    const s = adv.slots.find((a) => a.type === 'Session')!;
    expect(s.attributes).toBe(3);
    expect(s.instances).toBeGreaterThanOrEqual(c.counts.sessions - 1);
    expect(s.saves).toBe(s.instanceBytes + s.dictBytes - s.slotsBytes);
    expect(s.saves).toBeGreaterThan(0);
    expect(adv.slots.some((a) => a.type === 'Point')).toBe(false);
    // array advice: the one list of 4,000 ints and the one of 3,000 floats.
    const ints = adv.arrays.find((a) => a.kind === 'int')!;
    const floats = adv.arrays.find((a) => a.kind === 'float')!;
    expect([ints.lists, ints.items]).toEqual([1, c.counts.ints]);
    expect([floats.lists, floats.items]).toEqual([1, c.counts.floats]);
    expect(floats.bytes).toBeGreaterThan(floats.arrayBytes);
  });
});
