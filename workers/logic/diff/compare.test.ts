import { describe, expect, it } from 'vitest';
import { AllocationTableBuilder, AllocState, type AllocationTable } from '../../../src/model/allocations.ts';
import type { Attribution } from '../formats/malloc-tracer/attribution.ts';
import { InputError } from '../io/errors.ts';
import { compareSides, defaultCompareBy, levelOf, sideHierarchy } from './compare.ts';

function table(rows: [number, string][], free: [number, string][] = []): AllocationTable {
  const b = new AllocationTableBuilder();
  let addr = 0x1000;
  for (const [size, type] of rows) b.add(0, (addr += 0x1000), size, AllocState.Used, type ? b.strings.intern(type) : 0);
  for (const [size, type] of free) b.add(0, (addr += 0x1000), size, AllocState.Free, type ? b.strings.intern(type) : 0);
  return b.freeze();
}

describe('compareSides', () => {
  const a = { name: 'a.list_used', table: table([[32, 'Rect'], [32, 'Rect'], [48, 'Circle'], [2000, '']], [[64, 'Rect']]) };
  const b = { name: 'b.list_used', table: table([[32, 'Rect'], [48, 'Circle'], [48, 'Circle'], [80, 'Node']]) };

  it('by class (the default without footers): rows per class, free allocations left out', () => {
    expect(defaultCompareBy(a, b)).toBe('class');
    const c = compareSides(a, b);
    expect(c.by).toBe('class');
    expect(c.builds).toEqual([]);
    expect(c.rows.map((r) => [r.key, r.aCount, r.bCount, r.dBytes, r.status])).toEqual([
      ['(no signature)', 1, 0, -2000, 'gone'],
      ['Node', 0, 1, 80, 'new'],
      ['Circle', 1, 2, 48, 'grown'],
      ['Rect', 2, 1, -32, 'shrunk'],
    ]);
  });

  it('by size class, with a status filter', () => {
    const c = compareSides(a, b, 'sizeclass', { status: ['new'] });
    expect(c.rows.map((r) => [r.key, r.bCount])).toEqual([['80 B (0x50)', 1]]);
  });

  it('by library / function / site needs footers: an InputError naming the file', () => {
    expect(() => sideHierarchy(a, 'function')).toThrow(InputError);
    expect(() => compareSides(a, b, 'site')).toThrow(/^a\.list_used: has no malloc_tracer footers/);
    const undetected = { ...b, attribution: { detected: false } as Attribution };
    expect(() => compareSides({ ...a, attribution: { detected: true, libraries: [], errors: { count: 0, chunk: 0 }, table: { site: new Uint32Array(5) } } as unknown as Attribution }, undetected, 'library')).toThrow(
      /^b\.list_used: /,
    );
    expect(defaultCompareBy(a, undetected)).toBe('class');
  });

  it('levels: library 1, function 2, site 3, class and size class 1', () => {
    expect(['library', 'function', 'site', 'class', 'sizeclass'].map((x) => levelOf(x as never))).toEqual([1, 2, 3, 1, 1]);
  });

  it('empty tables on both sides: no rows', () => {
    const e = { name: 'e', table: table([]) };
    expect(compareSides(e, e).rows).toEqual([]);
  });
});
