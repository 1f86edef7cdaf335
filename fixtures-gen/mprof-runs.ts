/**
 * Real `mprof run` files made on this machine (Node only: tests): Debian's
 * python3-memory-profiler (`python3-mprof`) runs fixtures-gen/python/mprof_workload.py
 * twice — with `--python` (FUNC spans of two nested @profile functions) and with
 * `--multiprocess` (CHLD series of its child process) — and the answers of
 * memory_profiler itself are kept beside them: `read_mprofile_file` as JSON and
 * `mprof peak`'s output. Cached in fixtures-gen/out/mprof/<key>/ (gitignored).
 * Returns the reason instead when python3-mprof is missing (`apt-get install
 * python3-memory-profiler`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const MPROF_WORKLOAD = join(HERE, 'python', 'mprof_workload.py');
const MPROF = 'python3-mprof';

export interface MprofRuns {
  /** --python run (FUNC lines) and --multiprocess run (CHLD lines). */
  funcs: string;
  children: string;
  /** memory_profiler's read_mprofile_file() of each, as JSON. */
  read: Record<'funcs' | 'children', MprofRead>;
  /** `python3-mprof peak FILE` output of each. */
  peak: Record<'funcs' | 'children', string>;
}

export interface MprofRead {
  mem_usage: number[];
  timestamp: number[];
  func_timestamp: Record<string, number[][]>;
  children: Record<string, [number, number][]>;
  cmd_line: string | null;
}

const READ = `import json, sys
sys.path.insert(0, '/usr/lib/python3/dist-packages')
import mprof
c = mprof.read_mprofile_file(sys.argv[1])
json.dump({k: c[k] for k in ('mem_usage', 'timestamp', 'func_timestamp', 'children', 'cmd_line')}, sys.stdout)`;

export function mprofRuns(): MprofRuns | { skip: string } {
  if (spawnSync('sh', ['-c', `command -v ${MPROF}`]).status !== 0) return { skip: `${MPROF} is not installed (apt-get install python3-memory-profiler)` };
  const key = createHash('sha256').update(readFileSync(MPROF_WORKLOAD)).digest('hex').slice(0, 12);
  const dir = join(HERE, 'out', 'mprof', key);
  const files = { funcs: join(dir, 'funcs.dat'), children: join(dir, 'children.dat') };
  if (!existsSync(join(dir, 'answers.json'))) {
    const work = `${dir}.tmp-${process.pid}`;
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const run = (flag: string, out: string): void => {
      const r = spawnSync(MPROF, ['run', flag, '--interval', '0.02', '--output', out, MPROF_WORKLOAD], { encoding: 'utf8', timeout: 120_000, cwd: work });
      if (r.status !== 0) throw new Error(`${MPROF} run ${flag} failed: ${r.stderr}`);
    };
    run('--python', join(work, 'funcs.dat'));
    run('--multiprocess', join(work, 'children.dat'));
    const answers: Pick<MprofRuns, 'read' | 'peak'> = { read: {} as MprofRuns['read'], peak: {} as MprofRuns['peak'] };
    for (const k of ['funcs', 'children'] as const) {
      const f = join(work, `${k}.dat`);
      answers.read[k] = JSON.parse(execFileSync('/usr/bin/python3', ['-c', READ, f], { encoding: 'utf8' }));
      answers.peak[k] = execFileSync(MPROF, ['peak', f], { encoding: 'utf8', cwd: work });
    }
    writeFileSync(join(work, 'answers.json'), JSON.stringify(answers));
    try {
      mkdirSync(dirname(dir), { recursive: true });
      renameSync(work, dir);
    } catch {
      rmSync(work, { recursive: true, force: true });
    }
  }
  const answers = JSON.parse(readFileSync(join(dir, 'answers.json'), 'utf8')) as Pick<MprofRuns, 'read' | 'peak'>;
  return { ...files, ...answers };
}
