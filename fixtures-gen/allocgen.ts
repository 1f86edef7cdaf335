/**
 * Builds and runs `allocgen.cpp` for one target and returns its core and its
 * truth (Node only: tests). Targets:
 * - `x86-64`: this machine's glibc;
 * - `i386`: `g++ -m32` (Debian's g++-multilib) or, where that cannot be
 *   installed beside the aarch64 cross compiler (Debian 12's gcc-multilib
 *   conflicts with it), Debian's i686 cross compiler with its own ld.so; run natively;
 * - `aarch64`: `aarch64-linux-gnu-g++`, run under `qemu-aarch64`, which writes
 *   the core in the guest's format when the guest aborts;
 * - `tcmalloc`, `jemalloc`: this machine's glibc with Debian's
 *   libgoogle-perftools4 / libjemalloc2 as LD_PRELOAD.
 * Missing tools are installed with `scripts/ensure-fixture-tools.sh` (apt-get);
 * when that cannot be done the result says why, so tests skip saying so.
 * Built fixtures are cached in `fixtures-gen/cache/` (gitignored), keyed by
 * the generator's source, the target and the run parameters.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const ALLOCGEN_SOURCE = join(HERE, 'allocgen.cpp');
const CACHE = join(HERE, 'cache');
const ENSURE = join(HERE, '..', 'scripts', 'ensure-fixture-tools.sh');

export type AllocTarget = 'x86-64' | 'i386' | 'aarch64' | 'tcmalloc' | 'jemalloc';

export interface AllocFixture {
  core: string;
  truth: string;
  exe: string;
  target: AllocTarget;
  /** How it was built and run, e.g. "i686-linux-gnu-g++, native". */
  how: string;
}

export interface AllocTruth {
  live: { addr: number; size: number }[];
  freed: number[];
}

export function readAllocTruth(path: string): AllocTruth {
  const live: AllocTruth['live'] = [];
  const freed: number[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const f = line.split(' ');
    if (f[0] === 'U') live.push({ addr: parseInt(f[1], 16), size: parseInt(f[2], 16) });
    else if (f[0] === 'F') freed.push(parseInt(f[1], 16));
  }
  return { live, freed };
}

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const works = (cmd: string[], input = ''): boolean => spawnSync(cmd[0], cmd.slice(1), { input, encoding: 'utf8' }).status === 0;

function ensure(what: string): string | null {
  const r = spawnSync('bash', [ENSURE, what], { encoding: 'utf8', timeout: 900_000 });
  return r.status === 0 ? null : (r.stdout + r.stderr).trim().split('\n').slice(-2).join(' ') || `could not install the tools for ${what}`;
}

interface Recipe {
  compile: string[];
  run: (exe: string, args: string[]) => string[];
  env?: Record<string, string>;
  how: string;
}

const LIBS = '/usr/lib/x86_64-linux-gnu';

function recipe(target: AllocTarget, exe: string): Recipe | { skip: string } {
  const base = ['-O1', '-g', '-pthread', '-o', exe, ALLOCGEN_SOURCE];
  const native = (e: string, a: string[]): string[] => [e, ...a];
  switch (target) {
    case 'x86-64':
      if (!has('g++')) return { skip: 'g++ is not installed' };
      return { compile: ['g++', ...base], run: native, how: 'g++, native' };
    case 'tcmalloc':
    case 'jemalloc': {
      if (!has('g++')) return { skip: 'g++ is not installed' };
      const lib = target === 'tcmalloc' ? `${LIBS}/libtcmalloc.so.4` : `${LIBS}/libjemalloc.so.2`;
      if (!existsSync(lib)) {
        const why = ensure(target);
        if (why || !existsSync(lib)) return { skip: `${lib} is missing (${target === 'tcmalloc' ? 'libgoogle-perftools4' : 'libjemalloc2'}): ${why ?? 'not installed'}` };
      }
      return { compile: ['g++', ...base], run: native, env: { LD_PRELOAD: lib }, how: `g++, native, LD_PRELOAD=${lib}` };
    }
    case 'i386': {
      const probe = (): Recipe | null => {
        if (has('g++') && works(['g++', '-m32', '-x', 'c++', '-o', '/dev/null', '-'], 'int main(){}')) return { compile: ['g++', '-m32', ...base], run: native, how: 'g++ -m32, native' };
        if (has('i686-linux-gnu-g++')) {
          const sys = '/usr/i686-linux-gnu/lib';
          return { compile: ['i686-linux-gnu-g++', ...base, `-Wl,--dynamic-linker=${sys}/ld-linux.so.2`, `-Wl,--disable-new-dtags,-rpath,${sys}`], run: native, how: 'i686-linux-gnu-g++, native' };
        }
        return null;
      };
      const r = probe() ?? (ensure('i386') === null ? probe() : null);
      return r ?? { skip: 'no i386 C++ compiler (g++-multilib or g++-i686-linux-gnu) could be installed' };
    }
    case 'aarch64': {
      const ok = (): boolean => has('aarch64-linux-gnu-g++') && has('qemu-aarch64');
      if (!ok()) {
        const why = ensure('aarch64');
        if (why || !ok()) return { skip: `aarch64-linux-gnu-g++ and qemu-aarch64 are needed (g++-aarch64-linux-gnu, qemu-user): ${why ?? 'not installed'}` };
      }
      return { compile: ['aarch64-linux-gnu-g++', ...base], run: (e, a) => ['qemu-aarch64', '-L', '/usr/aarch64-linux-gnu', e, ...a], how: 'aarch64-linux-gnu-g++, qemu-aarch64' };
    }
  }
}

/**
 * The core and truth of `allocgen N THREADS` on `target`, built once and cached.
 */
export async function allocFixture(target: AllocTarget, n = 600, threads = 3): Promise<AllocFixture | { skip: string }> {
  const key = createHash('sha256').update(readFileSync(ALLOCGEN_SOURCE)).update(`${target} ${n} ${threads} v1`).digest('hex').slice(0, 16);
  const dir = join(CACHE, `${target}-${key}`);
  const meta = join(dir, 'fixture.json');
  if (existsSync(meta)) {
    const f = JSON.parse(readFileSync(meta, 'utf8')) as AllocFixture;
    if (existsSync(f.core) && existsSync(f.truth)) return f;
  }
  rmSync(dir, { recursive: true, force: true });
  const work = `${dir}.tmp${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const exe = join(work, 'allocgen');
  const r = recipe(target, exe);
  if ('skip' in r) return r;
  const cc = spawnSync(r.compile[0], r.compile.slice(1), { encoding: 'utf8' });
  if (cc.status !== 0) return { skip: `${r.compile[0]} failed: ${cc.stderr.trim().split('\n').slice(-3).join(' ')}` };
  const truth = join(work, 'truth.txt');
  // The kernel writes native cores as `core` in the working directory when core_pattern is a plain name;
  // qemu-user writes the guest's core itself (a directory named `core` keeps the kernel from also dumping qemu).
  const pattern = existsSync('/proc/sys/kernel/core_pattern') ? readFileSync('/proc/sys/kernel/core_pattern', 'utf8').trim() : '';
  const viaQemu = target === 'aarch64';
  const kernelCore = !viaQemu && /^core[^/|%]*$/.test(pattern);
  if (viaQemu) mkdirSync(join(work, 'core'));
  const mode = viaQemu || kernelCore ? 'abort' : 'wait';
  if (mode === 'wait' && !has('gcore')) return { skip: `core_pattern is "${pattern}" (cores do not land in the working directory) and gdb's gcore is not installed` };
  const cmd = r.run(exe, [truth, String(n), String(threads), mode]);
  const child = spawn('bash', ['-c', 'ulimit -c unlimited; exec "$@"', 'allocgen', ...cmd], { cwd: work, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...r.env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  let core: string;
  try {
    if (mode === 'abort') {
      await new Promise<void>((resolve) => child.on('exit', () => resolve()));
      if (!/READY \d+/.test(out)) return { skip: `allocgen (${r.how}) did not get ready: ${err.trim().slice(-300)}` };
      const name = readdirSync(work).find((f) => (viaQemu ? /^qemu_.*\.core$/.test(f) : f === 'core' || /^core\.\d+$/.test(f)));
      if (!name) return { skip: `allocgen (${r.how}) aborted but no core was written (core_pattern "${pattern}", RLIMIT_CORE?)` };
      core = join(work, name);
    } else {
      const pid = await new Promise<number>((resolve, reject) => {
        child.stdout.on('data', () => {
          const m = /READY (\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        child.on('exit', (code) => reject(new Error(`allocgen exited with ${code} before it was ready: ${err}`)));
      });
      const g = spawnSync('gcore', ['-o', join(work, 'core'), String(pid)], { encoding: 'utf8', timeout: 300_000 });
      core = join(work, `core.${pid}`);
      if (g.status !== 0 || !existsSync(core)) return { skip: `gcore could not capture allocgen (ptrace not permitted here?): ${(g.stderr || g.stdout).trim().split('\n').slice(-1)[0]}` };
    }
  } finally {
    if (child.exitCode === null) {
      child.stdin.end();
      child.kill('SIGKILL');
    }
  }
  const f: AllocFixture = { core: core.replace(work, dir), truth: join(dir, 'truth.txt'), exe: join(dir, 'allocgen'), target, how: r.how };
  writeFileSync(join(work, 'fixture.json'), JSON.stringify(f, null, 2));
  try {
    renameSync(work, dir);
  } catch {
    // Another test process built the same fixture meanwhile: use theirs.
    rmSync(work, { recursive: true, force: true });
    if (!existsSync(meta)) return { skip: `could not store the ${target} fixture in ${dir}` };
    return JSON.parse(readFileSync(meta, 'utf8')) as AllocFixture;
  }
  return f;
}
