import { describe, expect, it } from 'vitest';
import { leaksState } from './leaks.ts';
import { decodeUrlState, DEFAULT_URL_STATE, encodeUrlState } from './url.ts';
import { snapshot, useView } from './view.ts';

describe('the Leaks view state', () => {
  it('drops the selection when the set or the grouping changes, keeps it otherwise', () => {
    const st = leaksState();
    st.patch({ node: ['Node'], zoom: ['Node'] });
    leaksState().patch({ mode: 'flame' });
    expect(leaksState().node).toEqual(['Node']);
    leaksState().patch({ set: 'unreferenced' });
    expect(leaksState()).toMatchObject({ set: 'unreferenced', node: [], zoom: [] });
    leaksState().patch({ node: ['x'] });
    leaksState().patch({ by: 'size' });
    expect(leaksState().node).toEqual([]);
  });
  it('lives in the view store, so in the URL: a set, grouping, mode and selection round-trip through the hash', () => {
    leaksState().patch({ set: 'staticanchored', by: 'site', mode: 'treemap' });
    leaksState().patch({ node: ['libwidgets.so', 'f()'], zoom: ['libwidgets.so'] });
    const hash = encodeUrlState(snapshot(useView.getState()));
    expect(hash).toContain('lset=staticanchored&lby=site&lmode=treemap&lnode=libwidgets.so/f()&lzoom=libwidgets.so');
    useView.getState().applyUrl(DEFAULT_URL_STATE);
    expect(leaksState()).toMatchObject({ set: 'leaked', by: null, mode: 'table', node: [], zoom: [] });
    useView.getState().applyUrl(decodeUrlState(hash));
    expect(leaksState()).toMatchObject({ set: 'staticanchored', by: 'site', mode: 'treemap', node: ['libwidgets.so', 'f()'], zoom: ['libwidgets.so'] });
    // Another snapshot: another tree, so no selection.
    useView.getState().setSnapshot('s9');
    expect(leaksState()).toMatchObject({ set: 'staticanchored', node: [], zoom: [] });
  });
});
