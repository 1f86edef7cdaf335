/**
 * Cores of CPython processes made on this machine (Node only: tests and
 * benchmarks): `fixtures-gen/python/python_core.py` runs under each pyenv CPython
 * in ~/.pyenv/versions (2.7, 3.6–3.13), writes its census, and is captured with
 * gdb's `gcore`. Cores are cached in fixtures-gen/out/python-cores/<version>/
 * (gitignored), keyed by the script's content, so each is made once.
 * Returns the reason instead when a version, gdb or ptrace is missing, so
 * that tests skip saying why.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitReady } from './ready.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
export const PYTHON_CORE_SCRIPT = join(HERE, 'python', 'python_core.py');
export const PYTHON_CORES_DIR = join(HERE, 'out', 'python-cores');
export const PYENV_VERSIONS = join(process.env.PYENV_ROOT ?? join(homedir(), '.pyenv'), 'versions');

export interface PythonCensus {
  version: string;
  types: Record<string, number>;
  phase?: number;
  /** gc.get_freeze_count(): tracked objects in the permanent generation, which gc.get_objects() omits. */
  frozen?: number;
  counts: { sessions: number; points: number; legacy: number; ints: number; floats: number };
  sizes: Record<string, number>;
}

export interface PythonCore {
  version: string;
  core: string;
  census: PythonCensus;
  python: string;
}

/** pyenv CPython versions installed here (2.7.x, 3.x.y), sorted. */
export function pyenvVersions(): string[] {
  if (!existsSync(PYENV_VERSIONS)) return [];
  return readdirSync(PYENV_VERSIONS)
    .filter((v) => /^[23]\.\d+\.\d+$/.test(v) && existsSync(pythonOf(v)))
    .sort((a, b) => a.split('.').map(Number).reduce((d, x, i) => d || x - Number(b.split('.')[i]), 0));
}

function pythonOf(version: string): string {
  const bin = join(PYENV_VERSIONS, version, 'bin');
  const major = version.split('.')[0];
  return existsSync(join(bin, `python${major}`)) ? join(bin, `python${major}`) : join(bin, 'python');
}

/** Makes (or reuses) the core of `python_core.py` under pyenv's `version`. */
export async function pythonCore(version: string, phase: 1 | 2 = 1): Promise<PythonCore | { skip: string }> {
  const python = pythonOf(version);
  if (!existsSync(python)) return { skip: `CPython ${version} is not installed under ${PYENV_VERSIONS}` };
  if (spawnSync('sh', ['-c', 'command -v gcore']).status !== 0) return { skip: 'gcore (gdb) is not installed' };
  const key = createHash('sha256').update(readFileSync(PYTHON_CORE_SCRIPT)).update(version).digest('hex').slice(0, 12);
  const dir = join(PYTHON_CORES_DIR, `${version}-${key}${phase === 2 ? '-phase2' : ''}`);
  const core = join(dir, 'core');
  const censusPath = join(dir, 'census.json');
  if (!existsSync(core) || !existsSync(censusPath)) {
    const work = `${dir}.tmp-${process.pid}`;
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const child = spawn(python, [PYTHON_CORE_SCRIPT, join(work, 'census.json'), String(phase)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    try {
      const pid = await waitReady(child, (code) => `python ${version} exited with ${code} before it was ready: ${err.trim()}`);
      const g = spawnSync('gcore', ['-o', join(work, 'core'), String(pid)], { encoding: 'utf8', timeout: 120_000 });
      const made = join(work, `core.${pid}`);
      if (g.status !== 0 || !existsSync(made)) {
        return { skip: `gcore could not capture CPython ${version} (ptrace not permitted here?): ${(g.stderr || g.stdout || '').trim().split('\n').slice(-2).join(' ')}` };
      }
      renameSync(made, join(work, 'core'));
    } finally {
      child.stdin!.end();
      child.kill('SIGKILL');
    }
    try {
      mkdirSync(dirname(dir), { recursive: true });
      renameSync(work, dir);
    } catch {
      rmSync(work, { recursive: true, force: true }); // another test process made it first
    }
  }
  return { version, core, census: JSON.parse(readFileSync(censusPath, 'utf8')) as PythonCensus, python };
}
