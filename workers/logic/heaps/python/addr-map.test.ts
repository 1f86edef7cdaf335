/** AddrMap: what a Map<number, number> of addresses gives, for addresses of every size, through growth. */
import { describe, expect, it } from 'vitest';
import { AddrMap } from './addr-map.ts';

describe('AddrMap', () => {
  it('gets what was set (last value wins), undefined for the rest, across growth', () => {
    const m = new AddrMap(4);
    const ref = new Map<number, number>();
    let x = 0x7f81eef21000;
    for (let i = 0; i < 20000; i++) {
      x = (x * 7 + 0x1008) % 2 ** 47;
      const key = i % 5 === 0 ? i : x - (x % 8);
      const v = (i % 7) - 1;
      m.set(key, v);
      ref.set(key, v);
    }
    expect(m.size).toBe(ref.size);
    for (const [k, v] of ref) expect(m.get(k)).toBe(v);
    for (const k of [1, 3, 2 ** 52 + 8, 0x7fffffffe000]) expect(m.get(k)).toBe(ref.get(k));
  });
  it('keeps 0 and 2^53 − 1 apart from empty slots', () => {
    const m = new AddrMap();
    m.set(0, 5);
    m.set(Number.MAX_SAFE_INTEGER, -1);
    expect(m.get(0)).toBe(5);
    expect(m.get(Number.MAX_SAFE_INTEGER)).toBe(-1);
    expect(m.get(4294967296)).toBeUndefined();
  });
});
