/**
 * The built `heapscope` command on the samples kept beside the readers, without ../shared: the sample core
 * (`workers/logic/formats/core/sample-heap.core.gz`, a gcore of fixtures-gen/sample-heap.c under the footer preload)
 * and its executable. `list --used` / `--free` and `count` give every allocation the program's truth file says it
 * left, in chap's text; `attribute --json` gives the truth's sums per function; `summary --json` the totals.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../test-support/shared.ts';
import { SAMPLE_CORE, SAMPLE_EXE, expectedAllocations, readSampleTruth } from '../../workers/logic/formats/core/sample-heap.test-helper.ts';

function heapscope(...args: string[]): string {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/heapscope.mjs'), ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

const truth = readSampleTruth();
const want = expectedAllocations(truth);
const hex = (n: number) => n.toString(16);
/** chap's list text of `rows` and its closing tally, as chap prints them (`N allocations use 0x… (…) bytes.`). */
function chapList(kind: 'Used' | 'Free', rows: { addr: number; size: number }[]): string {
  const bytes = rows.reduce((n, r) => n + r.size, 0);
  const lines = rows.map((r) => `${kind} allocation at ${hex(r.addr)} of size ${hex(r.size)}\n\n`).join('');
  return `${lines}${rows.length} allocations use 0x${hex(bytes)} (${bytes.toLocaleString('en-US')}) bytes.\n`;
}

describe('heapscope on the sample core (sample-heap under the footer preload)', () => {
  it('list --used / --free: every allocation of the heap, in address order, as chap lists them', () => {
    expect(heapscope('list', '--used', SAMPLE_CORE)).toBe(chapList('Used', want.filter((r) => r.used)));
    expect(heapscope('list', '--free', SAMPLE_CORE)).toBe(chapList('Free', want.filter((r) => !r.used)));
  });

  it("count used / free: chap's tally lines", () => {
    expect(heapscope('count', 'used', SAMPLE_CORE)).toBe(chapList('Used', want.filter((r) => r.used)).split('\n').at(-2) + '\n');
    expect(heapscope('count', 'free', SAMPLE_CORE)).toBe(chapList('Free', want.filter((r) => !r.used)).split('\n').at(-2) + '\n');
  });

  it('attribute --bin EXE --json: User / Mem / Chunk per function as the truth sums them', () => {
    const out = JSON.parse(heapscope('attribute', SAMPLE_CORE, '--bin', SAMPLE_EXE, '--json')) as {
      detected: boolean;
      libraries: { name: string; functions: { name: string; count: number; user: number; mem: number; chunk: number }[] }[];
    };
    expect(out.detected).toBe(true);
    const sums: Record<string, { count: number; user: number; mem: number; chunk: number }> = {};
    for (const b of truth.blocks.filter((x) => x.kind !== 'F')) {
      const z = (sums[b.func] ??= { count: 0, user: 0, mem: 0, chunk: 0 });
      z.count++;
      z.user += b.requested;
      z.mem += b.usable - 16;
      z.chunk += b.usable;
    }
    const lib = out.libraries.find((l) => l.name.endsWith('/sample-heap'))!;
    expect(Object.fromEntries(lib.functions.map((f) => [f.name, { count: f.count, user: f.user, mem: f.mem, chunk: f.chunk }]))).toEqual(sums);
  });

  it('summary --json: one snapshot, its allocator, used and free totals', () => {
    const s = (JSON.parse(heapscope('summary', SAMPLE_CORE, '--json')) as { snapshots: { allocator: string; used: unknown; free: unknown }[] }).snapshots;
    const sum = (used: boolean) => {
      const rows = want.filter((r) => r.used === used);
      return { count: rows.length, bytes: rows.reduce((n, r) => n + r.size, 0) };
    };
    expect(s.map((x) => [x.allocator, x.used, x.free])).toEqual([['glibc 2.36 malloc, 1 arena', sum(true), sum(false)]]);
  });
});
