import { describe, expect, it } from 'vitest';
import { decodeUrlState, DEFAULT_URL_STATE, encodeUrlState } from './url.ts';

describe('URL state', () => {
  it('round-trips every field, including names with / & # and spaces', () => {
    const s = { view: 'flame', node: ['std::map<a/b, c>', '72 B (0x48)'], zoom: ['x&y#z'], q: 'widgets::', metric: 'count', sort: 'name', inverted: true, src: 'demo', analysis: '', cmp: '', sandwich: 'f(int&, char*)', snap: 's7', ca: 'B:s1', cb: 's12', transforms: [{ kind: 'hide', pattern: '<frozen importlib._bootstrap>' }, { kind: 'focus', path: ['a/b', 'c'] }], lset: 'staticanchored', lby: 'site', lmode: 'treemap', lnode: ['libwidgets.so', 'make(int&)'], lzoom: ['lib/x#y'] };
    const enc = encodeUrlState(s as never);
    expect(enc.startsWith('#v=1&')).toBe(true);
    expect(decodeUrlState(enc)).toEqual(s);
  });
  it('a shared analysis lives in the path part: #/a/<id>?…&cmp=<id2>; bad ids are dropped', () => {
    const id = 'a'.repeat(64);
    const s = { ...DEFAULT_URL_STATE, view: 'table' as const, analysis: id, cmp: 'b'.repeat(64) };
    const enc = encodeUrlState(s);
    expect(enc).toBe(`#/a/${id}?v=1&view=table&cmp=${'b'.repeat(64)}`);
    expect(decodeUrlState(enc)).toEqual(s);
    expect(decodeUrlState('#/a/../../etc?v=1').analysis).toBe('');
  });
  it("the Leaks view's set, grouping, mode, selection and zoom: short names, defaults left out, bad values dropped", () => {
    const s = { ...DEFAULT_URL_STATE, view: 'leaks' as const, lset: 'unreferenced' as const, lby: 'size' as const, lmode: 'flame' as const, lnode: ['32 B', 'Widget'], lzoom: ['32 B'] };
    expect(encodeUrlState(s)).toBe('#v=1&view=leaks&lset=unreferenced&lby=size&lmode=flame&lnode=32%20B/Widget&lzoom=32%20B');
    expect(decodeUrlState(encodeUrlState(s))).toEqual(s);
    expect(encodeUrlState({ ...DEFAULT_URL_STATE, view: 'leaks' })).toBe('#v=1&view=leaks');
    // used and free are not leak sets; unknown sets, groupings and modes fall back to the defaults.
    for (const bad of ['lset=used', 'lset=free', 'lset=bogus', 'lby=vtable', 'lmode=pie']) {
      const d = decodeUrlState(`#v=1&view=leaks&${bad}`);
      expect({ lset: d.lset, lby: d.lby, lmode: d.lmode }, bad).toEqual({ lset: 'leaked', lby: '', lmode: 'table' });
    }
    expect(decodeUrlState('#v=1&lset=anchorpoints').lset).toBe('anchorpoints');
  });
  it('defaults are short and bad input falls back to defaults', () => {
    expect(encodeUrlState(DEFAULT_URL_STATE)).toBe('#v=1');
    expect(decodeUrlState('#v=99&view=flame')).toEqual(DEFAULT_URL_STATE);
    expect(decodeUrlState('#view=nonsense&node=%E0%A4%A')).toEqual(DEFAULT_URL_STATE);
  });
});
