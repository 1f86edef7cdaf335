/**
 * Seeds of the campaign, per target: small real inputs from `../shared` (chap's
 * own regression cores and lists, our heapgen/leakgen fixtures, real ELF
 * binaries), inputs made here by the real tools (CPython's tracemalloc, a
 * meliae-format dump of a CPython process, Debian's /usr/bin/true), the samples kept beside the readers
 * (`workers/logic/formats/<format>/`: a real glibc core and its executable, chap's own list, memory_profiler's runs), and a
 * few synthetic ones built in code, so the campaign reads real inputs even without `../shared`.
 * Saved analyses are made from the other seeds with `saveAnalysis`.
 *
 * Seeds are kept small (a case must run in milliseconds): cores of 0.7–1 MiB,
 * lists and dumps under ~1.5 MB.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { AllocationTableBuilder, AllocState } from '../src/model/allocations.ts';
import type { SavedAnalysis, SavedInput } from '../src/model/saved.ts';
import { readChapList } from '../workers/logic/formats/chap-list/chap-list.ts';
import { readMeliae } from '../workers/logic/formats/meliae/meliae.ts';
import { decodeTracemallocBytes } from '../workers/logic/formats/tracemalloc/tracemalloc.ts';
import { BytesSource } from '../workers/logic/io/source.ts';
import { saveAnalysis } from '../workers/logic/saved/serialize.ts';
import { openCore } from '../workers/logic/formats/elf/core-file.ts';
import { walkGlibcHeap } from '../workers/logic/heaps/glibc/glibc.ts';
import { findPython } from '../workers/logic/heaps/python/index.ts';
import { mprofRuns } from '../fixtures-gen/mprof-runs.ts';
import type { ChunkHint, SeedKind } from './mutate.ts';
import { concatBytes, oneLoadCoreHeader, tinyCore } from '../test-support/elf-core-writer.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SHARED = process.env.HEAPSCOPE_SHARED ?? resolve(ROOT, '..', 'shared');
/** The readers' samples, in the repository (`workers/logic/formats/README.md`). */
const FORMATS = join(ROOT, 'workers', 'logic', 'formats');
const sample = (path: string): Uint8Array => new Uint8Array(readFileSync(join(FORMATS, path)));

/** The readers the campaign drives (see `targets.ts`). */
export const TARGETS = ['chap-list', 'core', 'core-gzip', 'core-bzip2', 'glibc', 'python', 'tracemalloc', 'meliae', 'saved', 'elf-binary', 'mprof'] as const;

/**
 * Share of the campaign's cases a target gets (1 when not listed): a case of `python` reads a 24 MB CPython core and
 * walks glibc, obmalloc and every Python object (~1 s of CPU), so it gets a tenth of the others' cases.
 */
export const CASE_SHARE: Partial<Record<TargetName, number>> = { python: 0.1 };

/** Cases of `target` in a campaign of `cases` per target. */
export function casesOf(target: TargetName, cases: number): number {
  return Math.ceil(cases * (CASE_SHARE[target] ?? 1));
}
export type TargetName = (typeof TARGETS)[number];

export interface Seed {
  /** File name given to the reader. */
  name: string;
  kind: SeedKind;
  /** The seed's bytes (decoded, when `wrap` is set). */
  bytes: Uint8Array;
  /** Compression wrapped around `bytes` to make the input. */
  wrap?: 'gzip' | 'bzip2';
  /** Where it came from (for reports). */
  origin: string;
  /** Used heap chunks of a core seed (for the glibc walk's aimed mutations), or obmalloc's structures. */
  heap?: ChunkHint[];
  /** How often it is picked beside the target's other seeds (1 when not set): bombs cost seconds a case. */
  weight?: number;
  /** Refused as it is, with an InputError matching this (a bomb past the decode budget): what its cases test. */
  refused?: RegExp;
}

/** Up to 64 used chunks of the glibc heap of core `bytes`, with their file offsets. */
async function heapHints(name: string, bytes: Uint8Array): Promise<ChunkHint[]> {
  try {
    const core = await openCore(new BytesSource(name, bytes));
    const heap = await walkGlibcHeap(core);
    const out: ChunkHint[] = [];
    const t = heap.table;
    const step = Math.max(1, Math.floor(t.rows / 64));
    for (let i = 0; i < t.rows && out.length < 64; i += step) {
      const chunk = t.addrHi[i] * 4294967296 + t.addrLo[i] - 16;
      const seg = core.segments.find((s) => chunk >= s.vaddr && chunk + 16 <= s.vaddr + s.filesz);
      if (seg) out.push({ fileOffset: seg.fileOffset + (chunk - seg.vaddr), vaddr: chunk });
    }
    await core.close();
    return out;
  } catch {
    return [];
  }
}

/**
 * Up to 64 of obmalloc's structures in CPython core `bytes`, with their file offsets: the arena array's pointer, the
 * arena_objects, and pool headers spread over the arenas (for the `python` target's aimed mutations).
 */
async function obmallocHints(name: string, bytes: Uint8Array): Promise<ChunkHint[]> {
  try {
    const core = await openCore(new BytesSource(name, bytes));
    const py = await findPython(core);
    await core.close();
    if ('absent' in py) return [];
    const { info } = py.detail.obmalloc;
    const at: number[] = [info.arrayPointer, ...info.arenaStructs.slice(0, 16)];
    const pools = info.arenaSize / info.poolSize;
    for (let k = 0; at.length < 64 && k < 64; k++) {
      const arena = info.arenas[k % info.arenas.length];
      at.push(arena + Math.floor((k * 7919) % pools) * info.poolSize);
    }
    const out: ChunkHint[] = [];
    for (const vaddr of at) {
      const seg = core.segments.find((s) => vaddr >= s.vaddr && vaddr + 48 <= s.vaddr + s.filesz);
      if (seg) out.push({ fileOffset: seg.fileOffset + (vaddr - seg.vaddr), vaddr });
    }
    return out;
  } catch {
    return [];
  }
}

/**
 * Issue 13's decompression bombs, small: a bzip2 core (one ELF page, then bzip2 streams of 45 MB runs of 1 and 0)
 * declaring 1.3 GB, refused at the decode budget after 256 MiB; a gzip core (one page, then 4 gzip members of
 * 64 MiB of 1, deflate's best 1032:1) of 256 MiB, read in bounded memory. Mutated in their compressed bytes.
 */
export function bombSeeds(): { gzip: Seed; bzip2: Seed | null } {
  const RUN = 45_000_000;
  const ones = bzip2(new Uint8Array(RUN).fill(1));
  const zeros = bzip2(new Uint8Array(RUN));
  const n = 30;
  const bz = ones && zeros ? concatBytes([bzip2(oneLoadCoreHeader(n * RUN))!, ...Array.from({ length: n }, (_, i) => (i % 2 ? zeros : ones))]) : null;
  const run = new Uint8Array(gzipSync(new Uint8Array(64 << 20).fill(1), { level: 9 }));
  const gz = concatBytes([new Uint8Array(gzipSync(oneLoadCoreHeader(4 * (64 << 20)))), run, run, run, run]);
  return {
    gzip: { name: 'bomb.core.gz', kind: 'binary', bytes: gz, weight: 0.08, origin: 'built: gzip members of runs, 256 MiB decoded from ~1 MB' },
    bzip2: bz && { name: 'bomb.core.bz2', kind: 'binary', bytes: bz, weight: 0.08, refused: /refused as a decompression bomb/, origin: 'built: bzip2 streams of runs, 1.3 GB declared in ~2 KB' },
  };
}

/** A small mprof run file as memory_profiler writes it (CMDLINE, MEM samples, FUNC spans, a CHLD series). */
function syntheticMprof(): Uint8Array {
  let t = 'CMDLINE python3 work.py\n';
  for (let i = 0; i < 200; i++) {
    t += `MEM ${(20 + Math.sin(i / 9) * 5 + i / 10).toFixed(6)} ${(1764633600 + i * 0.02).toFixed(4)}\n`;
    if (i % 50 === 10) t += `FUNC __main__.build ${(21 + i / 10).toFixed(4)} ${(1764633600 + i * 0.02).toFixed(4)} ${(25 + i / 10).toFixed(4)} ${(1764633600 + i * 0.02 + 0.5).toFixed(4)} ${i % 3}\n`;
    if (i % 7 === 0) t += `CHLD 4242 ${(5 + i / 40).toFixed(6)} ${(1764633600 + i * 0.02).toFixed(4)}\n`;
  }
  return enc.encode(t);
}

export interface SeedSet {
  seeds: Partial<Record<TargetName, Seed[]>>;
  /** Targets or seed groups left out, with the reason. */
  notes: string[];
}

const enc = new TextEncoder();

function shared(path: string): Uint8Array | null {
  const p = join(SHARED, path);
  return existsSync(p) ? new Uint8Array(readFileSync(p)) : null;
}

/** Compresses with the bzip2 command (Debian's bzip2 package), or null without it. */
export function bzip2(bytes: Uint8Array): Uint8Array | null {
  const r = spawnSync('bzip2', ['-c', '-9'], { input: bytes, maxBuffer: 1 << 30 });
  if (r.error || r.status !== 0) return null;
  return new Uint8Array(r.stdout);
}

/** `bzip2 -1` without blocking the event loop (the campaign compresses a case while children run others). */
export function bzip2Async(bytes: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const p = spawn('bzip2', ['-c', '-1'], { stdio: ['pipe', 'pipe', 'ignore'] });
    const out: Buffer[] = [];
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(new Uint8Array(Buffer.concat(out))) : reject(new Error(`bzip2 exited with ${code}`))));
    p.stdin.end(bytes);
  });
}

/** A minimal ELF64 x86-64 core: a PRSTATUS note and one writable PT_LOAD of patterned bytes. */
export function syntheticCore(): Uint8Array {
  const data = new Uint8Array(16384);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
  return tinyCore(data, 0x10000, { rip: 0 });
}

function syntheticList(): Uint8Array {
  const lines: string[] = [];
  let bytes = 0;
  for (let i = 0; i < 200; i++) {
    const size = 0x18 + (i % 9) * 0x10;
    bytes += size;
    lines.push(`${i % 5 === 0 ? 'Free' : 'Used'} allocation at 5574cccbc${(0x10 + i * 0x40).toString(16).padStart(3, '0')} of size ${size.toString(16)}`);
    if (i % 3 === 0) lines.push('... with signature 7fc696ce0db8(widgets::Rect)');
    if (i % 7 === 0) lines.push('This allocation matches pattern DequeBlock.');
    lines.push('');
  }
  lines.push(`200 allocations use 0x${bytes.toString(16)} (${bytes.toLocaleString('en-US')}) bytes.`);
  return enc.encode(`${lines.join('\n')}\n`);
}

function syntheticMeliae(): Uint8Array {
  const lines: string[] = [];
  for (let i = 0; i < 300; i++) {
    const refs = [1000 + ((i * 7) % 300), 1000 + ((i * 13) % 300)];
    lines.push(`{"address": ${1000 + i}, "type": "${i % 3 ? 'str' : 'dict'}", "size": ${40 + i}, "len": ${i % 11}, "value": "v\\u00e9${i}", "refs": [${refs.join(', ')}]}`);
  }
  return enc.encode(`${lines.join('\n')}\n`);
}

/** A tracemalloc snapshot pickle built by hand (one trace). */
function syntheticPickle(): Uint8Array {
  const sbu = (s: string): number[] => [0x8c, s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
  return Uint8Array.from([
    0x80, 4,
    ...sbu('tracemalloc'), ...sbu('Snapshot'), 0x93, 0x94, 0x29, 0x81, 0x94,
    0x7d, 0x94, ...sbu('traces'),
    ...sbu('tracemalloc'), ...sbu('_Traces'), 0x93, 0x29, 0x81,
    0x7d, ...sbu('_traces'),
    0x5d, 0x28,
    0x28, 0x4b, 0, 0x4b, 56, ...sbu('a.py'), 0x4b, 3, 0x86, 0x94, 0x85, 0x4b, 1, 0x74, 0x94,
    0x28, 0x4b, 0, 0x4d, 0, 1, 0x68, 3, 0x68, 3, 0x86, 0x4b, 2, 0x74,
    0x65, 0x73, 0x62,
    0x73, ...sbu('traceback_limit'), 0x4b, 4, 0x73, 0x62, 0x2e,
  ]);
}

/** Runs a python script text with `python`, returning stdout bytes written to `out`, or null. */
function python(exe: string, script: string, out: string): Uint8Array | null {
  const r = spawnSync(exe, ['-c', script, out], { encoding: 'utf8', timeout: 60_000 });
  if (r.error || r.status !== 0 || !existsSync(out)) return null;
  return new Uint8Array(readFileSync(out));
}

const TRACEMALLOC_SCRIPT = `
import sys, tracemalloc
tracemalloc.start(8)
items = [("item-%d" % i) * 3 for i in range(400)]
table = {i: [i] * (i % 7) for i in range(300)}
tracemalloc.take_snapshot().dump(sys.argv[1])
`;

/** Seeds made with CPython (tracemalloc) and the meliae-format dumper, cached in `cache`. */
function pythonSeeds(cache: string, notes: string[]): { tracemalloc: Seed[]; meliae: Seed[] } {
  const out = { tracemalloc: [] as Seed[], meliae: [] as Seed[] };
  const pys = ['python3', join(process.env.HOME ?? '/root', '.pyenv/versions/3.8.18/bin/python3')].filter((p, i) => i === 0 || existsSync(p));
  for (const exe of pys) {
    const tag = createHash('sha256').update(exe).update(TRACEMALLOC_SCRIPT).digest('hex').slice(0, 12);
    const file = join(cache, `small-${tag}.tracemalloc`);
    const bytes = existsSync(file) ? new Uint8Array(readFileSync(file)) : python(exe, TRACEMALLOC_SCRIPT, file);
    if (bytes) out.tracemalloc.push({ name: 'small.tracemalloc', kind: 'pickle', bytes, origin: `${exe}: tracemalloc.take_snapshot().dump()` });
    else notes.push(`tracemalloc seed from ${exe}: could not run it`);
  }
  const maker = join(ROOT, 'fixtures-gen/python/make_meliae.py');
  const file = join(cache, `meliae-${createHash('sha256').update(readFileSync(maker)).digest('hex').slice(0, 12)}.json`);
  if (!existsSync(file)) spawnSync('python3', [maker, file], { timeout: 120_000 });
  if (existsSync(file)) {
    // The first 1,500 objects (later references dangle, as in a partial dump).
    const text = readFileSync(file, 'utf8').split('\n').slice(0, 1500).join('\n');
    out.meliae.push({ name: 'python.meliae.json', kind: 'text', bytes: enc.encode(`${text}\n`), origin: 'fixtures-gen/python/make_meliae.py (first 1,500 objects)' });
  } else notes.push('meliae seed: fixtures-gen/python/make_meliae.py could not run');
  return out;
}

/** Saved analyses made from the other seeds (what the Save and Share buttons write). */
async function savedSeeds(s: SeedSet['seeds']): Promise<Seed[]> {
  const inputs: SavedInput[] = [];
  for (const seed of (s['chap-list'] ?? []).slice(0, 2)) {
    const r = await readChapList(new BytesSource(seed.name, seed.wrap === 'gzip' ? gzipSync(seed.bytes) : seed.bytes));
    inputs.push({ name: seed.name, format: 'chap-list', size: seed.bytes.length, rows: r.table.rows, table: r.table, info: { tallies: r.tallies as never } });
  }
  const tm = (s.tracemalloc ?? [])[0];
  if (tm) {
    const r = decodeTracemallocBytes(tm.name, tm.bytes);
    inputs.push({ name: tm.name, format: 'tracemalloc', size: tm.bytes.length, rows: r.snapshot.traces.rows, table: r.table, tracemalloc: r.snapshot });
  }
  const me = (s.meliae ?? [])[0];
  if (me) {
    const r = await readMeliae(new BytesSource(me.name, me.bytes));
    inputs.push({ name: me.name, format: 'meliae', size: me.bytes.length, rows: r.table.rows, table: r.table, objects: r.objects });
  }
  // A chap list with a footer attribution (sites and per-row columns), built by hand.
  const b = new AllocationTableBuilder();
  for (let i = 0; i < 64; i++) b.add(0x5574, 0x1000 + i * 64, 48, i % 9 ? AllocState.Used : AllocState.Free);
  const t = b.freeze();
  const names = enc.encode('libwidgets.somake_shape');
  const sites = { rows: 2, addr: new Float64Array([0x7f0012345678, 0x401234]), lib: new Uint32Array([0, 0]), func: new Uint32Array([1, 1]), offset: new Float64Array([0x18, 0x34]), exec: new Uint8Array([1, 1]), strings: { bytes: names, offsets: new Uint32Array([0, 13, 23]) } };
  const rowSite = Uint32Array.from({ length: 64 }, (_, i) => i % 3);
  const rowRequested = Float64Array.from({ length: 64 }, (_, i) => (i % 3 ? 20 + i : NaN));
  inputs.push({ name: 'core.list_used', format: 'chap-list', size: 4096, rows: 64, table: t, attribution: { sites, rowSite, rowRequested } });
  const out: Seed[] = [];
  for (const inp of inputs) {
    const a: SavedAnalysis = { name: `saved ${inp.name}`, created: '2026-12-02T00:00:00.000Z', view: { v: 1, view: 'flame' }, inputs: [inp] };
    out.push({ name: `${inp.name}.heapscope`, kind: 'saved', bytes: await saveAnalysis(a), origin: `saveAnalysis of ${inp.name}` });
  }
  return out;
}

/** Gathers every target's seeds (python-made ones cached in `cache`). */
export async function gatherSeeds(cache = join(tmpdir(), 'heapscope-fuzz-seeds')): Promise<SeedSet> {
  mkdirSync(cache, { recursive: true });
  const notes: string[] = [];
  const seeds: SeedSet['seeds'] = {};
  const add = (t: TargetName, s: Seed | null): void => {
    if (s) (seeds[t] ??= []).push(s);
  };
  const haveShared = existsSync(SHARED);
  if (!haveShared) notes.push(`${SHARED} is absent: only the samples of workers/logic/formats/, the generated and the synthetic seeds are used`);

  // chap lists
  const list = (path: string, name: string): Seed | null => {
    const b = shared(path);
    return b ? { name, kind: 'text', bytes: b, origin: `../shared/${path}` } : null;
  };
  add('chap-list', list('fixtures/heapgen/core.phase2.list_free', 'core.phase2.list_free'));
  add('chap-list', list('fixtures/leakgen/core.ref.list_leaked', 'core.ref.list_leaked'));
  add('chap-list', list('peer/chap-suite/ELF64/DequePatternTest/core.14644.ref.list_used', 'core.14644.ref.list_used'));
  const lz = shared('fixtures/leakgen/tcmalloc/core.ref.list_free.gz');
  if (lz) add('chap-list', { name: 'tcmalloc.list_free.gz', kind: 'text', bytes: new Uint8Array(execFileSync('gzip', ['-dc'], { input: lz })), wrap: 'gzip', origin: '../shared/fixtures/leakgen/tcmalloc/core.ref.list_free.gz' });
  add('chap-list', { name: 'heapgen-phase1.list_free', kind: 'text', bytes: sample('chap-list/heapgen-phase1.list_free'), origin: 'workers/logic/formats/chap-list/' });
  add('chap-list', { name: 'synthetic.list_used', kind: 'text', bytes: syntheticList(), origin: 'synthetic' });

  // cores: two small cores from chap's suite, the core sample (a gcore of fixtures-gen/sample-heap.c), a synthetic one
  const cores: Seed[] = [];
  for (const p of ['peer/chap-suite/ELF64/HasSymbols_CoreHasMangledTypeNames_NoSymdefs/core.34218', 'peer/chap-suite/ELF64/LongStringTest/core.26368']) {
    const b = shared(p);
    if (b) cores.push({ name: p.split('/').pop()!, kind: 'elf', bytes: b, origin: `../shared/${p}` });
  }
  cores.push({ name: 'sample-heap.core', kind: 'elf', bytes: new Uint8Array(gunzipSync(sample('core/sample-heap.core.gz'))), origin: 'workers/logic/formats/core/sample-heap.core.gz (decoded)' });
  cores.push({ name: 'synthetic.core', kind: 'elf', bytes: syntheticCore(), origin: 'synthetic' });
  seeds.core = cores;
  seeds.glibc = await Promise.all(cores.map(async (c) => ({ ...c, kind: 'heap' as const, heap: await heapHints(c.name, c.bytes) })));
  seeds['core-gzip'] = cores.map((c) => ({ ...c, name: `${c.name}.gz`, wrap: 'gzip' as const }));
  if (bzip2(new Uint8Array(16))) seeds['core-bzip2'] = cores.map((c) => ({ ...c, name: `${c.name}.bz2`, wrap: 'bzip2' as const }));
  else notes.push('core-bzip2: no bzip2 command to make bzip2 seeds (apt-get install bzip2)');
  const bombs = bombSeeds();
  seeds['core-gzip'].push(bombs.gzip);
  if (bombs.bzip2) seeds['core-bzip2']?.push(bombs.bzip2);

  // CPython cores (glibc + obmalloc + every Python object): 3.12 and 2.7, about 24 MB each decoded
  for (const v of ['py3.12.1', 'py2.7.18']) {
    const gz = shared(`fixtures/python-core/${v}/core.gz`);
    if (!gz) continue;
    const bytes = new Uint8Array(execFileSync('gzip', ['-dc'], { input: gz, maxBuffer: 1 << 28 }));
    const name = `${v}.core`;
    add('python', { name, kind: 'obmalloc', bytes, origin: `../shared/fixtures/python-core/${v}/core.gz (decoded)`, heap: await obmallocHints(name, bytes) });
  }
  if (!seeds.python) notes.push('python: no CPython core in ../shared/fixtures/python-core: the target is left out');

  // tracemalloc and meliae
  const py = pythonSeeds(cache, notes);
  seeds.tracemalloc = [...py.tracemalloc, { name: 'synthetic.tracemalloc', kind: 'pickle', bytes: syntheticPickle(), origin: 'synthetic' }];
  seeds.meliae = [...py.meliae, { name: 'synthetic.meliae.json', kind: 'text', bytes: syntheticMeliae(), origin: 'synthetic' }];
  seeds.saved = await savedSeeds(seeds);

  // mprof runs: memory_profiler's own (Debian's python3-memory-profiler), else the two it wrote that are kept in
  // workers/logic/formats/mprof/; and a synthetic one
  try {
    const runs = mprofRuns();
    if ('skip' in runs) notes.push(`mprof seeds from memory_profiler: ${runs.skip}; its runs kept in workers/logic/formats/mprof/ are used`);
    else for (const k of ['funcs', 'children'] as const) add('mprof', { name: `${k}.dat`, kind: 'text', bytes: new Uint8Array(readFileSync(runs[k])), origin: `fixtures-gen/mprof-runs.ts (${k}.dat)` });
  } catch (e) {
    notes.push(`mprof seeds from memory_profiler: ${(e as Error).message.split('\n')[0]}; its runs kept in workers/logic/formats/mprof/ are used`);
  }
  if (!seeds.mprof) for (const f of ['sample-funcs.dat', 'sample-children.dat']) add('mprof', { name: f, kind: 'text', bytes: sample(`mprof/${f}`), origin: 'workers/logic/formats/mprof/' });
  add('mprof', { name: 'synthetic.dat', kind: 'text', bytes: syntheticMprof(), origin: 'synthetic' });

  // ELF binaries
  for (const p of ['fixtures/heapgen/libwidgets.so', 'fixtures/leakgen/leakgen']) add('elf-binary', (() => {
    const b = shared(p);
    return b ? { name: p.split('/').pop()!, kind: 'elf' as const, bytes: b, origin: `../shared/${p}` } : null;
  })());
  add('elf-binary', { name: 'sample-heap', kind: 'elf', bytes: sample('elf/sample-heap'), origin: 'workers/logic/formats/elf/' });
  if (existsSync('/usr/bin/true')) add('elf-binary', { name: 'true', kind: 'elf', bytes: new Uint8Array(readFileSync('/usr/bin/true')), origin: '/usr/bin/true' });
  return { seeds, notes };
}

/** Writes `bytes` to `path` (creating its folder). */
export function writeBytes(path: string, bytes: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}
