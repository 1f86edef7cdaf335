import { describe, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../../test-support/shared.ts';
import { withSource } from '../../../../test-support/node-files.ts';
import { InputError } from '../../io/errors.ts';
import { BytesSource } from '../../io/source.ts';
import { functionAt, vtableAt } from '../../symbols/symbol-table.ts';
import { openBinary } from './binary.ts';

describeShared('openBinary on the heapgen binaries', ['fixtures', 'heapgen'], () => {
  it('heapgen: build-id, PIE load segments, .symtab functions incl. static ones', async () => {
    const b = await withSource(sharedPath('fixtures', 'heapgen', 'heapgen'), (s) => openBinary(s));
    expect(b.buildId).toBe('5b48434c0b148c608148e85e4cd453f87e0f2094');
    expect(b.type).toBe(3);
    expect(b.firstLoadVaddr).toBe(0);
    expect(b.symbols.funcAddr.length).toBe(39);
    const worker = b.symbols.funcName.indexOf('_ZL6workerlPSt6vectorIPvSaIS0_EE');
    expect(worker).toBeGreaterThanOrEqual(0);
    const a = b.symbols.funcAddr[worker];
    expect(functionAt(b.symbols, a + 1)).toBe(worker);
    expect(functionAt(b.symbols, a + b.symbols.funcSize[worker])).not.toBe(worker);
  });
  it('libwidgets.so: vtables for Circle and Rect', async () => {
    const b = await withSource(sharedPath('fixtures', 'heapgen', 'libwidgets.so'), (s) => openBinary(s));
    expect(b.buildId).toBe('629abe1ad2d36fb95c9d4fad943a680d24d0bb3f');
    const names = b.symbols.vtables.map((v) => v.name).sort();
    expect(names).toEqual(['_ZTVN7widgets4RectE', '_ZTVN7widgets6CircleE']);
    const rect = b.symbols.vtables.find((v) => v.name === '_ZTVN7widgets4RectE')!;
    expect(vtableAt(b.symbols, rect.addr + 16)?.name).toBe(rect.name);
  });
});

describe('openBinary on malformed input', () => {
  const err = async (bytes: Uint8Array) => openBinary(new BytesSource('bad.so', bytes)).then(() => null, (e) => e);
  it('empty / not ELF / truncated / hostile headers give an InputError naming the file', async () => {
    for (const bytes of [new Uint8Array(0), new TextEncoder().encode('hello world, not an ELF file at all.............................')]) {
      const e = await err(bytes);
      expect(e).toBeInstanceOf(InputError);
      expect(e.message).toContain('bad.so');
    }
    const h = new Uint8Array(64);
    h.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
    h[16] = 3; // ET_DYN
    new DataView(h.buffer).setBigUint64(40, 1n << 40n, true); // shoff far beyond the file
    new DataView(h.buffer).setUint16(58, 64, true);
    new DataView(h.buffer).setUint16(60, 65535, true);
    const e = await err(h);
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toContain('bad.so');
    h[5] = 2; // big-endian
    expect((await err(h)).message).toContain('big-endian');
  });
});
