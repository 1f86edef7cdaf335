import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SavedAnalysis } from '../model/saved.ts';
import { saveAnalysis } from '../../workers/logic/saved/serialize.ts';

// The analysis store starts workers; this test needs only its `loadSaved`, which
// (like the real one) clears the view's shared ids, then applies the saved view.
const loads: { a: SavedAnalysis; shared: { analysis?: string; cmp?: string } }[] = [];
vi.mock('./analysis.ts', async () => {
  const { create } = await import('zustand');
  const { useView } = await import('./view.ts');
  const { decodeUrlState } = await import('./url.ts');
  const { useCompareSource } = await import('./compare-source.ts');
  void create;
  return {
    analysis: {
      async loadSaved(a: SavedAnalysis, shared: { analysis?: string; cmp?: string } = {}) {
        loads.push({ a, shared });
        useView.getState().setShared('');
        useView.getState().applyUrl({ ...decodeUrlState(''), ...(a.view as object), analysis: shared.analysis ?? '', cmp: shared.cmp ?? '', src: '' });
      },
    },
    async setCompareSource(b: SavedAnalysis | null, id = '') {
      useCompareSource.setState({ shared: b, id: b ? id : '', snapshots: [] });
    },
  };
});

const { useView } = await import('./view.ts');
const { decodeUrlState } = await import('./url.ts');
const { useCompareSource } = await import('./compare-source.ts');
const { markShared, startSharedUrlLoader, useSharedOpen } = await import('./open-shared.ts');

const id = (c: string): string => c.repeat(64);
const served = new Map<string, Uint8Array>();
const fetched: string[] = [];
let stop: () => void = () => undefined;

async function serve(key: string, name: string): Promise<void> {
  served.set(key, await saveAnalysis({ name, created: '2025-01-01T00:00:00.000Z', view: { view: 'flame', node: ['saved', 'node'] }, inputs: [] }));
}

/** Sets the page URL and the view store from it (as the app does at start-up and on popstate). */
function goTo(hash: string): void {
  (globalThis as { location?: unknown }).location = { hash };
  useView.getState().applyUrl(decodeUrlState(hash));
}

const settled = () => vi.waitFor(() => expect(useSharedOpen.getState().status).not.toBe('loading'));

beforeEach(() => {
  fetched.length = 0;
  loads.length = 0;
  vi.stubGlobal('fetch', async (url: string) => {
    const key = url.split('/').pop()!;
    fetched.push(key);
    const bytes = served.get(key);
    if (!bytes) return new Response(JSON.stringify({ error: `no analysis ${key}` }), { status: 404 });
    return new Response(bytes.slice(), { status: 200 });
  });
});

afterEach(() => {
  stop();
  vi.unstubAllGlobals();
});

describe('opening share URLs', () => {
  it('fetches #/a/<id> at start; the URL view wins over the saved one; view changes do not refetch', async () => {
    await serve(id('a'), 'shared A');
    goTo(`#/a/${id('a')}?v=1&view=table&node=widgets%3A%3ARect&q=Rect`);
    stop = startSharedUrlLoader();
    await settled();
    expect(useSharedOpen.getState()).toMatchObject({ status: 'done', id: id('a'), bytes: served.get(id('a'))!.length, note: '' });
    expect(fetched).toEqual([id('a')]);
    expect(loads.length).toBe(1);
    expect(loads[0].shared).toEqual({ analysis: id('a'), cmp: '' });
    expect(loads[0].a.name).toBe('shared A');
    const v = useView.getState();
    expect([v.view, v.node, v.q, v.analysis, v.cmp]).toEqual(['table', ['widgets::Rect'], 'Rect', id('a'), '']);
    // Moving around the same analysis (back/forward within it) fetches nothing.
    goTo(`#/a/${id('a')}?v=1&view=flame`);
    await settled();
    expect(fetched).toEqual([id('a')]);
  });

  it('an unknown id says "no shared analysis with this id"; damaged bytes are said as damaged', async () => {
    goTo(`#/a/${id('0')}?v=1`);
    stop = startSharedUrlLoader();
    await settled();
    expect(useSharedOpen.getState().status).toBe('error');
    expect(useSharedOpen.getState().message).toContain(`There is no shared analysis with this id (${id('0')})`);
    expect(loads).toEqual([]);

    served.set(id('d'), new TextEncoder().encode('not a saved analysis at all'));
    goTo(`#/a/${id('d')}?v=1`);
    await settled();
    expect(useSharedOpen.getState().message).toMatch(new RegExp(`^Shared analysis ${id('d')} is damaged and cannot be opened: shared analysis ${id('d')}: `));
    expect(loads).toEqual([]);
  });

  it('cmp=<id2> is fetched too and stored as B; a later cmp change fetches only B', async () => {
    await serve(id('b'), 'shared B');
    await serve(id('c'), 'compared C');
    await serve(id('e'), 'compared E');
    goTo(`#/a/${id('b')}?v=1&cmp=${id('c')}`);
    stop = startSharedUrlLoader();
    await settled();
    expect(fetched.sort()).toEqual([id('b'), id('c')]);
    expect(loads.map((l) => l.shared)).toEqual([{ analysis: id('b'), cmp: id('c') }]);
    expect(useCompareSource.getState().shared?.name).toBe('compared C');
    expect(useCompareSource.getState().id).toBe(id('c'));
    expect(useSharedOpen.getState().note).toContain('“compared C”');
    expect(useSharedOpen.getState().note).toContain('loaded as B');

    fetched.length = 0;
    goTo(`#/a/${id('b')}?v=1&cmp=${id('e')}`);
    await vi.waitFor(() => expect(useCompareSource.getState().shared?.name).toBe('compared E'));
    expect(fetched).toEqual([id('e')]);
    expect(loads.length).toBe(1);

    goTo(`#/a/${id('b')}?v=1`);
    await vi.waitFor(() => expect(useCompareSource.getState().shared).toBeNull());
  });

  it('after an upload (markShared) the new URL does not fetch back what was uploaded; leaving and returning refetches', async () => {
    await serve(id('f'), 'uploaded F');
    goTo('#v=1&view=table');
    stop = startSharedUrlLoader();
    markShared(id('f'));
    useView.getState().setShared(id('f'));
    await settled();
    expect(fetched).toEqual([]);
    // A local analysis again (New analysis), then back to the share URL: fetched.
    useView.getState().setShared('');
    goTo(`#/a/${id('f')}?v=1&view=histogram`);
    await settled();
    expect(fetched).toEqual([id('f')]);
    expect(useView.getState().view).toBe('histogram');
  });
});
