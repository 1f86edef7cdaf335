/**
 * Builds `heapgen-mt.c` with gcc, runs it and captures it with gdb's `gcore`
 * (Node only: tests and benchmarks). Returns the core and the program's truth
 * file, or the reason it cannot run here (no gcc, no gdb, ptrace refused…),
 * so that callers skip saying why instead of passing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const GEN_SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'heapgen-mt.c');

export interface Captured {
  core: string;
  truth: string;
  pid: number;
}

export interface TruthBlock {
  addr: number;
  size: number;
}

/** Parses the truth file: held blocks (address, usable size) and freed addresses. */
export function readTruth(path: string): { held: TruthBlock[]; freed: number[] } {
  const held: TruthBlock[] = [];
  const freed: number[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const [k, a, s] = line.split(' ');
    if (k === 'U') held.push({ addr: parseInt(a, 16), size: parseInt(s, 16) });
    else if (k === 'F') freed.push(parseInt(a, 16));
  }
  return { held, freed };
}

/** Runs the generator in `mode` and gcores it into `outDir`; `{ skip }` says why it could not. */
export async function captureFixture(outDir: string, mode: 'test' | 'bench', n = 2_500_000): Promise<Captured | { skip: string }> {
  mkdirSync(outDir, { recursive: true });
  for (const tool of ['gcc', 'gcore']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return { skip: `${tool} is not installed` };
  }
  const exe = join(outDir, 'heapgen-mt');
  const cc = spawnSync('gcc', ['-O1', '-pthread', '-o', exe, GEN_SOURCE], { encoding: 'utf8' });
  if (cc.status !== 0) return { skip: `gcc failed: ${cc.stderr}` };
  const truth = join(outDir, `truth.${mode}.txt`);
  const child = spawn(exe, [mode, truth, String(n)], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /READY (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.on('exit', (code) => reject(new Error(`generator exited with ${code} before it was ready`)));
    });
    const prefix = join(outDir, `core.${mode}`);
    for (const f of readdirSync(outDir)) if (f.startsWith(`core.${mode}.`)) rmSync(join(outDir, f));
    const g = spawnSync('gcore', ['-o', prefix, String(pid)], { encoding: 'utf8', timeout: 300_000 });
    const core = `${prefix}.${pid}`;
    if (g.status !== 0 || !existsSync(core)) {
      return { skip: `gcore could not capture the generator (ptrace not permitted here?): ${(g.stderr || g.stdout || '').trim().split('\n').slice(-2).join(' ')}` };
    }
    return { core, truth, pid };
  } finally {
    child.stdin!.end();
    child.kill('SIGTERM');
  }
}
