import { expect, it } from 'vitest';
import { AllocationTableBuilder, AllocState } from '../../../src/model/allocations.ts';
import type { SavedAnalysis } from '../../../src/model/saved.ts';
import { StringTable, StringTableBuilder } from '../../../src/model/strings.ts';
import { describeForUpload } from './describe.ts';
import { dropAddresses, LEFT_OUT, scrubAddresses } from './drop-addresses.ts';
import { loadAnalysis } from './deserialize.ts';
import { saveAnalysis } from './serialize.ts';

it('leaves allocation and return addresses out; names, sizes and classes stay', async () => {
  const b = new AllocationTableBuilder();
  b.add(0x5574, 0x10, 32, AllocState.Used, b.strings.intern('widgets::Rect'));
  b.add(0x5574, 0x40, 48, AllocState.Free, 0);
  const t = b.freeze();
  const s = new StringTableBuilder();
  const lib = s.intern('/srv/libwidgets.so');
  const fn = s.intern('widgets::make_shapes(int)');
  const raw = s.intern('/srv/heapgen+0x1234');
  const hex = s.intern('0x7f00deadbeef');
  const sites = { rows: 3, addr: Float64Array.of(0x7f0000001000, 0x5574000, 0x7f00deadbeef), lib: Uint32Array.of(lib, lib, lib), func: Uint32Array.of(fn, raw, hex), offset: Float64Array.of(16, 0x1234, 0), exec: Uint8Array.of(1, 1, 0), strings: s.freeze() };
  const a: SavedAnalysis = {
    name: 'x',
    created: '2026-12-02T00:00:00.000Z',
    view: {},
    inputs: [{ name: 'l', format: 'chap-list', size: 1, rows: 2, table: t, attribution: { sites, rowSite: Uint32Array.of(1, 2), rowRequested: Float64Array.of(20, NaN) } }],
  };
  const d = dropAddresses(a);
  const out = d.inputs[0];
  expect(Array.from(out.table!.addrHi)).toEqual([0, 0]);
  expect(Array.from(out.table!.addrLo)).toEqual([0, 0]);
  expect(Array.from(out.table!.size)).toEqual([32, 48]);
  expect(Array.from(out.attribution!.sites.addr)).toEqual([0, 0, 0]);
  const st = new StringTable(out.attribution!.sites.strings);
  expect(Array.from(out.attribution!.sites.func).map((i) => st.get(i))).toEqual(['widgets::make_shapes(int)', LEFT_OUT, LEFT_OUT]);
  expect(st.get(out.attribution!.sites.lib[0])).toBe('/srv/libwidgets.so');
  // The original is unchanged; the upload says addresses are not included; the copy saves and loads.
  expect(a.inputs[0].table!.addrLo[0]).toBe(0x10);
  const desc = describeForUpload(d);
  expect(desc.addresses).toBe(false);
  expect(desc.functionNames).toEqual([LEFT_OUT, 'widgets::make_shapes(int)']);
  expect(desc.otherStrings.join(' ')).not.toMatch(/0x1234|deadbeef/);
  const back = await loadAnalysis(await saveAnalysis(d));
  expect(back.inputs[0].table!.rows).toBe(2);
});

it('leaves the addresses of header facts, warnings, sources and the view out; sizes and short offsets stay', () => {
  const info = {
    regions: [{ id: 1, kind: 'main-arena', start: '0x5574a000', end: '0x5576b000', arena: '0x7f12aa000b60', usedBytes: 4096 }],
    allocators: [{ id: 'glibc', facts: [{ label: 'tcache', value: 'per thread at 0x5574a010, 64 bins' }], arenas: [{ address: '0x7f12aa000b60', top: '0x5576a000', size: 135168 }] }],
    python: { arenas: [{ address: '0x7f0012340000', pools: 64 }] },
    modules: [{ path: '/usr/lib/libc.so.6', buildId: 'ab12' }],
    arch: 'x86-64',
  };
  const a: SavedAnalysis = {
    name: 'x',
    created: '2026-12-02T00:00:00.000Z',
    view: { node: ['libc.so.6', 'malloc+0x3c9', '0x7f12aa001234'], q: '88 B (0x58)' },
    inputs: [{ name: 'core', format: 'core', size: 1, rows: 0, info, warnings: ['corrupt chunk header at 0x5574b000 (size 0x21)'] }],
    snapshots: [{ key: 's', name: 'core', kind: 'process', holder: 0, sources: [{ name: 'core', format: 'core', size: 1, rows: 0, as: 'core', info, warnings: ['fastbin cycle at 0x601010'] }] }],
  };
  const d = dropAddresses(a);
  const text = JSON.stringify([d.view, d.inputs[0].info, d.inputs[0].warnings, d.snapshots]);
  expect(text).not.toMatch(/0x[0-9a-f]{5,}/i);
  const r = (d.inputs[0].info as typeof info).regions[0];
  expect([r.start, r.end, r.arena, r.usedBytes]).toEqual(['0x0', '0x0', '0x0', 4096]);
  expect((d.inputs[0].info as typeof info).allocators[0].facts[0].value).toBe('per thread at 0x…, 64 bins');
  expect(d.inputs[0].warnings).toEqual(['corrupt chunk header at 0x… (size 0x21)']);
  expect(d.snapshots![0].sources[0].warnings).toEqual(['fastbin cycle at 0x…']);
  expect(d.view).toEqual({ node: ['libc.so.6', 'malloc+0x3c9', '0x0'], q: '88 B (0x58)' });
  expect((d.inputs[0].info as typeof info).modules).toEqual(info.modules);
  expect(scrubAddresses(7)).toBe(7);
  // The original is unchanged.
  expect(info.regions[0].start).toBe('0x5574a000');
});
