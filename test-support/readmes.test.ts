/**
 * Every folder says what it holds: each folder of the repository with code in it has a README.md, and the
 * README's "## Architecture" section names every folder a newcomer meets first (the top-level folders, the
 * folders one below them, and the folders of the logic layer, `workers/logic/*`). Folders that git does not
 * track, dot-folders and folders of data alone (no code files) are not asked for a README.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './shared.ts';

const CODE = /\.(ts|tsx|js|mjs|cjs|py|c|h|sh|css|html)$/;

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
