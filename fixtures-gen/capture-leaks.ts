/**
 * Builds `leakshapes.cpp` with g++, runs it and captures it with gdb's `gcore`
 * (Node only: tests). Returns the core and the program's truth (what it leaked
 * and how it anchored the rest, by construction), or the reason it cannot run
 * here (no g++, no gcore, ptrace refused…), so that callers skip saying why.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitReady } from './ready.ts';

export const LEAKSHAPES_SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'leakshapes.cpp');

export type ShapeKind = 'unreferenced' | 'leaked' | 'static' | 'stack' | 'register';

export interface ShapeTruth {
  kind: ShapeKind;
  addr: number;
  size: number;
}

export interface CapturedLeaks {
  core: string;
  exe: string;
  truth: ShapeTruth[];
}

export function readShapeTruth(path: string): ShapeTruth[] {
  const out: ShapeTruth[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const f = line.trim().split(' ');
    if (f.length === 3) out.push({ kind: f[0] as ShapeKind, addr: parseInt(f[1], 16), size: parseInt(f[2], 16) });
  }
  return out;
}

export async function captureLeakShapes(outDir: string): Promise<CapturedLeaks | { skip: string }> {
  mkdirSync(outDir, { recursive: true });
  for (const tool of ['g++', 'gcore']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return { skip: `${tool} is not installed` };
  }
  const exe = join(outDir, 'leakshapes');
  const cc = spawnSync('g++', ['-O1', '-g', '-pthread', '-o', exe, LEAKSHAPES_SOURCE], { encoding: 'utf8' });
  if (cc.status !== 0) return { skip: `g++ failed: ${cc.stderr}` };
  const truthFile = join(outDir, 'leakshapes.truth');
  const child = spawn(exe, [truthFile], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const pid = await waitReady(child, (code) => `leakshapes exited with ${code} before it was ready`);
    const prefix = join(outDir, 'core.leakshapes');
    for (const f of readdirSync(outDir)) if (f.startsWith('core.leakshapes.')) rmSync(join(outDir, f));
    const g = spawnSync('gcore', ['-o', prefix, String(pid)], { encoding: 'utf8', timeout: 120_000 });
    const core = `${prefix}.${pid}`;
    if (g.status !== 0 || !existsSync(core)) {
      return { skip: `gcore could not capture leakshapes (ptrace not permitted here?): ${(g.stderr || g.stdout || '').trim().split('\n').slice(-2).join(' ')}` };
    }
    return { core, exe, truth: readShapeTruth(truthFile) };
  } finally {
    child.stdin!.end();
    child.kill('SIGTERM');
  }
}
