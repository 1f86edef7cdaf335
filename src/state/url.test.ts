import { describe, expect, it } from 'vitest';
import { decodeUrlState, DEFAULT_URL_STATE, encodeUrlState } from './url.ts';

describe('URL state', () => {
  it('round-trips every field, including names with / & # and spaces', () => {
    const s = { view: 'flame', node: ['std::map<a/b, c>', '72 B (0x48)'], zoom: ['x&y#z'], q: 'widgets::', metric: 'count', sort: 'name', inverted: true, src: 'demo', analysis: '', cmp: '', sandwich: 'f(int&, char*)', snap: 's7', ca: 'B:s1', cb: 's12', transforms: [{ kind: 'hide', pattern: '<frozen importlib._bootstrap>' }, { kind: 'focus', path: ['a/b', 'c'] }] };
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
  it('defaults are short and bad input falls back to defaults', () => {
    expect(encodeUrlState(DEFAULT_URL_STATE)).toBe('#v=1');
    expect(decodeUrlState('#v=99&view=flame')).toEqual(DEFAULT_URL_STATE);
    expect(decodeUrlState('#view=nonsense&node=%E0%A4%A')).toEqual(DEFAULT_URL_STATE);
  });
});
