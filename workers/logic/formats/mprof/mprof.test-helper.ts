/**
 * The check both mprof tests make of a run file written by memory_profiler: read by `MprofParser`, it gives what
 * memory_profiler's own `read_mprofile_file` gives (MEM, FUNC, CHLD, CMDLINE) and `mprof peak`'s text.
 */
import { expect } from 'vitest';
import type { MprofRead } from '../../../../fixtures-gen/mprof-runs.ts';
import { sniffBytes } from '../sniff.ts';
import { MprofParser, mprofPeakText } from './mprof.ts';

/** `bytes` (the file `name`) read as memory_profiler reads it (`want`), with `mprof peak`'s output `peak` (naming `name`). */
export function expectAsMemoryProfiler(bytes: Uint8Array, name: string, want: MprofRead, peak: string): void {
  expect(sniffBytes(bytes.subarray(0, 65536)).role).toBe('mprof');
  const parser = new MprofParser(name);
  parser.push(bytes);
  const { profile: p, warnings } = parser.end();
  expect(warnings).toEqual([]);
  expect(p.mem.mib).toEqual(want.mem_usage);
  expect(p.mem.time).toEqual(want.timestamp);
  const funcs: Record<string, number[][]> = {};
  for (const f of p.funcs) (funcs[f.name] ??= []).push(f.depth >= 0 ? [f.start, f.end, f.memStart, f.memEnd, f.depth] : [f.start, f.end, f.memStart, f.memEnd]);
  expect(funcs).toEqual(want.func_timestamp);
  expect(Object.fromEntries(p.children.map((c) => [c.pid, c.series.mib.map((m, i) => [m, c.series.time[i]])]))).toEqual(want.children);
  // mprof keeps the newline at the end of CMDLINE's value; the profile does not.
  expect(p.cmdline === null ? null : `${p.cmdline}\n`).toBe(want.cmd_line);
  expect(mprofPeakText(name, p)).toBe(peak);
}
