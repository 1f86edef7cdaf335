import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AllocState } from '../../../../src/model/allocations.ts';
import { stackFrames } from '../../../../src/model/stacks.ts';
import { StringTable } from '../../../../src/model/strings.ts';
import type { TracemallocSnapshot } from '../../../../src/model/traces.ts';
import { withSource } from '../../../../test-support/node-files.ts';
import { describeShared, sharedPath } from '../../../../test-support/shared.ts';
import { InputError } from '../../io/errors.ts';
import { BytesSource } from '../../io/source.ts';
import { openInput } from '../open-input.ts';
import { describePython, generatedDir, generatedGolden } from '../../python/generated-fixtures.test-helper.ts';
import { SnapshotPickleDecoder } from './pickle-snapshot.ts';
import { decodeTracemallocBytes, readTracemalloc } from './tracemalloc.ts';

/** Frames of trace `i`, oldest first, as [file, line]. */
function traceFrames(s: TracemallocSnapshot, i: number): [string, number][] {
  const strings = new StringTable(s.strings);
  return stackFrames(s.stacks, s.traces.stack[i]).map((f) => [strings.get(s.frames.file[f]), s.frames.line[f]]);
}

function totalSize(s: TracemallocSnapshot): number {
  let n = 0;
  for (let i = 0; i < s.traces.rows; i++) n += s.traces.size[i];
  return n;
}

const enc = new TextEncoder();
/** Bytes from a mix of numbers (single bytes), strings (latin-1 bytes) and arrays. */
function bytes(...parts: (number | string | Uint8Array | number[])[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p);
    else if (typeof p === 'string') for (const c of p) out.push(c.charCodeAt(0));
    else out.push(...p);
  }
  return Uint8Array.from(out);
}
/** SHORT_BINUNICODE of `s`. */
const sbu = (s: string) => {
  const b = enc.encode(s);
  return bytes(0x8c, b.length, b);
};

async function refusal(data: Uint8Array, name = 'bad.tracemalloc'): Promise<InputError> {
  const err = await readTracemalloc(new BytesSource(name, data)).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InputError);
  const e = err as InputError;
  expect(e.file).toBe(name);
  expect(e.message.startsWith(`${name}: `)).toBe(true);
  return e;
}

describeShared('tracemalloc reader on the service.py snapshots', ['fixtures', 'tracemalloc'], () => {
  const golden = JSON.parse(gunzipSync(readFileSync(sharedPath('fixtures/tracemalloc/golden.json.gz'))).toString()) as {
    traceback_limit: number;
    traces: { before: number; after: number };
    statistics_filename_after: { size: number; count: number }[];
  };

  it('after.tracemalloc: 249,810 traces, limit 25, sizes adding up to CPython\'s', async () => {
    const r = await withSource(sharedPath('fixtures/tracemalloc/after.tracemalloc'), (s) => readTracemalloc(s));
    expect(r.warnings).toEqual([]);
    expect(r.protocol).toBe(5);
    const s = r.snapshot;
    expect(s.traces.rows).toBe(golden.traces.after);
    expect(s.traces.rows).toBe(249810);
    expect(s.tracebackLimit).toBe(golden.traceback_limit);
    expect(s.domains).toEqual([0]);
    const expectedBytes = golden.statistics_filename_after.reduce((n, r) => n + r.size, 0);
    expect(totalSize(s)).toBe(expectedBytes);
    // The allocation-table view: one Used row per trace, site = stack id, size shared.
    expect(r.table.rows).toBe(249810);
    expect(r.table.size).toBe(s.traces.size);
    expect(r.table.site).toBe(s.traces.stack);
    expect(r.table.state.every((x) => x === AllocState.Used)).toBe(true);
    expect(r.table.addrHi.every((x) => x === 0) && r.table.addrLo.every((x) => x === 0)).toBe(true);
  });

  it('before.tracemalloc: 213,094 traces; the first trace exactly as pickletools shows it', async () => {
    const r = await withSource(sharedPath('fixtures/tracemalloc/before.tracemalloc'), (s) => readTracemalloc(s));
    const s = r.snapshot;
    expect(s.traces.rows).toBe(golden.traces.before);
    // (0, 56, (('/srv/shop/service.py', 10), (…, 13), (…, 13), (…, 26)), 4): most recent first in the pickle
    expect([s.traces.domain[0], s.traces.size[0], s.traces.totalFrames[0]]).toEqual([0, 56, 4]);
    expect(traceFrames(s, 0)).toEqual([
      ['/srv/shop/service.py', 26],
      ['/srv/shop/service.py', 13],
      ['/srv/shop/service.py', 13],
      ['/srv/shop/service.py', 10],
    ]);
    // Third trace shares the first one's traceback tuple through the memo (BINGET 17).
    expect(s.traces.stack[2]).toBe(s.traces.stack[0]);
    expect(s.traces.size[2]).toBe(62);
    // Every stack's parent comes first; depths never exceed the limit.
    for (let i = 1; i < s.stacks.rows; i++) {
      expect(s.stacks.parent[i]).toBeLessThan(i);
      expect(s.stacks.depth[i]).toBeLessThanOrEqual(25);
    }
  });

  it('goes through sniffing and the reader registry', async () => {
    const r = await withSource(sharedPath('fixtures/tracemalloc/before.tracemalloc'), (s) => openInput(s));
    expect(r.format).toBe('tracemalloc');
    expect(r.tracemalloc?.traces.rows).toBe(213094);
    expect(r.table?.rows).toBe(213094);
    expect(r.info).toMatchObject({ protocol: 5, traces: 213094, tracebackLimit: 25, domains: [0] });
  });

  it('gives the same tables whatever the slicing, and reads gzip', async () => {
    const data = new Uint8Array(readFileSync(sharedPath('fixtures/tracemalloc/before.tracemalloc')));
    const whole = decodeTracemallocBytes('x', data).snapshot;
    for (const step of [1000, 4093, 65536]) {
      const dec = new SnapshotPickleDecoder('x');
      for (let i = 0; i < data.length; i += step) dec.push(data.subarray(i, i + step));
      const d = dec.finish();
      expect(d.rows).toBe(whole.traces.rows);
      expect(d.stacks.rows).toBe(whole.stacks.rows);
      expect(Array.from(d.pool.stack.array.subarray(0, d.rows))).toEqual(Array.from(whole.traces.stack));
    }
    const gz = await readTracemalloc(new BytesSource('before.tracemalloc.gz', gzipSync(data)));
    expect(gz.snapshot.traces.rows).toBe(213094);
    expect(Array.from(gz.snapshot.traces.size)).toEqual(Array.from(whole.traces.size));
  });
});

describePython('tracemalloc reader on snapshots written by this machine\'s CPython', () => {
  it('reads protocols 2, 3, 4 and 5 of the same snapshot to identical tables', async () => {
    const dir = generatedDir();
    const golden = generatedGolden().snapshots['after.tracemalloc'];
    const read = (f: string) => withSource(join(dir, f), (s) => readTracemalloc(s));
    const p5 = await read('after.tracemalloc');
    expect(p5.protocol).toBe(5);
    expect(p5.snapshot.traces.rows).toBe(golden.traces);
    expect(p5.snapshot.tracebackLimit).toBe(12);
    expect(totalSize(p5.snapshot)).toBe(golden.total_size);
    for (const p of [2, 3, 4]) {
      const r = await read(`after.p${p}.tracemalloc`);
      expect(r.protocol).toBe(p);
      expect(r.warnings).toEqual([]);
      expect(r.snapshot.traces.rows).toBe(golden.traces);
      for (const i of [0, 1, golden.traces >> 1, golden.traces - 1]) expect(traceFrames(r.snapshot, i)).toEqual(traceFrames(p5.snapshot, i));
      expect(Array.from(r.snapshot.traces.size)).toEqual(Array.from(p5.snapshot.traces.size));
    }
  });

  it('reads the crafted snapshot: large sizes, all domains, non-ASCII names, total_nframe', async () => {
    const dir = generatedDir();
    for (const f of ['crafted.tracemalloc', 'crafted.p2.tracemalloc']) {
      const r = await withSource(join(dir, f), (s) => readTracemalloc(s));
      const s = r.snapshot;
      expect(s.traces.rows).toBe(13);
      expect(s.tracebackLimit).toBe(3);
      expect(s.domains).toEqual([0, 7, 389047, 4294967295]);
      expect(Array.from(s.traces.size.subarray(0, 6))).toEqual([100, 100, 64, 5_000_000_000, 3_000_000_000, 0]);
      expect(s.traces.totalFrames[2]).toBe(9);
      expect(traceFrames(s, 4)).toEqual([
        ['/app/\ufffdrepl.py', 4],
        ['/app/\u{1F600}smile.py', 3],
      ]);
      expect(traceFrames(s, 3)).toEqual([['/app/\u00e9t\u00e9.py', 7]]);
      expect(traceFrames(s, 2)).toEqual([
        ['/app/alpha.py', 10],
        ['/app/alpha.py', 10],
        ['/app/alpha.py', 10],
      ]);
    }
  });

  it('reads the CPython <= 3.8 layout (domain, size, frames) with total_nframe = depth', async () => {
    const r = await withSource(join(generatedDir(), 'legacy38.tracemalloc'), (s) => readTracemalloc(s));
    expect(r.snapshot.traces.rows).toBe(13);
    expect(r.snapshot.traces.totalFrames[2]).toBe(3);
    expect(r.snapshot.traces.totalFrames[12]).toBe(3);
    expect(r.snapshot.domains).toEqual([0, 7, 389047, 4294967295]);
  });
});

describe('tracemalloc reader on malformed and hostile pickles', () => {
  /** A minimal valid snapshot: one trace, protocol 4 opcodes. */
  const tiny = bytes(
    0x80, 4,
    sbu('tracemalloc'), sbu('Snapshot'), 0x93, ')', 0x81, // Snapshot()
    '}', '(',
    sbu('traces'), sbu('tracemalloc'), sbu('_Traces'), 0x93, ')', 0x81, // _Traces()
    '}', sbu('_traces'), ']',
    '(', 'K', 0, 'K', 56, sbu('a.py'), 'K', 3, 0x86, 0x85, 'K', 1, 't', 'a', // [(0, 56, (('a.py', 3),), 1)]
    's', 'b', // _Traces.__dict__ = {...}
    sbu('traceback_limit'), 'K', 1, 'u', 'b', '.',
  );

  it('reads a minimal hand-made snapshot', () => {
    const r = decodeTracemallocBytes('tiny', tiny);
    expect(r.snapshot.traces.rows).toBe(1);
    expect(r.snapshot.traces.size[0]).toBe(56);
    expect(traceFrames(r.snapshot, 0)).toEqual([['a.py', 3]]);
    expect(r.snapshot.tracebackLimit).toBe(1);
  });

  it('refuses an empty file', async () => {
    expect((await refusal(new Uint8Array(0), 'empty.tracemalloc')).message).toMatch(/empty\.tracemalloc: .*the file is empty/);
    await expect(openInput(new BytesSource('empty.tracemalloc', new Uint8Array(0)))).rejects.toThrow(/^empty\.tracemalloc: .*empty/);
  });

  it('refuses every truncation of a snapshot, clearly', async () => {
    for (let cut = 1; cut < tiny.length; cut++) {
      const e = await refusal(tiny.subarray(0, cut), 'cut.tracemalloc');
      expect(e.message).toMatch(cut < 2 ? /truncated|PROTO/ : /truncated/);
    }
  });

  it('refuses a pickle that calls os.system (never runs it)', async () => {
    // protocol 4: posix.system('echo pwned') via STACK_GLOBAL + REDUCE
    const p4 = bytes(0x80, 4, sbu('posix'), 0x94, sbu('system'), 0x94, 0x93, 0x94, sbu('echo pwned'), 0x94, 0x85, 0x94, 'R', 0x94, '.');
    expect((await refusal(p4)).message).toMatch(/refers to "posix\.system", which is not part of a tracemalloc snapshot/);
    // protocol 2: GLOBAL 'os\nsystem\n'
    const p2 = bytes(0x80, 2, 'cos\nsystem\n', 'q', 0, 'X', [11, 0, 0, 0], 'echo pwned!', 0x85, 'R', '.');
    expect((await refusal(p2)).message).toMatch(/refers to "os\.system"/);
    // Without "tracemalloc" in it, sniffing never even hands it to the reader.
    await expect(openInput(new BytesSource('evil.pickle', p4))).rejects.toThrow(/^evil\.pickle: not a format Heapscope reads: a pickle/);
  });

  it('refuses other classes and calls even when they mention tracemalloc', async () => {
    const reduceSnapshot = bytes(0x80, 4, sbu('tracemalloc'), sbu('Snapshot'), 0x93, ']', 'K', 1, 0x86, 'R', '.');
    const e = (await openInput(new BytesSource('reduce.tracemalloc', reduceSnapshot)).catch((x: unknown) => x)) as InputError;
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toMatch(/^reduce\.tracemalloc: .*a tuple of \(list, int\)|REDUCE/);
    const takeSnapshot = bytes(0x80, 4, sbu('tracemalloc'), sbu('take_snapshot'), 0x93, ')', 'R', '.');
    expect((await refusal(takeSnapshot)).message).toMatch(/"tracemalloc\.take_snapshot"/);
    const builtinsEval = bytes(0x80, 4, sbu('builtins'), sbu('eval'), 0x93, '.');
    expect((await refusal(builtinsEval)).message).toMatch(/"builtins\.eval"/);
    const withReduce = bytes(0x80, 4, sbu('tracemalloc'), sbu('Snapshot'), 0x93, ')', 'R', '.');
    expect((await refusal(withReduce)).message).toMatch(/opcode REDUCE \(0x52\) at|REDUCE/);
    const inst = bytes(0x80, 2, 'i', 'os\nsystem\n', '.');
    expect((await refusal(inst)).message).toMatch(/opcode INST \(0x69\)/);
  });

  it('refuses valid pickles of other data', async () => {
    const listOfInts = bytes(0x80, 5, ']', 0x94, '(', 'K', 1, 'K', 2, 'e', '.');
    expect((await refusal(listOfInts)).message).toMatch(/a list item that is a int, not a trace tuple/);
    const dict = bytes(0x80, 5, '}', sbu('a'), 'K', 1, 's', '.');
    expect((await refusal(dict)).message).toMatch(/holds a dict, not a tracemalloc\.Snapshot/);
    const floats = bytes(0x80, 4, 'G', [0x40, 9, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18], '.');
    expect((await refusal(floats)).message).toMatch(/BINFLOAT/);
    const noTraces = bytes(0x80, 4, sbu('tracemalloc'), sbu('Snapshot'), 0x93, ')', 0x81, '}', sbu('traceback_limit'), 'K', 1, 's', 'b', '.');
    expect((await refusal(noTraces)).message).toMatch(/no "traces" attribute/);
    const unbuilt = bytes(0x80, 4, sbu('tracemalloc'), sbu('Snapshot'), 0x93, ')', 0x81, '.');
    expect((await refusal(unbuilt)).message).toMatch(/no state/);
  });

  it('refuses protocols 0, 1 and 6+', async () => {
    expect((await refusal(bytes('(lp0\nI1\na.'))).message).toMatch(/protocol 0 or 1 pickle/);
    expect((await refusal(bytes(']q\x00K\x01a.'))).message).toMatch(/protocol 0 or 1 pickle/);
    expect((await refusal(bytes('ctracemalloc\nSnapshot\n)\x81.'))).message).toMatch(/protocol 0 or 1 pickle/);
    expect((await refusal(bytes(0x80, 6, '.'))).message).toMatch(/protocol 6 is not read/);
    expect((await refusal(bytes('hello world'))).message).toMatch(/does not start with a pickle PROTO opcode/);
    expect((await refusal(bytes('h'))).message).toMatch(/does not start with a pickle PROTO opcode/);
    expect((await refusal(bytes(0x80))).message).toMatch(/ends at byte 1 before its STOP opcode/);
  });

  it('refuses huge lengths without allocating them', async () => {
    const hugeStr8 = bytes(0x80, 4, 0x8d, [0, 0, 0, 0, 0, 0, 0, 0x10], 'abc');
    expect((await refusal(hugeStr8)).message).toMatch(/a string of [\d,]+ bytes is far longer than any file name/);
    const hugeStr4 = bytes(0x80, 4, 'X', [0xff, 0xff, 0xff, 0x7f], 'abc');
    expect((await refusal(hugeStr4)).message).toMatch(/far longer/);
    const hugeLong = bytes(0x80, 4, 0x8b, [0xff, 0xff, 0xff, 0x7f], 'abc');
    expect((await refusal(hugeLong)).message).toMatch(/integer of \d+ bytes/);
    const bigLong = bytes(0x80, 4, 0x8a, 8, [0, 0, 0, 0, 0, 0, 0, 0x40], '.');
    expect((await refusal(bigLong)).message).toMatch(/too large to be exact/);
    const frameHuge = bytes(0x80, 4, 0x95, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], '.');
    expect((await refusal(frameHuge)).message).toMatch(/STOP with 0 values and 0 open marks/);
  });

  it('refuses memo indexes out of range', async () => {
    expect((await refusal(bytes(0x80, 4, 'h', 200, '.'))).message).toMatch(/memo index 200 is read but was never written/);
    expect((await refusal(bytes(0x80, 4, 'j', [0xf0, 0xff, 0xff, 0xff], '.'))).message).toMatch(/memo index 4294967280 is read/);
    expect((await refusal(bytes(0x80, 2, 'K', 1, 'r', [0xf0, 0xff, 0xff, 0xff], '.'))).message).toMatch(/memo index 4294967280 is out of range/);
    expect((await refusal(bytes(0x80, 4, 0x94, '.'))).message).toMatch(/memo write with an empty stack/);
  });

  it('survives deep nesting and floods of containers with a clear error', async () => {
    const marks = new Uint8Array(2_000_000).fill(0x28);
    marks[0] = 0x80;
    marks[1] = 4;
    marks[marks.length - 1] = 0x2e;
    expect((await refusal(marks)).message).toMatch(/more than 65,536 open MARKs, the limit \(at byte 65,538\)/);
    const lists = new Uint8Array(10_000).fill(0x5d);
    lists[0] = 0x80;
    lists[1] = 4;
    expect((await refusal(lists)).message).toMatch(/more than 64 lists/);
    const nested = bytes(0x80, 4, ...Array(1000).fill([0x29, 0x85]).flat(), '.');
    expect((await refusal(nested)).message).toMatch(/a tuple of \(empty tuple\) is not part of a tracemalloc snapshot/);
    const pops = bytes(0x80, 4, 't', '.');
    expect((await refusal(pops)).message).toMatch(/needs a MARK/);
    const underflow = bytes(0x80, 4, 'K', 1, '(', 0x86, '.');
    expect((await refusal(underflow)).message).toMatch(/TUPLE2 \(0x86\) needs 2 value/);
    const unknown = bytes(0x80, 4, 0xff, '.');
    expect((await refusal(unknown)).message).toMatch(/unknown opcode byte 0xff/);
  });

  it('warns about bytes after STOP', () => {
    const r = decodeTracemallocBytes('tail', bytes(tiny, 'garbage'));
    expect(r.warnings.map((w) => w.message)).toEqual(['7 byte(s) after the end of the pickle were ignored']);
    expect(r.warnings[0].file).toBe('tail');
  });
});
