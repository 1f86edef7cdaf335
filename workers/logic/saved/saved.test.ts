import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test-support/shared.ts';
import { withSource } from '../../../test-support/node-files.ts';
import { openBinary } from '../formats/elf/binary.ts';
import { openCore } from '../formats/elf/core-file.ts';
import { attribute } from '../formats/malloc-tracer/attribution.ts';
import { readChapList } from '../formats/chap-list/chap-list.ts';
import { readMeliae } from '../formats/meliae/meliae.ts';
import { readTracemalloc } from '../formats/tracemalloc/tracemalloc.ts';
import { InputError } from '../io/errors.ts';
import { NodeFileSource } from '../../../cli/node-source.ts';
import { BytesSource } from '../io/source.ts';
import { loadAnalysis } from './deserialize.ts';
import { analysisId, isAnalysisId } from './id.ts';
import { saveAnalysis } from './serialize.ts';
import { savedOf, snapshotsOfSaved } from './snapshots.ts';
import { assemble } from '../snapshot/assemble.ts';
import { AllocationTableBuilder, AllocFlag, AllocState, type AllocationTable } from '../../../src/model/allocations.ts';
import { SAVED_VERSION, type SavedAnalysis, type SavedInput } from '../../../src/model/saved.ts';
import { StringTable } from '../../../src/model/strings.ts';
import { CoreSession } from '../session/core-session.ts';
import { SAMPLE_CORE, SAMPLE_EXE } from '../formats/core/sample-heap.test-helper.ts';

const here = dirname(fileURLToPath(import.meta.url));

const CREATED = '2026-11-21T12:00:00.000Z';

function analysis(inputs: SavedInput[], view: SavedAnalysis['view'] = { v: 1, view: 'flame', node: ['a', 'b'] }): SavedAnalysis {
  return { name: 'test analysis', created: CREATED, view, inputs };
}

function input(table: AllocationTable, extra: Partial<SavedInput> = {}): SavedInput {
  return { name: 'x.list_used', format: 'chap-list', size: 123, rows: table.rows, table, ...extra };
}

/** A small table with 64-bit addresses, unsorted rows, optional columns. */
function smallTable(): AllocationTable {
  const b = new AllocationTableBuilder({ requested: true, site: true, region: true, flags: true });
  const foo = b.strings.intern('Foo');
  const bar = b.strings.intern('std::map<int, Bar*>');
  b.add(0xffffffff, 0xfffffff0, 24, AllocState.Used, foo);
  b.add(0x5574, 0x10, 1 << 40, AllocState.Free, bar);
  b.add(0, 0, 0, AllocState.ThreadCachedFree, 0);
  // The sizes add up to exactly 2^53 - 1, the most a table may hold.
  b.add(0x5574, 0xffffffff, 2 ** 53 - 1 - 2 ** 40 - 24, AllocState.Leaked, foo);
  b.requested!.set(1, 7);
  b.site!.array[2] = 0xffffffff;
  b.region!.set(3, 3);
  // chap's sets (a u16 column): leaked and unreferenced, every bit.
  b.flags!.array[0] = AllocFlag.Leaked | AllocFlag.Unreferenced;
  b.flags!.array[3] = 0xffff;
  return b.freeze();
}

function expectSameTable(a: AllocationTable, b: AllocationTable): void {
  expect(b.rows).toBe(a.rows);
  for (const k of ['addrHi', 'addrLo', 'size', 'state', 'type', 'requested', 'site', 'region', 'flags'] as const) {
    if (a[k] === undefined) expect(b[k]).toBeUndefined();
    else expect(Array.from(b[k]!)).toEqual(Array.from(a[k]!));
  }
  expect(Array.from(b.strings.bytes)).toEqual(Array.from(a.strings.bytes));
  expect(Array.from(b.strings.offsets)).toEqual(Array.from(a.strings.offsets));
}

const fileName = 'shared.heapscope';
async function refused(bytes: Uint8Array, pattern: RegExp, maxDecodedBytes?: number): Promise<void> {
  const p = loadAnalysis(bytes, { name: fileName, maxDecodedBytes });
  await expect(p).rejects.toBeInstanceOf(InputError);
  await expect(p).rejects.toThrow(new RegExp(`^${fileName}: .*${pattern.source}`));
}

describe('saved analysis round trip', () => {
  it('keeps every column, 64-bit address, header field and the view exactly', async () => {
    const t = smallTable();
    const a = analysis([input(t, { info: { tallies: [{ count: 4 }], note: 'é' }, warnings: ['x.list_used: line 3: odd'] })]);
    const bytes = await saveAnalysis(a);
    const back = await loadAnalysis(bytes);
    expect(back.name).toBe('test analysis');
    expect(back.created).toBe(CREATED);
    expect(back.view).toEqual({ v: 1, view: 'flame', node: ['a', 'b'] });
    expect(back.inputs.map(({ name, format, size, rows, info, warnings }) => ({ name, format, size, rows, info, warnings }))).toEqual([
      { name: 'x.list_used', format: 'chap-list', size: 123, rows: 4, info: { tallies: [{ count: 4 }], note: 'é' }, warnings: ['x.list_used: line 3: odd'] },
    ]);
    expectSameTable(t, back.inputs[0].table!);
    expect(new StringTable(back.inputs[0].table!.strings).get(back.inputs[0].table!.type[1])).toBe('std::map<int, Bar*>');
  });

  it('is deterministic, so the content hash is a stable id', async () => {
    const a = analysis([input(smallTable())]);
    const x = await saveAnalysis(a);
    const y = await saveAnalysis(analysis([input(smallTable())]));
    expect(Buffer.from(x).equals(Buffer.from(y))).toBe(true);
    const id = await analysisId(x);
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(isAnalysisId(id)).toBe(true);
    expect(await analysisId(y)).toBe(id);
    // A different name is a different analysis.
    expect(await analysisId(await saveAnalysis({ ...a, name: 'other' }))).not.toBe(id);
    // Known SHA-256 (of "abc").
    expect(await analysisId(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('saves an empty analysis and an empty table', async () => {
    const empty = await loadAnalysis(await saveAnalysis(analysis([], null)));
    expect(empty.inputs).toEqual([]);
    expect(empty.view).toBeNull();
    const t = new AllocationTableBuilder().freeze();
    const back = await loadAnalysis(await saveAnalysis(analysis([input(t)])));
    expectSameTable(t, back.inputs[0].table!);
  });

  it('decodes columns into shared memory', async () => {
    const back = await loadAnalysis(await saveAnalysis(analysis([input(smallTable())])));
    expect(back.inputs[0].table!.size.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('drops meliae value snippets (memory contents) and keeps names, lengths and the reference graph', async () => {
    const text =
      '{"address": 1000, "type": "dict", "size": 232, "len": 1, "refs": [2000, 3000, 9999]}\n' +
      '{"address": 2000, "type": "str", "size": 54, "len": 5, "value": "secret", "refs": []}\n' +
      '{"address": 3000, "type": "int", "size": 28, "value": -12, "refs": []}\n' +
      '{"address": 4000, "type": "module", "size": 72, "name": "os", "refs": [1000]}\n';
    const r = await readMeliae(new BytesSource('d.json', new TextEncoder().encode(text)));
    const bytes = await saveAnalysis(analysis([{ name: 'd.json', format: 'meliae', size: text.length, rows: r.table.rows, table: r.table, objects: r.objects }]));
    expect(Buffer.from(bytes).includes('secret')).toBe(false);
    const o = (await loadAnalysis(bytes)).inputs[0].objects!;
    expect(o.rows).toBe(4);
    expect(Array.from(o.refStart)).toEqual(Array.from(r.objects.refStart));
    expect(Array.from(o.refTarget)).toEqual(Array.from(r.objects.refTarget));
    expect(Array.from(o.dangling)).toEqual([0]);
    expect(o.missingRefs).toBe(1);
    expect(Array.from(o.len)).toEqual(Array.from(r.objects.len));
    expect(Array.from(o.valueStart)).toEqual([0, 0, 0, 0, 0]);
    expect(o.valueBytes.length).toBe(0);
  });
});

describe('saved analysis: narrow columns', () => {
  it('keeps Uint32 sizes and Uint8 regions as they are, and a 5 GiB size exactly in Float64', async () => {
    const b = new AllocationTableBuilder({ region: true, requested: true });
    b.region!.set(b.add(0x5555, 0x5000, 24, AllocState.Used), 1);
    b.region!.set(b.add(0x5555, 0x5020, 0xffffffff, AllocState.Free), 200);
    b.requested!.set(0, 20);
    const narrow = b.freeze();
    expect([narrow.size, narrow.region, narrow.requested].map((c) => c!.constructor.name)).toEqual(['Uint32Array', 'Uint8Array', 'Uint32Array']);
    const back = (await loadAnalysis(await saveAnalysis(analysis([input(narrow)])))).inputs[0].table!;
    expectSameTable(narrow, back);
    expect([back.size, back.region, back.requested].map((c) => c!.constructor.name)).toEqual(['Uint32Array', 'Uint8Array', 'Uint32Array']);

    const five = 5 * 2 ** 30 + 0xff0;
    b.region!.set(b.add(0x7fff, 0x10, five, AllocState.Used), 300);
    b.requested!.set(2, five - 0x1000);
    const wide = b.freeze();
    expect([wide.size, wide.region, wide.requested].map((c) => c!.constructor.name)).toEqual(['Float64Array', 'Uint16Array', 'Float64Array']);
    const back2 = (await loadAnalysis(await saveAnalysis(analysis([input(wide)])))).inputs[0].table!;
    expectSameTable(wide, back2);
    expect([back2.size[2], back2.requested![2], back2.region![2]]).toEqual([five, five - 0x1000, 300]);
  });

  it('loads a file saved before them (f64 sizes, u32 regions, NaN requested where no footer): the same rows as the sample core gives now', async () => {
    // before-narrow.heapscope: saveAnalysis at main 6e77165 of the sample core's heap walk and footer attribution
    // (CoreSession.open of ../formats/core/sample-heap.core.gz, addBinaries of ../formats/elf/sample-heap, attribute()).
    const old = await loadAnalysis(new Uint8Array(readFileSync(join(here, 'before-narrow.heapscope'))), { name: 'before-narrow.heapscope' });
    const t = old.inputs[0].table!;
    const at = old.inputs[0].attribution!;
    expect([t.size.constructor.name, t.region!.constructor.name]).toEqual(['Float64Array', 'Uint32Array']);
    const session = await CoreSession.open(await NodeFileSource.open(SAMPLE_CORE));
    try {
      await session.addBinaries([await NodeFileSource.open(SAMPLE_EXE)]);
      const now = await session.attribute();
      const { site: _site, requested: _requested, ...walk } = now.table;
      expect(now.table.size).toBeInstanceOf(Uint32Array);
      expect(now.table.region).toBeInstanceOf(Uint8Array);
      expectSameTable({ ...walk, rows: now.table.rows }, t);
      expect(Array.from(at.rowSite)).toEqual(Array.from(now.rowSite));
      // The old file's NaN rows are the rows without a footer (site 0): 0 there, as the attribution now holds.
      const none = Array.from(at.rowSite).filter((s) => s === 0).length;
      expect(none).toBe(8);
      expect(at.rowRequested).toBeInstanceOf(Uint32Array);
      expect(Array.from(at.rowRequested)).toEqual(Array.from(now.rowRequested));
      expect(Array.from(at.rowRequested).filter((r, i) => at.rowSite[i] === 0 && r !== 0)).toEqual([]);
    } finally {
      await session.close();
    }
  });
});

describe('saved analysis: snapshots of chap lists of sets', () => {
  it("keeps which chap set a list is (its part's set) and the sets known; a saved set name chap does not have is dropped", async () => {
    const rows = (n: number) => {
      const b = new AllocationTableBuilder();
      for (let i = 0; i < n; i++) b.add(0, 0x1000 + i * 0x20, 24, AllocState.Used);
      return b.freeze();
    };
    const { snapshots } = assemble([
      { id: 1, name: 'core.9.list_used', role: 'chap-list', table: rows(3), complete: true },
      { id: 2, name: 'core.9.list_leaked', role: 'chap-list', table: rows(1), complete: true, set: 'leaked' },
    ]);
    expect(snapshots).toHaveLength(1);
    const source = (name: string, n: number) => ({ name, format: 'chap-list', size: 100, rows: n });
    const saved = savedOf('x', { v: 1 }, [{ snapshot: snapshots[0], attribution: null, layout: null, sources: [source('core.9.list_used', 3), source('core.9.list_leaked', 1)] }]);
    const back = snapshotsOfSaved(await loadAnalysis(await saveAnalysis(saved)));
    expect(back[0].snapshot.parts.map((p) => [p.as, p.set])).toEqual([
      ['used', undefined],
      ['subset', 'leaked'],
    ]);
    expect(back[0].snapshot.knownSets).toEqual(['leaked', 'anchored']);
    expect([...back[0].snapshot.table!.flags!]).toEqual([AllocFlag.Leaked, AllocFlag.Anchored, AllocFlag.Anchored]);
    const bogus = { ...saved, snapshots: saved.snapshots!.map((sn) => ({ ...sn, sources: sn.sources.map((x) => ({ ...x, set: 'everything' })) })) };
    expect(snapshotsOfSaved(await loadAnalysis(await saveAnalysis(bogus)))[0].snapshot.parts.map((p) => p.set)).toEqual([undefined, undefined]);
  });
});

describeShared('saved analysis of the real fixtures', ['fixtures'], () => {
  it('heapgen phase 1 list used: 26,343 allocations survive, 3,413,480 bytes, compact', async () => {
    const r = await withSource(sharedPath('fixtures/heapgen/core.phase1.list_used'), (s) => readChapList(s));
    const bytes = await saveAnalysis(analysis([input(r.table, { name: 'core.phase1.list_used', size: 1450238 })]));
    const back = await loadAnalysis(bytes);
    const t = back.inputs[0].table!;
    expectSameTable(r.table, t);
    expect(Array.from(t.size).reduce((n, x) => n + x, 0)).toBe(3413480);
    // 14 bytes per allocation in memory; saved well under 4.
    expect(bytes.length / t.rows).toBeLessThan(4);
  });

  it('tracemalloc before.tracemalloc: traces, stacks, frames and the shared allocation view', async () => {
    const r = await withSource(sharedPath('fixtures/tracemalloc/before.tracemalloc'), (s) => readTracemalloc(s));
    const s = r.snapshot;
    const bytes = await saveAnalysis(analysis([input(r.table, { name: 'before.tracemalloc', format: 'tracemalloc', tracemalloc: s })]));
    const back = (await loadAnalysis(bytes)).inputs[0];
    const b = back.tracemalloc!;
    expect(b.traces.rows).toBe(s.traces.rows);
    expect(b.traces.rows).toBeGreaterThan(200_000);
    for (const k of ['size', 'domain', 'stack', 'totalFrames'] as const) expect(Buffer.from(b.traces[k].buffer, 0, b.traces[k].byteLength).equals(Buffer.from(s.traces[k].buffer, s.traces[k].byteOffset, s.traces[k].byteLength))).toBe(true);
    expect(Array.from(b.stacks.parent)).toEqual(Array.from(s.stacks.parent));
    expect(Array.from(b.frames.line)).toEqual(Array.from(s.frames.line));
    expect(b.tracebackLimit).toBe(s.tracebackLimit);
    expect(b.domains).toEqual(s.domains);
    expect(b.file).toBe(s.file);
    // Columns the allocation view shares with the trace table are stored once and shared again.
    expect(back.table!.size).toBe(b.traces.size);
    expect(back.table!.site).toBe(b.traces.stack);
    expect(back.table!.strings.bytes).toBe(b.strings.bytes);
    expectSameTable(r.table, back.table!);
  });

  it('heapgen phase 1 footer attribution: sites and per-row columns survive', async () => {
    const dir = sharedPath('fixtures/heapgen');
    const core = await openCore(await NodeFileSource.open(`${dir}/core.phase1.gz`));
    const list = await withSource(`${dir}/core.phase1.list_used`, (s) => readChapList(s));
    const bins = [await withSource(`${dir}/heapgen`, (s) => openBinary(s)), await withSource(`${dir}/libwidgets.so`, (s) => openBinary(s))];
    const at = await attribute(core, list.table, bins);
    await core.close();
    const attribution = { sites: at.sites, rowSite: at.rowSite, rowRequested: at.rowRequested };
    const back = (await loadAnalysis(await saveAnalysis(analysis([input(list.table, { attribution })])))).inputs[0].attribution!;
    expect(back.sites.rows).toBe(at.sites.rows);
    expect(back.sites.rows).toBeGreaterThan(0);
    expect(Array.from(back.rowSite)).toEqual(Array.from(at.rowSite));
    expect(Buffer.from(back.rowRequested.buffer, 0, back.rowRequested.byteLength).equals(Buffer.from(at.rowRequested.buffer, at.rowRequested.byteOffset, at.rowRequested.byteLength))).toBe(true);
    const names = new StringTable(back.sites.strings);
    const funcs = new Set(Array.from(back.sites.func, (f) => names.get(f)));
    expect([...funcs].some((f) => f.includes('leak_cache'))).toBe(true);
  });
});

describe('saved analysis: malformed and hostile input', () => {
  const good = async (): Promise<Uint8Array> => saveAnalysis(analysis([input(smallTable())]));
  const headerOf = (b: Uint8Array): { json: Record<string, unknown>; rest: Uint8Array } => {
    const hl = new DataView(b.buffer, b.byteOffset).getUint32(12, true);
    return { json: JSON.parse(new TextDecoder().decode(b.subarray(16, 16 + hl))), rest: b.subarray(16 + hl) };
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the header JSON is edited freely, to break it in every way a reader must refuse
  const withHeader = (b: Uint8Array, edit: (h: Record<string, any>) => void): Uint8Array => {
    const { json, rest } = headerOf(b);
    edit(json);
    const enc = new TextEncoder().encode(JSON.stringify(json));
    const out = new Uint8Array(16 + enc.length + rest.length);
    out.set(b.subarray(0, 16));
    new DataView(out.buffer).setUint32(12, enc.length, true);
    out.set(enc, 16);
    out.set(rest, 16 + enc.length);
    return out;
  };

  it('refuses empty, non-saved and text files', async () => {
    await refused(new Uint8Array(0), /empty file/);
    await refused(new TextEncoder().encode('Used allocation at 1000 of size 18\n'), /not a saved Heapscope analysis/);
    await refused((await good()).subarray(0, 10), /truncated/);
  });

  it('refuses unknown versions', async () => {
    const b = await good();
    const v = b.slice();
    new DataView(v.buffer).setUint32(8, SAVED_VERSION + 1, true);
    await refused(v, new RegExp(`format version ${SAVED_VERSION + 1} is not supported`));
    await refused(withHeader(b, (h) => (h.version = 7)), /header version 7 differs/);
  });

  it('refuses every truncation and trailing garbage', async () => {
    const b = await good();
    for (let n = 0; n < b.length; n += Math.max(1, Math.floor(b.length / 97))) {
      await expect(loadAnalysis(b.subarray(0, n), { name: fileName })).rejects.toBeInstanceOf(InputError);
    }
    const extra = new Uint8Array(b.length + 3);
    extra.set(b);
    await refused(extra, /3 unexpected bytes after the last column/);
  });

  it('never crashes on flipped bytes: loads or gives an InputError', async () => {
    const b = await good();
    let refusedCount = 0;
    for (let i = 0; i < b.length; i++) {
      const c = b.slice();
      c[i] ^= 0x5a;
      try {
        await loadAnalysis(c, { name: fileName });
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        refusedCount++;
      }
    }
    expect(refusedCount).toBeGreaterThan(b.length / 2);
  });

  it('checks declared sizes against row counts, the buffer and the decode limit', async () => {
    const b = await good();
    await refused(
      withHeader(b, (h) => (h.columns[2].raw = 1e12)),
      /header: columns\[2\] \(allocations.size\) declares 1000000000000 bytes for 4 f64 elements/,
    );
    await refused(
      withHeader(b, (h) => {
        h.columns[2].count = 5;
        h.columns[2].raw = 40;
      }),
      /column allocations.size of input 0: decompresses to 32 bytes, 40 declared/,
    );
    await refused(withHeader(b, (h) => (h.inputs[0].tables.allocations.rows = 5)), /column allocations.addrHi has 4 rows, 5 declared/);
    await refused(withHeader(b, (h) => (h.columns[0].packed += 1000)), /truncated: columns need/);
    await refused(b, /columns would decode to \d+ bytes, over the limit of 10/, 10);
    await refused(withHeader(b, (h) => (h.columns[0].codec = 'zstd')), /unknown codec "zstd"/);
    await refused(withHeader(b, (h) => (h.columns[2].type = 'u8')), /declares 32 bytes for 4 u8 elements/);
    await refused(withHeader(b, (h) => h.columns.push({ ...h.columns[2], codec: 'same', ref: 99, packed: 0 })), /refers to a later column/);
    await refused(withHeader(b, (h) => (h.inputs[0].tables.zzz = {})), /unknown table "zzz"/);
    await refused(withHeader(b, (h) => (h.inputs = 'no')), /inputs is not a list/);
    await refused(withHeader(b, (h) => delete h.inputs[0].tables.allocations), /belongs to no declared table/);
  });

  it('refuses a decompression bomb: a stream that inflates past its declared size', async () => {
    const { deflateSync } = await import('fflate');
    const bomb = deflateSync(new Uint8Array(64 << 20), { level: 9 }); // 64 MiB of zeros, ~64 KB
    const b = await good();
    const { json } = headerOf(b);
    const cols = json.columns as { packed: number }[];
    const hl = new DataView(b.buffer, b.byteOffset).getUint32(12, true);
    // Replace the first column's blob (addrHi, 16 bytes declared) with the bomb.
    const rest = b.subarray(16 + hl + cols[0].packed);
    const body = new Uint8Array(bomb.length + rest.length);
    body.set(bomb);
    body.set(rest, bomb.length);
    const h = withHeader(b, (x) => (x.columns[0].packed = bomb.length));
    const hl2 = new DataView(h.buffer).getUint32(12, true);
    const out = new Uint8Array(16 + hl2 + body.length);
    out.set(h.subarray(0, 16 + hl2));
    out.set(body, 16 + hl2);
    await refused(out, /column allocations.addrHi of input 0: decompresses to more than its declared 16 bytes/);
  });

  it('refuses inconsistent contents: decreasing string offsets, ids out of range, unknown states', async () => {
    const mk = (edit: (t: AllocationTable) => void): Promise<Uint8Array> => {
      const t = smallTable();
      edit(t);
      return saveAnalysis(analysis([input(t)]));
    };
    await refused(await mk((t) => (t.strings.offsets[1] = 9)), /input 0 \(x.list_used\) strings: offsets decrease at row 1/);
    await refused(await mk((t) => (t.type[0] = 77)), /type: row 0 refers to 77, only 3 exist/);
    await refused(await mk((t) => (t.state[2] = 9)), /row 2 has unknown state 9/);
    await refused(await mk((t) => (t.strings.offsets[3] = 1000)), /offsets end at 1000, data has \d+/);
  });

  it('refuses a header that is not JSON, too large, or deeply nested', async () => {
    const b = await good();
    const bad = b.slice();
    bad[16] = 0x7b + 1;
    await refused(bad, /header is not valid UTF-8 JSON/);
    const big = b.slice();
    new DataView(big.buffer).setUint32(12, 0xffffffff, true);
    await refused(big, /header of 4294967295 bytes is larger than/);
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    await refused(withHeader(b, (h) => (h.view = deep)), /view is nested too deeply/);
  });
});
