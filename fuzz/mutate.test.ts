/**
 * The mutator itself must never throw: a case is built by applying mutations one after another, so a later one sees
 * what an earlier one made hostile. Found by a 2,000-case campaign (seed 13): a `saved-header` mutation set a column's
 * `raw` size to −1, the `saved-column` mutation after it did `new Uint8Array(-1)` and the whole campaign died; then a
 * `bad-utf8` pickle mutation wrote its four bytes past the end of a pickle a truncation had cut inside a string.
 */
import { describe, expect, it } from 'vitest';
import { AllocationTableBuilder, AllocState } from '../src/model/allocations.ts';
import { saveAnalysis } from '../workers/logic/saved/serialize.ts';
import { applyAll, type Mutation } from './mutate.ts';

async function saved(): Promise<Uint8Array> {
  const b = new AllocationTableBuilder();
  for (let i = 0; i < 32; i++) b.add(0x5574, 0x1000 + i * 64, 48, i % 5 ? AllocState.Used : AllocState.Free);
  const t = b.freeze();
  return saveAnalysis({ name: 'm', created: '2026-12-02T00:00:00.000Z', view: { v: 1, view: 'flame' }, inputs: [{ name: 'l', format: 'chap-list', size: 1, rows: t.rows, table: t }] });
}

/** `bytes` with its header's columns changed by `edit`. */
function withColumns(bytes: Uint8Array, edit: (cols: Record<string, unknown>[]) => void): Uint8Array {
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  const hl = v.getUint32(12, true);
  const h = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + hl)));
  edit(h.columns);
  const head = new TextEncoder().encode(JSON.stringify(h));
  const out = new Uint8Array(16 + head.length + bytes.length - 16 - hl);
  out.set(bytes.subarray(0, 16));
  out.set(head, 16);
  out.set(bytes.subarray(16 + hl), 16 + head.length);
  new DataView(out.buffer).setUint32(12, head.length, true);
  return out;
}

const column = (at: number): Mutation => ({ op: 'saved-column', column: 0, at, value: 'nan' });

describe('fuzz mutations on hostile saved headers', () => {
  it('rewrites a column of a well-formed analysis', async () => {
    const b = await saved();
    expect(applyAll(b, [column(3)], 1 << 24)).not.toEqual(b);
  });

  it.each([
    ['raw −1', (c: Record<string, unknown>) => (c.raw = -1)],
    ['raw 2^53', (c: Record<string, unknown>) => (c.raw = 2 ** 53)],
    ['raw not count × width', (c: Record<string, unknown>) => (c.raw = (c.raw as number) + 1)],
    ['packed −1', (c: Record<string, unknown>) => (c.packed = -1)],
    ['packed past the end', (c: Record<string, unknown>) => (c.packed = 1e9)],
    ['packed NaN (null in JSON)', (c: Record<string, unknown>) => (c.packed = NaN)],
  ])('leaves the file as it is when every column has %s', async (_, edit) => {
    const b = withColumns(await saved(), (cols) => cols.forEach(edit));
    expect(applyAll(b, [column(3)], 1 << 24)).toEqual(b);
  });
});

describe('fuzz mutations on pickles cut short', () => {
  // SHORT_BINUNICODE (0x8c) of length 10 with only 2 of its bytes left, as a truncation leaves it.
  const cut = Uint8Array.from([0x80, 0x04, 0x8c, 10, 0x61, 0x62]);
  it('bad-utf8 on a string with no room left leaves the pickle as it is', () => {
    expect(applyAll(cut, [{ op: 'pickle', kind: 'bad-utf8', index: 1, value: '', times: 0 }], 1 << 20)).toEqual(cut);
  });
  it('bad-utf8 on a whole string writes an invalid sequence into it', () => {
    const whole = Uint8Array.from([0x80, 0x04, 0x8c, 4, 0x61, 0x62, 0x63, 0x64, 0x2e]);
    expect([...applyAll(whole, [{ op: 'pickle', kind: 'bad-utf8', index: 1, value: '', times: 0 }], 1 << 20)]).toEqual([0x80, 0x04, 0x8c, 4, 0xf4, 0x90, 0x80, 0x80, 0x2e]);
  });
});
