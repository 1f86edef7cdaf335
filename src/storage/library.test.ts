import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { analysisId } from '../../workers/logic/saved/id.ts';
import { openLibrary } from './library.ts';

let n = 0;
const fresh = () => openLibrary(`test-library-${n++}`);
const inputs = [{ name: 'core.phase1.list_used', format: 'chap-list', size: 1450238, rows: 26343 }];
const bytesOf = (s: string): Uint8Array => new TextEncoder().encode(s);
const tick = () => new Promise((r) => setTimeout(r, 3));

describe('local library (IndexedDB)', () => {
  it('puts, lists most recent first, gets the exact bytes back', async () => {
    const lib = await fresh();
    const a = await lib.put(bytesOf('first'), { name: 'A', inputs });
    await tick();
    const b = await lib.put(bytesOf('second!'), { name: 'B', inputs: [] });
    expect(a).toBe(await analysisId(bytesOf('first')));
    const list = await lib.list();
    expect(list.map((e) => [e.id, e.name, e.size])).toEqual([
      [b, 'B', 7],
      [a, 'A', 5],
    ]);
    expect(list[1].inputs).toEqual(inputs);
    expect(Date.parse(list[0].date)).toBeGreaterThanOrEqual(Date.parse(list[1].date));
    expect(new TextDecoder().decode(await lib.get(a))).toBe('first');
    expect(await lib.get('0'.repeat(64))).toBeUndefined();
    lib.close();
  });

  it('stores the same bytes once (content id) and refreshes their date', async () => {
    const lib = await fresh();
    const a = await lib.put(bytesOf('same'), { name: 'one', inputs });
    await tick();
    await lib.put(bytesOf('other'), { name: 'other', inputs });
    await tick();
    const again = await lib.put(bytesOf('same'), { name: 'two', inputs });
    expect(again).toBe(a);
    const list = await lib.list();
    expect(list.length).toBe(2);
    expect(list[0].id).toBe(a);
    expect(list[0].name).toBe('two');
    lib.close();
  });

  it('renames and deletes; unknown ids say false', async () => {
    const lib = await fresh();
    const a = await lib.put(bytesOf('x'), { name: 'old', inputs });
    expect(await lib.rename(a, 'new name')).toBe(true);
    expect((await lib.entry(a))?.name).toBe('new name');
    expect(await lib.rename('nope', 'x')).toBe(false);
    expect(await lib.delete(a)).toBe(true);
    expect(await lib.delete(a)).toBe(false);
    expect(await lib.list()).toEqual([]);
    expect(await lib.get(a)).toBeUndefined();
    lib.close();
  });

  it('keeps entries across close and reopen', async () => {
    const name = `test-library-reopen-${n++}`;
    const lib = await openLibrary(name);
    const a = await lib.put(bytesOf('kept'), { name: 'kept', inputs });
    lib.close();
    const again = await openLibrary(name);
    expect((await again.list()).map((e) => e.id)).toEqual([a]);
    again.close();
  });
});

describe('saveToLibrary / openFromLibrary', () => {
  it('round-trips an analysis and reopens it under its new name', async () => {
    const { AllocationTableBuilder, AllocState } = await import('../model/allocations.ts');
    const { saveToLibrary, openFromLibrary } = await import('./library.ts');
    const b = new AllocationTableBuilder();
    b.add(0x5574, 0xcccbc010, 0x288, AllocState.Used, b.strings.intern('widgets::Rect'));
    const t = b.freeze();
    const lib = await fresh();
    const { id, bytes } = await saveToLibrary(lib, { name: 'mine', created: '2026-11-21T00:00:00.000Z', view: { view: 'table' }, inputs: [{ name: 'a.list_used', format: 'chap-list', size: 99, rows: 1, table: t }] });
    expect(id).toBe(await analysisId(bytes));
    expect((await lib.list())[0].inputs).toEqual([{ name: 'a.list_used', format: 'chap-list', size: 99, rows: 1 }]);
    await lib.rename(id, 'renamed');
    const back = (await openFromLibrary(lib, id))!;
    expect(back.name).toBe('renamed');
    expect(back.view).toEqual({ view: 'table' });
    expect(Array.from(back.inputs[0].table!.addrLo)).toEqual([0xcccbc010]);
    expect(await openFromLibrary(lib, 'f'.repeat(64))).toBeUndefined();
    lib.close();
  });
});
