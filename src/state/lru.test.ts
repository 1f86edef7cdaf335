import { describe, expect, it } from 'vitest';
import { setRecent } from './lru.ts';

describe('setRecent', () => {
  it('keeps the last `max` keys set, a key set again counting as new', () => {
    const m = new Map<string, number>();
    for (const [i, k] of ['a', 'b', 'c'].entries()) expect(setRecent(m, k, i, 3)).toBe(i);
    setRecent(m, 'a', 10, 3); // a is now the newest: b is the oldest
    setRecent(m, 'd', 3, 3);
    expect([...m]).toEqual([
      ['c', 2],
      ['a', 10],
      ['d', 3],
    ]);
  });

  it('drops as many as it must, never the key just set', () => {
    const m = new Map([1, 2, 3, 4, 5].map((k) => [k, k]));
    setRecent(m, 9, 9, 2);
    expect([...m.keys()]).toEqual([5, 9]);
    setRecent(m, 9, 8, 1);
    expect([...m]).toEqual([[9, 8]]);
  });
});
