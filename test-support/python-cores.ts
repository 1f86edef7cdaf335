/**
 * One test per pyenv CPython installed here, on the core `fixtures-gen/python-cores.ts` makes under it: each skips
 * saying why when its core cannot be made (no gdb, ptrace not allowed), and one skipped test says so when no
 * CPython is installed.
 */
import { it } from 'vitest';
import { pyenvVersions, pythonCore, type PythonCore } from '../fixtures-gen/python-cores.ts';

/** Declares `CPython <version>` tests in the enclosing `describe`, each running `check` on that version's core. */
export function itPerPyenvCore(check: (made: PythonCore, version: string) => Promise<void>): void {
  const versions = pyenvVersions();
  if (versions.length === 0) {
    console.warn('SKIPPED: no pyenv CPython under ~/.pyenv/versions');
    it.skip('needs pyenv CPythons in ~/.pyenv/versions', () => {});
  }
  for (const v of versions) {
    it(`CPython ${v}`, async (ctx) => {
      const made = await pythonCore(v);
      if ('skip' in made) {
        console.warn(`SKIPPED CPython ${v}: ${made.skip}`);
        ctx.skip();
        return;
      }
      await check(made, v);
    });
  }
}
