/**
 * mprof run files: read as memory_profiler's own read_mprofile_file reads them
 * (real runs made here with Debian's python3-memory-profiler, its answers kept
 * beside them), `mprof peak` to the character, and hand-made files for the
 * edges (CRLF, blank lines, numbers that do not parse, unknown fields).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mprofRuns } from '../../../../fixtures-gen/mprof-runs.ts';
import { sniffBytes } from '../sniff.ts';
import { MprofParser, mprofPeakText } from './mprof.ts';
import { expectAsMemoryProfiler } from './mprof.test-helper.ts';

const parse = (text: string, name = 'run.dat') => {
  const p = new MprofParser(name);
  p.push(new TextEncoder().encode(text));
  return p.end();
};

describe('mprof run files made by memory_profiler', () => {
  const runs = mprofRuns();
  if ('skip' in runs) {
    console.warn(`SKIPPED mprof fixtures: ${runs.skip}`);
    it.skip(`needs python3-mprof: ${runs.skip}`, () => {});
    return;
  }
  for (const k of ['funcs', 'children'] as const) {
    it(`${k}.dat: MEM, FUNC, CHLD and CMDLINE as read_mprofile_file reads them; mprof peak's text`, () => {
      expectAsMemoryProfiler(new Uint8Array(readFileSync(runs[k])), `${k}.dat`, runs.read[k], runs.peak[k].replace(/^\S+\t/, `${k}.dat\t`));
    });
  }
  it('the --python run has nested spans at depths 0 and 1; the --multiprocess run a child series', () => {
    const f = parse(readFileSync(runs.funcs, 'utf8')).profile;
    expect(f.funcs.map((x) => [x.name, x.depth])).toEqual([
      ['__main__.build', 1],
      ['__main__.build', 1],
      ['__main__.load', 0],
    ]);
    const load = f.funcs[2];
    for (const b of f.funcs.slice(0, 2)) expect(b.start >= load.start && b.end <= load.end).toBe(true);
    // The curve mprof plots: samples and span end points, in time order, from the earliest.
    expect(f.curve.time.length).toBe(f.mem.time.length + 2 * f.funcs.length);
    expect([...f.curve.time].sort((a, b) => a - b)).toEqual(f.curve.time);
    expect(f.start).toBe(f.curve.time[0]);
    const c = parse(readFileSync(runs.children, 'utf8')).profile;
    expect(c.children.length).toBe(1);
    expect(c.children[0].series.time.length).toBeGreaterThan(3);
  });
});

describe('mprof edges', () => {
  it('CRLF, unknown fields, a FUNC without depth, a line that does not parse, blank lines', () => {
    const { profile: p, warnings } = parse('CMDLINE python x.py\r\nMEM 1.5 100.0\r\nXYZ ignored\r\nMEM nope 101\r\n\r\nFUNC f 1.5 100.1 2.0 100.2\r\nMEM 2.25 100.3\r\n');
    expect(p.cmdline).toBe('python x.py');
    expect(p.mem).toEqual({ mib: [1.5, 2.25], time: [100, 100.3] });
    expect(p.funcs).toEqual([{ name: 'f', memStart: 1.5, start: 100.1, memEnd: 2, end: 100.2, depth: -1 }]);
    expect(p.peak).toEqual({ mib: 2.25, time: 100.3 });
    expect(warnings.map((w) => w.message)).toEqual([
      '1 line with numbers that do not parse (first at line 4) skipped',
      '1 blank line: mprof refuses such a file ("Sampling time was too short")',
    ]);
  });
  it('a file with no MEM or FUNC line is refused with a message naming it', () => {
    expect(() => parse('CMDLINE x\n', 'empty.dat')).toThrow(/empty\.dat.*no MEM samples/);
  });
  it("peak figures as Python's %.3f prints them (half to even on exact ties)", () => {
    // 41.0625 is exact in binary: Python prints 41.062, not 41.063.
    expect(mprofPeakText('f.dat', parse('MEM 41.0625 1\n').profile)).toBe('f.dat\t41.062 MiB\n');
  });
  it('is not sniffed from other text', () => {
    expect(sniffBytes(new TextEncoder().encode('MEMORY 1 2\n')).role).toBe('unknown');
  });
});
