/**
 * Test helper (Node only, never imported by worker code): runs
 * `fixtures-gen/python/make_tracemalloc.py` with this machine's python3 once
 * per script version into a temporary folder and hands tests its snapshots and
 * CPython's golden answers. Without python3 the tests are skipped with the
 * reason printed, never passed silently.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

export const MAKE_TRACEMALLOC = resolve(dirname(fileURLToPath(import.meta.url)), '../../../fixtures-gen/python/make_tracemalloc.py');

/** Why python fixtures cannot be made here, or null when they can. */
function whyNoPython(): string | null {
  const r = spawnSync('python3', ['-c', 'import sys, tracemalloc; print(sys.version_info >= (3, 9))'], { encoding: 'utf8' });
  if (r.error) return `python3 is not available (${r.error.message})`;
  if (r.status !== 0 || r.stdout.trim() !== 'True') return `python3 >= 3.9 with tracemalloc is needed (${(r.stderr || r.stdout).trim()})`;
  return null;
}

let cached: string | null = null;

/** Folder holding the generated snapshots and golden.json (made on first use). */
export function generatedDir(): string {
  if (cached) return cached;
  const version = execFileSync('python3', ['-c', 'import sys; print(sys.version)'], { encoding: 'utf8' });
  const hash = createHash('sha256').update(readFileSync(MAKE_TRACEMALLOC)).update(version).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `heapscope-tracemalloc-${hash}`);
  if (!existsSync(join(dir, 'golden.json'))) {
    const work = `${dir}.tmp-${process.pid}`;
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    execFileSync('python3', [MAKE_TRACEMALLOC, work], { stdio: ['ignore', 'ignore', 'inherit'] });
    try {
      renameSync(work, dir);
    } catch {
      // another test process made it first
      rmSync(work, { recursive: true, force: true });
    }
  }
  cached = dir;
  return dir;
}

/** Golden answers written by the script (see its docstring for the layout). */
export interface GeneratedGolden {
  python: string;
  snapshots: Record<string, SnapshotAnswers>;
  fnmatch: [string, string, boolean][];
}

export interface StatRowJson {
  key: string | [string, number][];
  size: number;
  count: number;
}

export interface DiffRowJson extends StatRowJson {
  size_diff: number;
  count_diff: number;
}

export interface SnapshotAnswers {
  traces: number;
  traceback_limit: number;
  total_size: number;
  statistics: Record<string, StatRowJson[]>;
  statistics_cumulative: Record<string, StatRowJson[]>;
  compare: Record<string, DiffRowJson[]>;
  compare_cumulative: Record<string, DiffRowJson[]>;
  str_statistics_lineno: string[];
  str_compare_lineno: string[];
  filters: { filters: Record<string, unknown>[]; traces: number; statistics_lineno: StatRowJson[] }[];
}

export function generatedGolden(): GeneratedGolden {
  return JSON.parse(readFileSync(join(generatedDir(), 'golden.json'), 'utf8')) as GeneratedGolden;
}

const why = whyNoPython();

/** `describe` that skips, saying why, when python3 cannot make the fixtures. */
export function describePython(name: string, fn: () => void): void {
  if (why === null) describe(name, fn);
  else {
    console.warn(`SKIPPED "${name}": ${why}`);
    describe.skip(`${name} [skipped: ${why}]`, fn);
  }
}
