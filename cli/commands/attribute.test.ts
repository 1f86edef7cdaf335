/**
 * `heapscope attribute` of a core alone streams its rows from the glibc walk (no table, no per-row columns): the
 * figures, the tree, the modules and the warnings must be those of the assembled snapshot's attribution, which
 * the malloc_tracer tests check against the gdb plugin.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { pluginSizesLine } from '../../workers/logic/aggregate/plugin-format.ts';
import { describeShared, sharedPath } from '../../test-support/shared.ts';
import { attributeAssembled, attributeStreamed } from './attribute.ts';

const DIR = ['fixtures', 'heapgen'];
const NO_DEBUG = '/nonexistent-debug-dir';

/** What the command prints of an attribution (its JSON's content). */
function shown(x: Awaited<ReturnType<typeof attributeAssembled>>) {
  const { a } = x;
  return {
    core: x.coreName,
    checked: a.checked,
    detected: a.detected,
    valid: a.valid,
    errors: a.errors,
    total: a.total,
    libraries: a.libraries,
    modules: x.modules.modules.map((m) => [m.path, m.loaderName, m.buildId, m.symbolSource, m.binary?.name ?? null]),
    warnings: x.warnings,
  };
}

describeShared('attribute: the streamed rows give the assembled snapshot’s attribution', DIR, () => {
  for (const phase of [1, 2]) {
    it(`heapgen phase ${phase}, with its binaries`, async () => {
      const core = sharedPath(...DIR, `core.phase${phase}.gz`);
      const bins = [sharedPath(...DIR, 'heapgen'), sharedPath(...DIR, 'libwidgets.so')];
      const streamed = await attributeStreamed(core, bins, NO_DEBUG);
      expect(streamed).not.toBeNull();
      const assembled = await attributeAssembled(core, undefined, bins, NO_DEBUG);
      expect(shown(streamed!)).toEqual(shown(assembled));
      expect(streamed!.a.libraries.length).toBeGreaterThan(3);
      // The plugin's total line (symbols do not change it).
      const ref = readFileSync(sharedPath(...DIR, `core.phase${phase}.heap_total.txt`), 'utf8').split('\n');
      expect(`### Total memory allocations ${pluginSizesLine(streamed!.a.total)}`).toBe(ref[1]);
    }, 60_000);
  }

  it('a binary that is not mapped into the core gives the assembly’s note', async () => {
    const core = sharedPath(...DIR, 'core.phase1.gz');
    const bins = [sharedPath(...DIR, 'heapgen'), '/bin/true'];
    const streamed = await attributeStreamed(core, bins, NO_DEBUG);
    const assembled = await attributeAssembled(core, undefined, bins, NO_DEBUG);
    expect(streamed!.warnings.some((w) => w.includes('is not one of the files mapped into'))).toBe(true);
    expect(shown(streamed!)).toEqual(shown(assembled));
  }, 60_000);

  it('a core whose heap is not glibc’s alone, or a file that is not a core, is left to the assembled snapshot', async () => {
    expect(await attributeStreamed(sharedPath('fixtures', 'leakgen', 'tcmalloc', 'core.gz'), [], NO_DEBUG)).toBeNull();
    expect(await attributeStreamed(sharedPath(...DIR, 'core.phase1.list_used'), [], NO_DEBUG)).toBeNull();
  }, 60_000);
});
