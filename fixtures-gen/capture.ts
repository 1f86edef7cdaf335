/**
 * Builds `heapgen-mt.c` with gcc, runs it and captures it with gdb's `gcore`
 * (Node only: tests and benchmarks). Returns the core and the program's truth
 * file, or the reason it cannot run here (no gcc, no gdb, ptrace refused…),
 * so that callers skip saying why instead of passing. With `footers`, the
 * generator runs under `footer-preload.c` (built as an LD_PRELOAD library), so
 * every malloc/calloc/realloc block carries a malloc_tracer footer.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { waitReady } from './ready.ts';

export const GEN_SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'heapgen-mt.c');
/** The LD_PRELOAD footer library's source (malloc_tracer's footer format). */
export const PRELOAD_SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'footer-preload.c');

export interface Captured {
  core: string;
  truth: string;
  pid: number;
  /** The generator executable that ran (with symbols: its functions name the footers' return addresses). */
  exe: string;
  /** The LD_PRELOAD footer library, when captured with `footers`. */
  preload?: string;
}

export interface TruthBlock {
  addr: number;
  /** Usable size (malloc_usable_size); NaN for freed blocks. */
  size: number;
  /** Size the allocator function asked for last (NaN in truth files of older generators). */
  requested: number;
  /** The generator function that allocated it: make_record, make_zeroed, trim_buffer or make_big. */
  func: string;
}

/**
 * Parses the truth file: held blocks (address, usable size, requested, function),
 * freed addresses and freed blocks, and `moved`: first blocks of trim_buffer
 * that realloc moved away (freed by realloc, in allocation order; the chunk
 * may have been reused by a later block).
 */
export function readTruth(path: string): { held: TruthBlock[]; freed: number[]; freedBlocks: TruthBlock[]; moved: TruthBlock[] } {
  const held: TruthBlock[] = [];
  const freed: number[] = [];
  const freedBlocks: TruthBlock[] = [];
  const moved: TruthBlock[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const f = line.split(' ');
    if (f[0] === 'U') held.push({ addr: parseInt(f[1], 16), size: parseInt(f[2], 16), requested: f[3] ? parseInt(f[3], 16) : NaN, func: f[4] ?? '' });
    else if (f[0] === 'F') {
      const addr = parseInt(f[1], 16);
      freed.push(addr);
      freedBlocks.push({ addr, size: NaN, requested: f[2] ? parseInt(f[2], 16) : NaN, func: f[3] ?? '' });
    } else if (f[0] === 'M') moved.push({ addr: parseInt(f[1], 16), size: NaN, requested: parseInt(f[2], 16), func: f[3] });
  }
  return { held, freed, freedBlocks, moved };
}

export interface CaptureOptions {
  /** Run the generator under the footer preload library (footer-preload.c). */
  footers?: boolean;
}

/** Runs the generator in `mode` and gcores it into `outDir`; `{ skip }` says why it could not. */
export async function captureFixture(outDir: string, mode: 'test' | 'bench', n = 2_500_000, opts: CaptureOptions = {}): Promise<Captured | { skip: string }> {
  mkdirSync(outDir, { recursive: true });
  for (const tool of ['gcc', 'gcore']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return { skip: `${tool} is not installed` };
  }
  const exe = join(outDir, 'heapgen-mt');
  const cc = spawnSync('gcc', ['-O1', '-pthread', '-o', exe, GEN_SOURCE], { encoding: 'utf8' });
  if (cc.status !== 0) return { skip: `gcc failed: ${cc.stderr}` };
  const env = { ...process.env };
  let preload: string | undefined;
  if (opts.footers) {
    preload = join(outDir, 'footer-preload.so');
    const so = spawnSync('gcc', ['-shared', '-fPIC', '-O2', '-o', preload, PRELOAD_SOURCE, '-ldl'], { encoding: 'utf8' });
    if (so.status !== 0) return { skip: `gcc could not build the footer preload library: ${so.stderr}` };
    env.LD_PRELOAD = preload;
  }
  const truth = join(outDir, `truth.${mode}.txt`);
  const child = spawn(exe, [mode, truth, String(n)], { stdio: ['pipe', 'pipe', 'inherit'], env });
  try {
    const pid = await waitReady(child, (code) => `generator exited with ${code} before it was ready`);
    const prefix = join(outDir, `core.${mode}`);
    for (const f of readdirSync(outDir)) if (f.startsWith(`core.${mode}.`)) rmSync(join(outDir, f));
    const g = spawnSync('gcore', ['-o', prefix, String(pid)], { encoding: 'utf8', timeout: 300_000 });
    const core = `${prefix}.${pid}`;
    if (g.status !== 0 || !existsSync(core)) {
      return { skip: `gcore could not capture the generator (ptrace not permitted here?): ${(g.stderr || g.stdout || '').trim().split('\n').slice(-2).join(' ')}` };
    }
    return { core, truth, pid, exe, preload };
  } finally {
    child.stdin!.end();
    child.kill('SIGTERM');
  }
}

/**
 * `path` gzip'd at `level` into `gz`, once: written to `<gz>.part` and renamed, so a run stopped half way never leaves
 * a truncated `.gz` that a later run would take as made (the benchmarks' and e2e's compressed cores).
 */
export async function gzipOnce(path: string, gz: string, level: number): Promise<string> {
  if (existsSync(gz)) return gz;
  mkdirSync(dirname(gz), { recursive: true });
  await pipeline(createReadStream(path), createGzip({ level }), createWriteStream(`${gz}.part`));
  renameSync(`${gz}.part`, gz);
  return gz;
}
