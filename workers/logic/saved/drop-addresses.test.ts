import { expect, it } from 'vitest';
import { AllocationTableBuilder, AllocState } from '../../../src/model/allocations.ts';
import type { SavedAnalysis } from '../../../src/model/saved.ts';
import { StringTable, StringTableBuilder } from '../../../src/model/strings.ts';
import { describeForUpload } from './describe.ts';
import { dropAddresses, LEFT_OUT } from './drop-addresses.ts';
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
