import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { SavedAnalysis } from '../model/saved.ts';
import { openLibrary } from '../storage/library.ts';
import { describeShared, sharedPath } from '../../test-support/shared.ts';
import { withSource } from '../../test-support/node-files.ts';
import { readChapList } from '../../workers/logic/formats/chap-list/chap-list.ts';
import { InputError } from '../../workers/logic/io/errors.ts';
import { saveAnalysis } from '../../workers/logic/saved/serialize.ts';
import { defaultAnalysisName, useLibrary, useLibraryDatabase } from './library.ts';

let n = 0;
const freshDb = (): string => {
  const name = `library-ui-test-${n++}`;
  useLibraryDatabase(name);
  useLibrary.setState({ entries: [], loaded: false, error: null, panel: null });
  return name;
};

describe('defaultAnalysisName', () => {
  it('joins up to three input names, then counts the rest', () => {
    expect(defaultAnalysisName([])).toBe('analysis');
    expect(defaultAnalysisName([{ name: 'core.phase1.list_used' }])).toBe('core.phase1.list_used');
    expect(defaultAnalysisName([{ name: 'a' }, { name: 'b' }])).toBe('a + b');
    expect(defaultAnalysisName(['a', 'b', 'c', 'd', 'e'].map((name) => ({ name })))).toBe('a + b + c + 2 more');
  });
});

describe('library store: panels and failures', () => {
  it('opens and closes one panel at a time; opening the library reads the list', async () => {
    freshDb();
    useLibrary.getState().openPanel('save');
    expect(useLibrary.getState().panel).toBe('save');
    useLibrary.getState().openPanel('library');
    expect(useLibrary.getState().panel).toBe('library');
    await useLibrary.getState().refresh();
    expect(useLibrary.getState()).toMatchObject({ loaded: true, entries: [], error: null });
    useLibrary.getState().closePanel();
    expect(useLibrary.getState().panel).toBeNull();
  });

  it('a damaged entry is refused with an InputError naming it, kept in `error`', async () => {
    const db = freshDb();
    const lib = await openLibrary(db);
    const id = await lib.put(new TextEncoder().encode('not a saved analysis'), { name: 'broken one', inputs: [] });
    lib.close();
    const err = await useLibrary
      .getState()
      .open(id)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).file).toBe('broken one');
    expect(useLibrary.getState().error).toContain('broken one');
  });

  it('without IndexedDB every action fails with a clear message, none crashes', async () => {
    freshDb();
    const saved = globalThis.indexedDB;
    // @ts-expect-error -- simulating a browser without IndexedDB (private mode, disabled storage)
    delete globalThis.indexedDB;
    try {
      await expect(useLibrary.getState().refresh()).rejects.toThrow(/local library cannot be opened/);
      expect(useLibrary.getState().error).toMatch(/local library cannot be opened \(IndexedDB\)/);
    } finally {
      globalThis.indexedDB = saved;
    }
    // The failed open is not cached: it works once IndexedDB is there.
    await useLibrary.getState().refresh();
    expect(useLibrary.getState().error).toBeNull();
  });
});

describeShared('library store on heapgen phase 1', ['fixtures', 'heapgen', 'core.phase1.list_used'], () => {
  async function phase1(): Promise<SavedAnalysis> {
    const path = sharedPath('fixtures/heapgen/core.phase1.list_used');
    const r = await withSource(path, (s) => readChapList(s));
    return {
      name: 'core.phase1.list_used',
      created: '2025-01-01T00:00:00.000Z',
      view: { view: 'table', node: ['widgets::Rect'] },
      inputs: [{ name: 'core.phase1.list_used', format: 'chap-list', size: 1450238, rows: r.table.rows, table: r.table }],
    };
  }

  it('saves, lists, renames, reopens with the same numbers, deletes', async () => {
    freshDb();
    const a = await phase1();
    const st = useLibrary.getState();
    const ok = await st.save(a);
    const bytes = await saveAnalysis(a);
    expect(ok.size).toBe(bytes.length);
    expect(ok.name).toBe('core.phase1.list_used');
    expect(ok.id).toMatch(/^[0-9a-f]{64}$/);
    let entries = useLibrary.getState().entries;
    expect(entries.map((e) => [e.id, e.name, e.size])).toEqual([[ok.id, 'core.phase1.list_used', bytes.length]]);
    expect(entries[0].inputs).toEqual([{ name: 'core.phase1.list_used', format: 'chap-list', size: 1450238, rows: 26343 }]);

    await st.rename(ok.id, 'phase 1, widgets');
    entries = useLibrary.getState().entries;
    expect(entries.map((e) => e.name)).toEqual(['phase 1, widgets']);

    const back = await st.open(ok.id);
    expect(back?.name).toBe('phase 1, widgets');
    expect(back?.view).toEqual({ view: 'table', node: ['widgets::Rect'] });
    const t = back!.inputs[0].table!;
    expect(t.rows).toBe(26343);
    let total = 0;
    for (let i = 0; i < t.rows; i++) total += t.size[i];
    expect(total).toBe(3413480);

    await st.remove(ok.id);
    expect(useLibrary.getState().entries).toEqual([]);
    expect(await st.open(ok.id)).toBeUndefined();
  });

  it('saving the same analysis twice keeps one entry (content id)', async () => {
    freshDb();
    const a = await phase1();
    const one = await useLibrary.getState().save(a);
    const two = await useLibrary.getState().save({ ...a, name: 'again' });
    // The name is in the file's header, so a different name is a different file.
    expect(two.id).not.toBe(one.id);
    const three = await useLibrary.getState().save(a);
    expect(three.id).toBe(one.id);
    expect(useLibrary.getState().entries.map((e) => e.name)).toEqual(['core.phase1.list_used', 'again']);
  });
});
