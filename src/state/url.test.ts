import { describe, expect, it } from 'vitest';
import { decodeUrlState, DEFAULT_URL_STATE, encodeUrlState } from './url.ts';

describe('URL state', () => {
  it('round-trips every field, including names with / & # and spaces', () => {
    const s = { view: 'flame', node: ['std::map<a/b, c>', '72 B (0x48)'], zoom: ['x&y#z'], q: 'widgets::', metric: 'count', sort: 'name', inverted: true, src: 'demo' } as const;
    const enc = encodeUrlState({ ...s, node: [...s.node], zoom: [...s.zoom] });
    expect(enc.startsWith('#v=1&')).toBe(true);
    expect(decodeUrlState(enc)).toEqual(s);
  });
  it('defaults are short and bad input falls back to defaults', () => {
    expect(encodeUrlState(DEFAULT_URL_STATE)).toBe('#v=1');
    expect(decodeUrlState('#v=99&view=flame')).toEqual(DEFAULT_URL_STATE);
    expect(decodeUrlState('#view=nonsense&node=%E0%A4%A')).toEqual(DEFAULT_URL_STATE);
  });
});
