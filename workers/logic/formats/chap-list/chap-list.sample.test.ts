/**
 * The chap-list reader on the sample in this folder, without ../shared: `heapgen-phase1.list_free` is chap's own
 * `list free` of heapgen's phase-1 core (copied whole from ../shared/fixtures/heapgen, 1.2 KB), whose last line is
 * chap's answer: 26 allocations use 0xf048 (61,512) bytes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AllocState } from '../../../../src/model/allocations.ts';
import { hexOf } from '../../../../src/model/address.ts';
import { BytesSource } from '../../io/source.ts';
import { readChapList } from './chap-list.ts';

const SAMPLE = join(import.meta.dirname, 'heapgen-phase1.list_free');

describe('chap list reader on its sample (heapgen phase 1, list free)', () => {
  const text = readFileSync(SAMPLE, 'utf8');

  it("gives chap's tally and every listed allocation, each free, in the file's order", async () => {
    const r = await readChapList(new BytesSource('heapgen-phase1.list_free', new TextEncoder().encode(text)));
    expect(r.warnings).toEqual([]);
    expect(r.tallies.map((t) => [t.count, t.bytes])).toEqual([[26, 61512]]);
    // The allocations as the file's lines say them (a regex on the text, not the reader).
    const lines = [...text.matchAll(/^Free allocation at ([0-9a-f]+) of size ([0-9a-f]+)$/gm)].map((m) => [m[1], parseInt(m[2], 16)]);
    expect(lines.length).toBe(26);
    const t = r.table;
    expect(t.rows).toBe(26);
    const rows = Array.from({ length: t.rows }, (_, i) => [hexOf(t.addrHi[i], t.addrLo[i]), t.size[i]]);
    expect(rows).toEqual(lines);
    expect(Array.from(t.state).every((s) => s === AllocState.Free)).toBe(true);
    expect(Array.from(t.size).reduce((a, b) => a + b, 0)).toBe(61512);
  });
});
