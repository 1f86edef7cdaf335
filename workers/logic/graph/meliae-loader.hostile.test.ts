/**
 * meliae's iteration order over addresses past 2^53 (issue 13's fuzz campaign, `saved` target, seed 14: one bit
 * flipped in a saved meliae analysis gave an object the address 0xffff80f7c1a89620, and every viewer threw "meliae
 * table full": the probe position, a double past 2^53, never moved). The slot is now found from the exact low bits of Python's hash (the int itself
 * below 2^61, else mod 2^61 − 1: `hash(2**64 - 1)` is 7 in CPython).
 */
import { describe, expect, it } from 'vitest';
import { AllocationTableBuilder, AllocState } from '../../../src/model/allocations.ts';
import { tableOrder } from './meliae-loader.ts';

function table(addrs: bigint[]) {
  const b = new AllocationTableBuilder();
  for (const a of addrs) b.add(Number(a >> 32n), Number(a & 0xffffffffn), 16, AllocState.Used);
  return b.freeze();
}

describe('meliae iteration order on hostile addresses', () => {
  it('addresses at 2^64 − 1 and 2^64 − 2 go to slots 7 and 6 (hash mod 2^61 − 1), after slot 5', () => {
    expect([...tableOrder(table([2n ** 64n - 1n, 2n ** 64n - 2n, 5n]))]).toEqual([2, 1, 0]);
  });

  it('past 2^53 and below 2^61 the address is its own hash: 2^53 + 2 in slot 2, 2^53 + 1 in slot 1', () => {
    expect([...tableOrder(table([2n ** 53n + 2n, 2n ** 53n + 1n]))]).toEqual([1, 0]);
  });

  it('the fuzz case: 0xffff80f7c1a89620 among 1,500 ordinary addresses; 2,000 rows all at 2^64 − 1 are all placed', () => {
    const addrs = Array.from({ length: 1500 }, (_, i) => 0x7f0012340000n + BigInt(i) * 48n);
    addrs[1161] = 0xffff80f7c1a89620n;
    const o = tableOrder(table(addrs));
    expect(new Set(o).size).toBe(1500);
    const order = tableOrder(table(Array.from({ length: 2000 }, () => 2n ** 64n - 1n)));
    expect(order.length).toBe(2000);
    expect(new Set(order).size).toBe(2000);
  });
});
