import { describe, expect, it } from 'vitest';
import { AllocationTableBuilder, AllocState } from '../../../src/model/allocations.ts';
import type { SavedAnalysis } from '../../../src/model/saved.ts';
import { StringTable, StringTableBuilder } from '../../../src/model/strings.ts';
import { describeShared, sharedPath } from '../../../test-support/shared.ts';
import { withSource } from '../../../test-support/node-files.ts';
import { readTracemalloc, traceAllocationTable } from '../formats/tracemalloc/tracemalloc.ts';
import { loadAnalysis } from './deserialize.ts';
import { describeForUpload, redactPath, redactPaths } from './describe.ts';
import { saveAnalysis } from './serialize.ts';

function withSites(): SavedAnalysis {
  const b = new AllocationTableBuilder();
  b.add(0x5574, 0x10, 32, AllocState.Used, b.strings.intern('widgets::Rect'));
  b.add(0x5574, 0x40, 48, AllocState.Free, b.strings.intern('%SSO'));
  const t = b.freeze();
  const s = new StringTableBuilder();
  const lib = s.intern('/home/alice/build/libwidgets.so');
  const fn = s.intern('widgets::make_shapes(int)');
  const raw = s.intern('/home/alice/build/heapgen+0x1234');
  const sites = {
    rows: 2,
    addr: new Float64Array([0x7f0000001000, 0x5574000]),
    lib: new Uint32Array([lib, lib]),
    func: new Uint32Array([fn, raw]),
    offset: new Float64Array([16, 0x1234]),
    exec: new Uint8Array([1, 1]),
    strings: s.freeze(),
  };
  return {
    name: 'phase 1',
    created: '2026-11-21T00:00:00.000Z',
    view: { view: 'flame', node: ['/home/alice/build/libwidgets.so', 'widgets::make_shapes(int)'] },
    inputs: [
      {
        name: 'core.phase1.list_used',
        format: 'chap-list',
        size: 10,
        rows: 2,
        table: t,
        info: { binary: '/home/alice/build/heapgen', arch: 'x86-64' },
        warnings: ['core.phase1: /home/alice/build/heapgen: no symbols'],
        attribution: { sites, rowSite: new Uint32Array([1, 2]), rowRequested: new Float64Array([20, NaN]) },
      },
    ],
  };
}

describe('describeForUpload', () => {
  it('lists every string by role, the tables and their sizes', () => {
    const d = describeForUpload(withSites());
    expect(d.typeNames).toEqual(['%SSO', 'widgets::Rect']);
    expect(d.functionNames).toEqual(['/home/alice/build/heapgen+0x1234', 'widgets::make_shapes(int)']);
    expect(d.filePaths).toEqual(['/home/alice/build/libwidgets.so']);
    expect(d.otherStrings).toEqual([]);
    expect(d.addresses).toBe(true);
    expect(d.headerText).toContain('/home/alice/build/heapgen');
    expect(d.headerText).toContain('core.phase1: /home/alice/build/heapgen: no symbols');
    expect(d.inputs).toEqual([{ name: 'core.phase1.list_used', format: 'chap-list', size: 10, rows: 2 }]);
    expect(d.tables.map((t) => [t.table, t.rows])).toEqual([
      ['allocations', 2],
      ['attribution', 2],
    ]);
    // 2 rows × 14 bytes (8 address + 4 size + 1 state + 1 type) + strings (1+1+... bytes) + offsets.
    expect(d.tables[0].bytes).toBe(2 * 14 + '%SSO'.length + 'widgets::Rect'.length + 4 * 4);
  });
});

describe('redactPaths', () => {
  it('redactPath keeps base names and what follows', () => {
    expect(redactPath('/usr/lib/python3.11/json/decoder.py')).toBe('…/decoder.py');
    expect(redactPath('/a/b/heapgen+0x10')).toBe('…/heapgen+0x10');
    expect(redactPath('C:\\Users\\bob\\x.py')).toBe('…/x.py');
    expect(redactPath('widgets::Rect')).toBe('widgets::Rect');
    expect(redactPath('std::map<a/b>')).toBe('std::map<a/b>');
    expect(redactPath('lib/x.py', true)).toBe('…/x.py');
  });

  it('removes every directory from what leaves the browser, ids unchanged, and survives saving', async () => {
    const a = withSites();
    const r = redactPaths(a);
    const d = describeForUpload(r);
    expect(d.filePaths).toEqual(['…/libwidgets.so']);
    expect(d.functionNames).toEqual(['widgets::make_shapes(int)', '…/heapgen+0x1234']);
    expect(d.typeNames).toEqual(['%SSO', 'widgets::Rect']);
    expect(r.view).toEqual({ view: 'flame', node: ['…/libwidgets.so', 'widgets::make_shapes(int)'] });
    expect(r.inputs[0].info).toEqual({ binary: '…/heapgen', arch: 'x86-64' });
    expect(r.inputs[0].warnings).toEqual(['core.phase1: …/heapgen: no symbols']);
    // The original is untouched.
    expect(describeForUpload(a).filePaths).toEqual(['/home/alice/build/libwidgets.so']);
    const bytes = await saveAnalysis(r);
    expect(Buffer.from(bytes).includes('/home/alice')).toBe(false);
    const back = await loadAnalysis(bytes);
    expect(Array.from(back.inputs[0].attribution!.sites.func)).toEqual(Array.from(a.inputs[0].attribution!.sites.func));
  });
});

describeShared('redacting a real tracemalloc snapshot', ['fixtures', 'tracemalloc'], () => {
  it('every frame file loses its directory, in the frames and the allocation view alike', async () => {
    const r = await withSource(sharedPath('fixtures/tracemalloc/after.tracemalloc'), (s) => readTracemalloc(s));
    const a: SavedAnalysis = { name: 'after', created: '2026-11-21T00:00:00.000Z', view: null, inputs: [{ name: 'after.tracemalloc', format: 'tracemalloc', size: 1, rows: r.table.rows, table: traceAllocationTable(r.snapshot), tracemalloc: r.snapshot }] };
    const before = describeForUpload(a);
    expect(before.filePaths.length).toBeGreaterThan(10);
    expect(before.filePaths.some((p) => p.includes('/'))).toBe(true);
    const red = redactPaths(a);
    const after = describeForUpload(red);
    expect(after.filePaths.every((p) => p.startsWith('…/') || !/[\\/]/.test(p))).toBe(true);
    expect(after.otherStrings.filter((s) => /[\\/]/.test(s) && !s.startsWith('…/'))).toEqual([]);
    const names = new StringTable(red.inputs[0].tracemalloc!.strings);
    expect(names.size).toBe(new StringTable(a.inputs[0].tracemalloc!.strings).size);
    const bytes = await saveAnalysis(red);
    expect(Buffer.from(bytes).includes('/usr/lib/python3')).toBe(false);
  });
});
