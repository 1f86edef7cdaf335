/**
 * Conformance: `heapscope list --used/--free` equals chap's own output for every
 * core in ../shared. chap also prints `... with signature` lines (C++ class
 * names), which belong to the signatures part; they are dropped from chap's
 * text before comparing. Everything else (allocation lines, blank lines, tally)
 * must be identical.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { AllocState } from '../../src/model/allocations.ts';
import { chapSuiteCores, describeShared, sharedPath } from '../../test-support/shared.ts';
import { withSource } from '../../test-support/node-files.ts';
import { readCore, readCoreRows, type CoreRows } from '../../workers/logic/formats/core/read-core.ts';
import { chapListChunks, formatChapList, putHex } from './list.ts';

/** chap's list of the streamed rows in `state` (what `heapscope list --used/--free` of a core alone writes). */
function streamedList(r: CoreRows, state: number): string {
  const dec = new TextDecoder();
  let s = '';
  for (const c of chapListChunks(r.rows.batches(), (b, i) => b.state[i] === state)) s += dec.decode(c);
  return s;
}

const withoutSignatures = (text: string): string =>
  text
    .split('\n')
    .filter((l) => !l.startsWith('... with signature'))
    .join('\n');

interface Case {
  name: string;
  core: string;
  used: string;
  free: string;
  countUsed?: string;
  countFree?: string;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const c of chapSuiteCores()) {
    const base = join(c.folder, c.stem);
    out.push({ name: `${c.dir}/${c.file}`, core: c.core, used: `${base}.ref.list_used`, free: `${base}.ref.list_free`, countUsed: `${base}.ref.count_used`, countFree: `${base}.ref.count_free` });
  }
  for (const phase of ['phase1', 'phase2']) {
    const base = sharedPath(`fixtures/heapgen/core.${phase}`);
    if (existsSync(`${base}.gz`)) out.push({ name: `heapgen/core.${phase}.gz`, core: `${base}.gz`, used: `${base}.list_used`, free: `${base}.list_free` });
  }
  // leakgen under glibc and under gperftools' tcmalloc (chap's answers gzip'd).
  for (const sub of ['', 'tcmalloc/']) {
    const base = sharedPath(`fixtures/leakgen/${sub}core`);
    if (existsSync(`${base}.gz`)) out.push({ name: `leakgen/${sub}core.gz`, core: `${base}.gz`, used: `${base}.ref.list_used.gz`, free: `${base}.ref.list_free.gz`, countUsed: `${base}.ref.count_used`, countFree: `${base}.ref.count_free` });
  }
  return out;
}

/** A reference file, gunzipped when it ends in .gz. */
const ref = (path: string): string => (path.endsWith('.gz') ? gunzipSync(readFileSync(path)).toString('utf8') : readFileSync(path, 'utf8'));

describeShared('list --used/--free equal chap on every core in ../shared', ['peer', 'chap-suite'], () => {
  const all = cases();
  it('finds the 9 chap-suite cores, the 2 heapgen cores and the 2 leakgen cores (glibc, tcmalloc)', () => {
    expect(all.length).toBe(13);
  });
  for (const c of all) {
    it(c.name, async () => {
      const r = await withSource(c.core, (s) => readCore(s));
      await r.core.close();
      const used = formatChapList(r.table, AllocState.Used, 'Used');
      const free = formatChapList(r.table, AllocState.Free, 'Free');
      expect(used).toBe(withoutSignatures(ref(c.used)));
      expect(free).toBe(ref(c.free));
      const tally = (t: string): string => t.trim().split('\n').pop()!;
      if (c.countUsed) expect(tally(used)).toBe(readFileSync(c.countUsed, 'utf8').trim());
      if (c.countFree) expect(tally(free)).toBe(readFileSync(c.countFree, 'utf8').trim());
      // The rows the command streams (from the glibc walk's chunk store when glibc is the only allocator).
      const streamed = await withSource(c.core, (s) => readCoreRows(s));
      await streamed.core.close();
      expect(streamed.rows.table === null).toBe(!c.name.includes('tcmalloc'));
      expect(streamedList(streamed, AllocState.Used)).toBe(used);
      expect(streamedList(streamed, AllocState.Free)).toBe(free);
      expect(streamed.warnings).toEqual(r.warnings);
      if (c.name.startsWith('heapgen')) {
        const counts = readFileSync(c.core.replace(/\.gz$/, '.counts.txt'), 'utf8').trim().split('\n');
        expect(tally(used)).toBe(counts[0]);
        expect(tally(free)).toBe(counts[1]);
      }
    });
  }
});

describeShared('list --used/--free equal chap on the CPython cores (glibc chunks and obmalloc blocks)', ['fixtures', 'python-core'], () => {
  const dir = sharedPath('fixtures/python-core');
  const versions = readdirSync(dir).filter((d) => existsSync(join(dir, d, 'core.gz'))).sort();
  it('finds the 2.7, 3.8 and 3.12 cores', () => {
    expect(versions).toEqual(['py2.7.18', 'py3.12.1', 'py3.8.18']);
  });
  for (const v of versions) {
    it(v, async () => {
      const r = await withSource(join(dir, v, 'core.gz'), (s) => readCore(s));
      await r.core.close();
      const used = formatChapList(r.table, AllocState.Used, 'Used');
      const free = formatChapList(r.table, AllocState.Free, 'Free');
      const ref = (f: string): string => gunzipSync(readFileSync(join(dir, v, f))).toString('utf8');
      expect(used).toBe(withoutSignatures(ref('core.ref.list_used.gz')));
      expect(free).toBe(ref('core.ref.list_free.gz'));
      expect(used.trim().split('\n').pop()).toBe(readFileSync(join(dir, v, 'core.ref.count_used'), 'utf8').trim());
      expect(free.trim().split('\n').pop()).toBe(readFileSync(join(dir, v, 'core.ref.count_free'), 'utf8').trim());
      const streamed = await withSource(join(dir, v, 'core.gz'), (s) => readCoreRows(s));
      await streamed.core.close();
      expect(streamedList(streamed, AllocState.Used)).toBe(used);
      expect(streamedList(streamed, AllocState.Free)).toBe(free);
      expect(streamed.warnings).toEqual(r.warnings);
    });
  }
});

it('writes hex as chap does: no leading zeros, every 64-bit address below 2^53', () => {
  const hex = (v: number): string => {
    const b = new Uint8Array(16);
    return new TextDecoder().decode(b.subarray(0, putHex(b, 0, v)));
  };
  for (const v of [0, 1, 0xf, 0x10, 0xffffffff, 0x100000000, 0x100000001, 0x7ffd12345678, 0x1f0000000000f, Number.MAX_SAFE_INTEGER]) {
    expect(hex(v)).toBe(v.toString(16));
  }
});
