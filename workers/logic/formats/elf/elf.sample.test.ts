/**
 * The ELF readers on the samples, without ../shared, checked against readelf and gdb (written beside them by
 * fixtures-gen/make-samples.ts): `sample-heap` is the executable of fixtures-gen/sample-heap.c (17 KB, with its
 * symbols) and `../core/sample-heap.core.gz` a gcore of it. `sample-heap.readelf.txt` is `readelf -hnsW` of the
 * executable; `sample-heap.core.readelf.txt` `readelf -lW` of the core; `sample-heap.core.gdb.txt` gdb's
 * `info proc mappings`, `info threads` and `info registers` on the core (the notes: NT_FILE, NT_PRSTATUS).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withSource } from '../../../../test-support/node-files.ts';
import { SAMPLE_CORE, SAMPLE_EXE } from '../core/sample-heap.test-helper.ts';
import { openBinary } from './binary.ts';
import { openCore } from './core-file.ts';

const here = import.meta.dirname;
const text = (f: string) => readFileSync(join(here, f), 'utf8');
const num = (hex: string) => Number.parseInt(hex, 16);

describe('openBinary on its sample (the sample-heap executable), as readelf reads it', () => {
  const readelf = text('sample-heap.readelf.txt');

  it('gives the type, machine, build-id and every function of .symtab', async () => {
    const b = await withSource(SAMPLE_EXE, (s) => openBinary(s));
    expect(readelf).toMatch(/^ {2}Type: +DYN /m);
    expect(readelf).toMatch(/^ {2}Machine: +Advanced Micro Devices X86-64$/m);
    expect([b.type, b.machine, b.is64]).toEqual([3, 62, true]);
    expect(b.buildId).toBe(/Build ID: ([0-9a-f]+)/.exec(readelf)![1]);
    // The functions: FUNC symbols of .symtab defined in a section (readelf's Ndx is a number, not UND).
    const symtab = readelf.slice(readelf.indexOf("Symbol table '.symtab'"));
    const want = [...symtab.matchAll(/^ +\d+: ([0-9a-f]+) +(\d+) FUNC +\w+ +\w+ +\d+ (\S+)$/gm)]
      .map((m) => [m[3], num(m[1]), Number(m[2])] as const)
      .sort((x, y) => x[1] - y[1]);
    expect(want.map((f) => f[0])).toContain('make_record');
    const s = b.symbols;
    expect(s.funcName.map((n, i) => [n, s.funcAddr[i], s.funcSize[i]])).toEqual(want);
  });
});

describe('openCore on its sample (a gcore of sample-heap), as readelf and gdb read it', () => {
  const readelf = text('sample-heap.core.readelf.txt');
  const gdb = text('sample-heap.core.gdb.txt');

  it("gives readelf's PT_LOAD segments (but the x86-64 vsyscall page, beyond 2^53), with their flags", async () => {
    const c = await withSource(SAMPLE_CORE, (s) => openCore(s));
    expect(c.arch).toBe('x86-64');
    expect(c.compression).toBe('gzip');
    expect(c.warnings).toEqual([]);
    const flags = (f: string) => (f.includes('R') ? 4 : 0) | (f.includes('W') ? 2 : 0) | (f.includes('E') ? 1 : 0);
    const loads = [...readelf.matchAll(/^ {2}LOAD +0x([0-9a-f]+) 0x([0-9a-f]+) 0x[0-9a-f]+ 0x([0-9a-f]+) 0x([0-9a-f]+) ([R ][W ][E ]) 0x/gm)];
    expect(loads.length).toBe(20);
    const want = loads
      .filter((m) => !m[2].startsWith('ffffffffff6'))
      .map((m) => ({ vaddr: num(m[2]), memsz: num(m[4]), filesz: num(m[3]), fileOffset: num(m[1]), flags: flags(m[5]) }));
    expect(c.segments.map((g) => ({ ...g }))).toEqual(want);
    // The heap's bytes are there: the first word of the main arena's heap is its first chunk's prev_size (0).
    const heap = want.find((g) => g.flags === 6 && g.memsz === 0x21000)!;
    expect(await c.readWord(heap.vaddr)).toBe(0);
    await c.close();
  });

  it("gives gdb's mapped files (NT_FILE), and its one thread with gdb's registers (NT_PRSTATUS)", async () => {
    const c = await withSource(SAMPLE_CORE, (s) => openCore(s));
    const maps = [...gdb.matchAll(/^ +0x([0-9a-f]+) +0x([0-9a-f]+) +0x[0-9a-f]+ +0x([0-9a-f]+) (\S+)$/gm)];
    expect(maps.length).toBe(20);
    expect(c.files.map((f) => ({ ...f }))).toEqual(maps.map((m) => ({ start: num(m[1]), end: num(m[2]), fileOffset: num(m[3]), path: m[4] })));
    const lwps = [...gdb.matchAll(/\(LWP (\d+)\)/g)].map((m) => Number(m[1]));
    expect(c.threads.map((t) => t.tid)).toEqual([...new Set(lwps)]);
    const reg = (name: string) => num(new RegExp(`^${name} +0x([0-9a-f]+)`, 'm').exec(gdb)![1]);
    for (const r of ['rip', 'rsp', 'rbp', 'rsi', 'rdx', 'r12', 'r13', 'eflags', 'cs', 'ss']) expect([r, c.threads[0].registers[r]]).toEqual([r, reg(r)]);
    await c.close();
  });
});
