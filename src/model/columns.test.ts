import { describe, expect, it } from 'vitest';
import { NarrowColumnBuilder } from './columns.ts';

describe('NarrowColumnBuilder', () => {
  it('stays Uint32 while every value fits and turns Float64 at the first value ≥ 2^32, keeping every earlier one', () => {
    const b = new NarrowColumnBuilder('u32', 2);
    const values = [0, 24, 0xffffffff, 5 * 2 ** 30 + 0xff0, 7, 2 ** 53 - 1];
    b.push(values[0]);
    b.push(values[1]);
    b.push(values[2]);
    expect(b.element).toBe('u32');
    expect(b.get(2)).toBe(0xffffffff);
    b.push(values[3]);
    expect(b.element).toBe('f64');
    b.push(values[4]);
    b.push(values[5]);
    const col = b.freeze();
    expect(col).toBeInstanceOf(Float64Array);
    expect(Array.from(col)).toEqual(values);
  });

  it('widens on a write by row before the length is set (columns filled in place), keeping the rows below the capacity', () => {
    const b = new NarrowColumnBuilder('u32', 4);
    b.set(0, 16);
    b.set(1, 32);
    b.set(2, 2 ** 40);
    b.set(3, 48);
    b.length = 4;
    const col = b.freeze();
    expect(col).toBeInstanceOf(Float64Array);
    expect(Array.from(col)).toEqual([16, 32, 2 ** 40, 48]);
  });

  it('steps ids through Uint8, Uint16 and Uint32, and refuses what its widest type cannot hold', () => {
    const b = new NarrowColumnBuilder('u8', 16, 'u32');
    b.push(255);
    expect(b.element).toBe('u8');
    b.push(256);
    expect(b.element).toBe('u16');
    b.push(65535);
    expect(b.element).toBe('u16');
    b.push(65536);
    expect(b.element).toBe('u32');
    expect(Array.from(b.freeze())).toEqual([255, 256, 65535, 65536]);
    expect(() => b.push(2 ** 32)).toThrow(RangeError);
    expect(() => b.push(-1)).toThrow(RangeError);
    expect(() => b.push(1.5)).toThrow(RangeError);
  });

  it('keeps negative, fractional and NaN values exactly in Float64 (never truncated into an integer type)', () => {
    const b = new NarrowColumnBuilder('u8');
    for (const v of [3, -1, 0.5, Number.NaN]) b.push(v);
    const col = b.freeze();
    expect(col).toBeInstanceOf(Float64Array);
    expect(Array.from(col)).toEqual([3, -1, 0.5, Number.NaN]);
  });
});
