import { describe, expect, it } from 'vitest';
import type { AllocationTable } from '../model/allocations.ts';
import { StringTableBuilder } from '../model/strings.ts';
import type { AttributionData } from '../model/attribution.ts';
import { CallerIndex, callerText } from './alloc-caller.ts';

function fixture(addrs: number[]) {
  const s = new StringTableBuilder();
  const lib = s.intern('/srv/heapgen/libwidgets.so');
  const fn = s.intern('widgets::make_shapes(unsigned long)');
  const sites = { rows: 1, addr: Float64Array.of(0x7f00), lib: Uint32Array.of(lib), func: Uint32Array.of(fn), offset: Float64Array.of(0x3c9), strings: s.freeze() };
  const rowSite = Uint32Array.from(addrs.map((_, i) => (i % 2 === 0 ? 1 : 0)));
  const a = { sites, rowSite } as unknown as AttributionData;
  const table = { rows: addrs.length, addrHi: Uint32Array.from(addrs.map(() => 0x5574)), addrLo: Uint32Array.from(addrs) } as unknown as AllocationTable;
  return new CallerIndex(a, table);
}

describe('allocating function of an allocation', () => {
  it('by row and by address, in sorted and unsorted tables', () => {
    for (const addrs of [
      [0x10, 0x40, 0x90, 0x100],
      [0x90, 0x10, 0x100, 0x40],
    ]) {
      const ix = fixture(addrs);
      expect(ix.ofRow(0)).toEqual({ lib: '/srv/heapgen/libwidgets.so', func: 'widgets::make_shapes(unsigned long)', offset: 0x3c9 });
      expect(ix.ofRow(1)).toBeNull();
      const row2 = addrs[2].toString(16).padStart(8, '0');
      expect(ix.ofAddress(`5574${row2}`)?.func).toBe('widgets::make_shapes(unsigned long)');
      expect(ix.ofAddress(`5574${addrs[1].toString(16).padStart(8, '0')}`)).toBeNull();
      expect(ix.ofAddress('5574000000ff')).toBeNull();
    }
    expect(callerText({ lib: '/srv/heapgen/libwidgets.so', func: 'f()', offset: 0x3c9 })).toBe('f() +0x3c9 (libwidgets.so)');
    expect(callerText({ lib: '/usr/lib/libstdc++.so.6.0.30', func: '/usr/lib/libstdc++.so.6.0.30+0xa57ba', offset: 0xa57ba })).toBe('libstdc++.so.6.0.30+0xa57ba');
  });
});
