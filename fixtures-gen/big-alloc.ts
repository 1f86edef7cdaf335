/**
 * Builds and runs `big-alloc.c` (one 64 MiB allocation of pointer words) and gcores it (Node only: the inspector's
 * benchmark and e2e). Returns the core and the big block's address and requested size, or why it cannot run here
 * (no gcc or gcore, ptrace refused), so that callers skip saying why. The core is reused when `outDir` has one.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIG_ALLOC_SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'big-alloc.c');
/** The text the big block starts with. */
export const BIG_ALLOC_START = 'HEAPSCOPE-BIG-ALLOC-START';

export interface BigAllocCore {
  core: string;
  /** Address of the 64 MiB block (what malloc returned). */
  address: number;
  /** Bytes asked for (64 MiB); chap's size of the allocation is a little more (the mmapped chunk's usable size). */
  requested: number;
}

export async function captureBigAlloc(outDir: string): Promise<BigAllocCore | { skip: string }> {
  mkdirSync(outDir, { recursive: true });
  const info = join(outDir, 'big-alloc.json');
  if (existsSync(info)) {
    const got = JSON.parse(readFileSync(info, 'utf8')) as BigAllocCore;
    if (existsSync(got.core)) return got;
  }
  for (const tool of ['gcc', 'gcore']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return { skip: `${tool} is not installed` };
  }
  const exe = join(outDir, 'big-alloc');
  const cc = spawnSync('gcc', ['-O1', '-o', exe, BIG_ALLOC_SOURCE], { encoding: 'utf8' });
  if (cc.status !== 0) return { skip: `gcc failed: ${cc.stderr}` };
  const child = spawn(exe, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const { pid, address, requested } = await new Promise<{ pid: number; address: number; requested: number }>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /BIG ([0-9a-f]+) ([0-9a-f]+)\nREADY (\d+)/.exec(out);
        if (m) resolve({ address: parseInt(m[1], 16), requested: parseInt(m[2], 16), pid: Number(m[3]) });
      });
      child.on('exit', (code) => reject(new Error(`big-alloc exited with ${code} before it was ready`)));
    });
    for (const f of readdirSync(outDir)) if (f.startsWith('core.big-alloc.')) rmSync(join(outDir, f));
    const prefix = join(outDir, 'core.big-alloc');
    const g = spawnSync('gcore', ['-o', prefix, String(pid)], { encoding: 'utf8', timeout: 120_000 });
    const core = `${prefix}.${pid}`;
    if (g.status !== 0 || !existsSync(core)) {
      return { skip: `gcore could not capture big-alloc (ptrace not permitted here?): ${(g.stderr || g.stdout || '').trim().split('\n').slice(-2).join(' ')}` };
    }
    const got: BigAllocCore = { core, address, requested };
    writeFileSync(info, JSON.stringify(got));
    return got;
  } finally {
    child.stdin!.end();
    child.kill('SIGTERM');
  }
}
