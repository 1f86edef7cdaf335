/**
 * Footer attribution on the sample core, without ../shared: `../core/sample-heap.core.gz` is a gcore of
 * fixtures-gen/sample-heap.c run under fixtures-gen/footer-preload.c (malloc_tracer's footer format), and
 * `../elf/sample-heap` its executable. The program's truth file says, per block, which of its four functions
 * allocated it and the size it asked for: every in-use allocation is attributed exactly, and so are the sums per
 * function (User = requested, Chunk = chap's size, Mem = Chunk − 16, as the gdb plugin prints them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttributionData, Sizes } from '../../../../src/model/attribution.ts';
import { StringTable } from '../../../../src/model/strings.ts';
import { NodeFileSource } from '../../../../cli/node-source.ts';
import { CoreSession } from '../../session/core-session.ts';
import { SAMPLE_CORE, SAMPLE_EXE, readSampleTruth } from '../core/sample-heap.test-helper.ts';

const FUNCS = ['make_record', 'make_zeroed', 'trim_buffer', 'make_big'];
let session: CoreSession;
let a: AttributionData;

beforeAll(async () => {
  session = await CoreSession.open(await NodeFileSource.open(SAMPLE_CORE));
  await session.addBinaries([await NodeFileSource.open(SAMPLE_EXE)]);
  a = await session.attribute();
});
afterAll(async () => {
  await session?.close();
});

describe('malloc_tracer footers on their sample (sample-heap under the footer preload)', () => {
  const truth = readSampleTruth();
  // Held blocks and tcache entries are in use (chap lists tcache entries as used) and keep their footers.
  const inUse = truth.blocks.filter((b) => b.kind !== 'F');

  it('attributes every block the program holds to the function that allocated it, with its requested size', () => {
    const t = a.table;
    const strings = new StringTable(a.sites.strings);
    const byAddr = new Map<number, number>();
    for (let i = 0; i < t.rows; i++) byAddr.set(t.addrHi[i] * 2 ** 32 + t.addrLo[i], i);
    const got = inUse.map((b) => {
      const row = byAddr.get(b.addr)!;
      const s = t.site[row];
      return { addr: b.addr, func: s ? strings.get(a.sites.func[s - 1]) : '(none)', requested: t.requested[row], size: t.size[row] };
    });
    expect(got).toEqual(inUse.map((b) => ({ addr: b.addr, func: b.func, requested: b.requested, size: b.usable })));
  });

  it("sums per function as the truth gives them; glibc's own tcache struct is the one footer in no module", () => {
    expect(a.detected).toBe(true);
    expect(a.checked).toBe(inUse.length + 1);
    expect(a.valid).toBe(inUse.length);
    expect(a.errors.count).toBe(0);
    const want: Record<string, Sizes> = {};
    for (const b of inUse) {
      const z = (want[b.func] ??= { count: 0, user: 0, mem: 0, chunk: 0 });
      z.count++;
      z.user += b.requested;
      z.mem += b.usable - 16;
      z.chunk += b.usable;
    }
    const libs = a.libraries.map((l) => [l.name.replace(/^.*\//, ''), Object.fromEntries(l.functions.map((f) => [f.name, f.sizes]))]);
    // The tcache_perthread_struct (0x288 usable bytes) ends in an empty tcache slot and padding: return address 0,
    // requested 0, so it counts in Unknown lib at address 0x0.
    expect(libs).toEqual([
      ['sample-heap', want],
      ['Unknown lib', { '0x0': { count: 1, user: 0, mem: 0x288 - 16, chunk: 0x288 } }],
    ]);
    const fns = a.libraries[0].functions;
    expect(fns.map((f) => f.name).sort()).toEqual([...FUNCS].sort());
    // One call site each: trim_buffer's realloc (in place, so its malloc's footer was rewritten).
    expect(fns.map((f) => f.sites.length)).toEqual([1, 1, 1, 1]);
    expect(a.total.count).toBe(inUse.length + 1);
  });
});
