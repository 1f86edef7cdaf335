/**
 * Every folder says what it holds: each folder of the repository with code in it has a README.md that names each
 * of its code files (tests aside: `*.test.ts`, `*.test-helper.ts`) and, with three or more of them, where to start
 * reading; a folder of data alone (no code files) is named in the README of its nearest folder that has one; and the
 * README's "## Architecture" section names every folder a newcomer meets first (the top-level folders, the folders
 * one below them, and the folders of the logic layer, `workers/logic/*`). Folders that git does not track and
 * dot-folders are left out.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './shared.ts';

const CODE = /\.(ts|tsx|js|mjs|cjs|py|c|h|sh|css|html)$/;
const TEST = /\.test\.ts$|\.test-helper\.ts$/;
/** How a README says where to start reading ("Start with `x.ts`", "**start here**"). */
const STARTS = /\bstart (here|with|reading|at)\b/i;

function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 })
    .split('\0')
    .filter((f) => f && existsSync(join(ROOT, f)));
}

/** Tracked folders (not dot-folders), each with whether it holds a code file itself. */
function folders(files: string[]): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const f of files) {
    const parts = f.split('/');
    for (let k = 1; k < parts.length; k++) {
      const dir = parts.slice(0, k).join('/');
      if (parts.slice(0, k).some((p) => p.startsWith('.'))) break;
      const direct = k === parts.length - 1 && CODE.test(f);
      out.set(dir, (out.get(dir) ?? false) || direct);
    }
  }
  return out;
}

/**
 * True when a folder's README names its code file `base`: the file name in it, or for a benchmark
 * (`NAME.bench.ts`, which `npm run bench -- NAME` runs) its NAME in backticks.
 */
export function namesFile(readme: string, base: string): boolean {
  const bench = /^(.+)\.bench\.ts$/.exec(base);
  return readme.includes(base) || (!!bench && readme.includes(`\`${bench[1]}\``));
}

/** The text of README.md's "## Architecture" section. */
export function architectureSection(readme: string): string {
  const m = /^## Architecture\n([\s\S]*?)(?=^## )/m.exec(readme);
  if (!m) throw new Error('README.md has no "## Architecture" section');
  return m[1];
}

/** The folders of `all` the architecture section must name: depth 1 and 2, and every folder under workers/logic/. */
export function foldersToName(all: Iterable<string>): string[] {
  return [...all].filter((d) => d.split('/').length <= 2 || /^workers\/logic\/[^/]+$/.test(d)).sort();
}

/** True when `section` names folder `dir`: its path, or its last part followed by a slash (`io/` under logic/). */
export function names(section: string, dir: string): boolean {
  const base = dir.split('/').pop()!;
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return section.includes(`${dir}/`) || new RegExp(`(^|[\`\\s(,/])${escaped}/`).test(section);
}

describe('READMEs', () => {
  const files = trackedFiles();
  const dirs = folders(files);

  it('finds the folders (the check is not vacuous)', () => {
    expect(dirs.size).toBeGreaterThan(40);
    expect(dirs.get('workers/logic/io')).toBe(true);
  });

  it('every folder with code has a README.md', () => {
    const missing = [...dirs].filter(([d, code]) => code && !existsSync(join(ROOT, d, 'README.md'))).map(([d]) => d);
    expect(missing).toEqual([]);
  });

  it('each README names every code file of its folder (tests aside) and, with three or more, where to start', () => {
    const byDir = new Map<string, string[]>();
    for (const f of files) {
      const i = f.lastIndexOf('/');
      if (i < 0 || !CODE.test(f) || TEST.test(f) || f.split('/').some((p) => p.startsWith('.'))) continue;
      const dir = f.slice(0, i);
      byDir.set(dir, [...(byDir.get(dir) ?? []), f.slice(i + 1)]);
    }
    const unnamed: string[] = [];
    const noStart: string[] = [];
    for (const [dir, bases] of byDir) {
      const path = join(ROOT, dir, 'README.md');
      if (!existsSync(path)) continue; // the test above reports it
      const readme = readFileSync(path, 'utf8');
      for (const b of bases) if (!namesFile(readme, b)) unnamed.push(`${dir}/${b}`);
      if (bases.length >= 3 && !STARTS.test(readme)) noStart.push(dir);
    }
    expect(byDir.size).toBeGreaterThan(40);
    expect(unnamed).toEqual([]);
    expect(noStart).toEqual([]);
  });

  it('a folder of data alone is named in the README of its nearest folder that has one', () => {
    const unnamed: string[] = [];
    for (const [dir, code] of dirs) {
      if (code || existsSync(join(ROOT, dir, 'README.md'))) continue;
      let up = dir;
      while (up.includes('/') && !existsSync(join(ROOT, up, 'README.md'))) up = up.slice(0, up.lastIndexOf('/'));
      if (up === dir || !existsSync(join(ROOT, up, 'README.md'))) up = '';
      const readme = readFileSync(join(ROOT, up, 'README.md'), 'utf8');
      if (!names(readme, dir)) unnamed.push(dir);
    }
    expect(unnamed).toEqual([]);
  });

  it('the file and start rules tell a named file and a place to start from text that is neither', () => {
    expect(namesFile('| `core-file.ts` | … |', 'core-file.ts')).toBe(true);
    expect(namesFile('| `core` | a core → table |', 'core.bench.ts')).toBe(true);
    expect(namesFile('| `core-file.ts` | … |', 'core.ts')).toBe(false);
    expect(namesFile('the core reader', 'core.bench.ts')).toBe(false);
    expect(['Start reading at `run.ts`', '`a.ts` — **start here**', 'Start with `x.ts`'].every((t) => STARTS.test(t))).toBe(true);
    expect(['the start-up time', 'where a chain starts', 'restart points'].some((t) => STARTS.test(t))).toBe(false);
  });

  it("README.md's architecture section names every top-level folder, the folders below them and workers/logic/*", () => {
    const section = architectureSection(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    const unnamed = foldersToName(dirs.keys()).filter((d) => !names(section, d));
    expect(unnamed).toEqual([]);
  });

  it('the naming rule tells a named folder from an unnamed one', () => {
    const section = '- `workers/logic/` — the logic:\n  - `io/` — byte sources; `heaps/` walks';
    expect(names(section, 'workers/logic/io')).toBe(true);
    expect(names(section, 'workers/logic/heaps')).toBe(true);
    expect(names(section, 'workers/logic/graph')).toBe(false);
    expect(names(section, 'workers/logic/o')).toBe(false);
  });
});
