/**
 * Makes the small samples kept in the repository beside the readers (so a format's tests run without ../shared):
 *
 *   npx tsx fixtures-gen/make-samples.ts core    # formats/core/sample-heap.core.gz + .truth.txt, formats/elf/sample-heap
 *                                                # and readelf's and gdb's answers for both (formats/elf/*.readelf.txt, *.gdb.txt)
 *   npx tsx fixtures-gen/make-samples.ts mprof   # formats/mprof/sample-*.dat + memory_profiler's answers
 *
 * core: `sample-heap.c` is built with gcc and run under `footer-preload.c` (malloc_tracer's footers), captured with
 * gcore and gzip'd (-9 -n). Its truth file (written by the program: every block it holds or freed, and the program
 * break) is the expected answer by construction; `readelf -hnsW` of the executable, `readelf -lW` of the core and gdb's
 * `info proc mappings` / `info threads` / `info registers` on it are the reference tools' answers for the ELF
 * readers (this machine's readelf cannot decode a 64-bit core's NT_FILE note; gdb reads it). Needs gcc, gdb (gcore, ptrace allowed), gzip, readelf.
 *
 * mprof: the two runs of `mprof-runs.ts` (Debian's python3-memory-profiler on python/mprof_workload.py) with
 * memory_profiler's own answers: `read_mprofile_file` as JSON and `mprof peak`'s output.
 *
 * Run again only to replace a sample (its tests' expectations come from the files it writes, never by hand).
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mprofRuns } from './mprof-runs.ts';
import { waitReady } from './ready.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const FORMATS = join(HERE, '..', 'workers', 'logic', 'formats');

function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, env: opts.env ?? process.env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

async function makeCore(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'heapscope-sample-'));
  try {
    const exe = join(work, 'sample-heap');
    const preload = join(work, 'footer-preload.so');
    run('gcc', ['-O1', '-Wall', '-Wextra', '-Werror', '-o', exe, join(HERE, 'sample-heap.c')]);
    run('gcc', ['-shared', '-fPIC', '-O2', '-o', preload, join(HERE, 'footer-preload.c'), '-ldl']);
    const truth = join(work, 'truth.txt');
    const child = spawn(exe, [truth], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, LD_PRELOAD: preload } });
    let core: string;
    try {
      const pid = await waitReady(child, (code) => `sample-heap exited with ${code} before it was ready`);
      run('gcore', ['-o', join(work, 'core'), String(pid)]);
      core = join(work, `core.${pid}`);
    } finally {
      child.stdin!.end();
      child.kill('SIGTERM');
    }
    const coreDir = join(FORMATS, 'core');
    const elfDir = join(FORMATS, 'elf');
    writeFileSync(join(coreDir, 'sample-heap.core.gz'), spawnSync('gzip', ['-9', '-n', '-c', core], { maxBuffer: 64 << 20 }).stdout);
    copyFileSync(truth, join(coreDir, 'sample-heap.truth.txt'));
    copyFileSync(exe, join(elfDir, 'sample-heap'));
    writeFileSync(join(elfDir, 'sample-heap.readelf.txt'), run('readelf', ['-hnsW', exe]));
    writeFileSync(join(elfDir, 'sample-heap.core.readelf.txt'), run('readelf', ['-lW', core]));
    // gdb decodes the notes: NT_FILE (the mapped files) and each thread's NT_PRSTATUS (its id and registers).
    const gdb = ['-batch', '-nx', '-ex', 'info proc mappings', '-ex', 'info threads', '-ex', 'info registers', exe, core];
    writeFileSync(join(elfDir, 'sample-heap.core.gdb.txt'), run('gdb', gdb));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function makeMprof(): void {
  const runs = mprofRuns();
  if ('skip' in runs) throw new Error(runs.skip);
  const dir = join(FORMATS, 'mprof');
  copyFileSync(runs.funcs, join(dir, 'sample-funcs.dat'));
  copyFileSync(runs.children, join(dir, 'sample-children.dat'));
  // mprof peak names the file as it was given; the sample keeps its own name instead.
  const peak = {
    funcs: runs.peak.funcs.replace(/^\S+\t/, 'sample-funcs.dat\t'),
    children: runs.peak.children.replace(/^\S+\t/, 'sample-children.dat\t'),
  };
  writeFileSync(join(dir, 'sample.answers.json'), `${JSON.stringify({ read: runs.read, peak }, null, 1)}\n`);
  // The runs are read back byte for byte: check nothing was lost on the way.
  if (readFileSync(join(dir, 'sample-funcs.dat'), 'utf8') !== readFileSync(runs.funcs, 'utf8')) throw new Error('copy of funcs.dat differs');
}

const what = process.argv.slice(2);
if (what.length === 0 || what.some((w) => w !== 'core' && w !== 'mprof')) {
  process.stderr.write('usage: npx tsx fixtures-gen/make-samples.ts core|mprof ...\n');
  process.exit(2);
}
for (const w of what) {
  if (w === 'core') await makeCore();
  else makeMprof();
}
