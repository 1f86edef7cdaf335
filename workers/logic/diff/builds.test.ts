import { describe, expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test-support/shared.ts';
import { withSource } from '../../../test-support/node-files.ts';
import { openBinary, type Binary } from '../formats/elf/binary.ts';
import { openCore } from '../formats/elf/core-file.ts';
import { loadModules, type Module, type ModuleMap } from '../symbols/modules.ts';
import { compareBuilds, describeBuildChange } from './builds.ts';
import { HEAPGEN } from './heap-total.test-helper.ts';

function mod(path: string, buildId: string | null, size = 0x5000, base = 0x7f0000000000): Module {
  return { path, loaderName: null, base, end: base + size, ranges: [], exec: [], bias: 0, buildId, symbolSource: 'none', symbols: null, binary: null };
}
function map(...modules: Module[]): ModuleMap {
  return { modules, rangeStart: new Float64Array(0), rangeEnd: new Float64Array(0), rangeModule: new Int32Array(0), warnings: [] };
}

describe('compareBuilds on synthetic module maps', () => {
  it('a changed build-id is reported by base name, whatever the mount path and load address', () => {
    const a = map(mod('/srv/heapgen/heapgen', 'aa11'), mod('/srv/heapgen/libwidgets.so', 'bb22'), mod('/lib/x86_64-linux-gnu/libc.so.6', 'cc33'));
    const b = map(mod('/mnt/x/heapgen', 'aa11', 0x5000, 0x5555000), mod('/srv/heapgen/libwidgets.so', 'bb99'), mod('/lib/x86_64-linux-gnu/libc.so.6', 'cc33'));
    const ch = compareBuilds(a, b);
    expect(ch).toEqual([
      { name: 'libwidgets.so', pathA: '/srv/heapgen/libwidgets.so', pathB: '/srv/heapgen/libwidgets.so', buildIdA: 'bb22', buildIdB: 'bb99', sizeA: 0x5000, sizeB: 0x5000, reason: 'build-id' },
    ]);
    expect(describeBuildChange(ch[0])).toBe('libwidgets.so is a different build in B (build-id bb22 → bb99): offsets may not match');
  });

  it('without build-ids: a size change, then a path change, are reported; identical modules are not', () => {
    const a = map(mod('/opt/libq.so', null, 0x3000), mod('/opt/libr.so', null), mod('/a/libs.so', null), mod('/opt/libt.so', 'ff', 0x3000));
    const b = map(mod('/opt/libq.so', null, 0x4000), mod('/opt/libr.so', null), mod('/b/libs.so', null), mod('/opt/libt.so', null, 0x3000));
    const ch = compareBuilds(a, b);
    expect(ch.map((c) => [c.name, c.reason])).toEqual([
      ['libq.so', 'size'],
      ['libs.so', 'path'],
    ]);
    expect(describeBuildChange(ch[0])).toMatch(/^libq\.so may be a different build in B \(mapped size 12288 → 16384/);
    expect(describeBuildChange(ch[1])).toMatch(/^libs\.so is loaded from another path in B \(\/a\/libs\.so → \/b\/libs\.so/);
  });

  it('modules in only one map, and empty maps, report nothing; same-name copies pair in load order', () => {
    expect(compareBuilds(map(mod('/x/liba.so', '1')), map(mod('/x/libb.so', '2')))).toEqual([]);
    expect(compareBuilds(map(), map())).toEqual([]);
    const a = map(mod('/x/libc.so', '1'), mod('/y/libc.so', '2'));
    const b = map(mod('/x/libc.so', '1'), mod('/y/libc.so', '3'));
    expect(compareBuilds(a, b).map((c) => [c.pathA, c.buildIdB])).toEqual([['/y/libc.so', '3']]);
  });
});

describeShared('compareBuilds on the heapgen cores', HEAPGEN, () => {
  async function modules(phase: number, bins: Binary[]): Promise<ModuleMap> {
    return withSource(sharedPath(...HEAPGEN, `core.phase${phase}.gz`), async (src) => {
      const core = await openCore(src);
      try {
        return await loadModules(core, bins);
      } finally {
        await core.close();
      }
    });
  }

  it('the same build in both phases: nothing reported; a changed libwidgets.so build-id is', async () => {
    const bins = [await withSource(sharedPath(...HEAPGEN, 'libwidgets.so'), (s) => openBinary(s))];
    const m1 = await modules(1, bins);
    const m2 = await modules(2, bins);
    expect(m1.modules.length).toBeGreaterThanOrEqual(5);
    expect(m1.modules.filter((m) => m.buildId).length).toBeGreaterThanOrEqual(5);
    expect(compareBuilds(m1, m2)).toEqual([]);
    // The same map with libwidgets.so rebuilt.
    const rebuilt: ModuleMap = { ...m2, modules: m2.modules.map((m) => (m.path.endsWith('/libwidgets.so') ? { ...m, buildId: '00'.repeat(20) } : m)) };
    const ch = compareBuilds(m1, rebuilt);
    expect(ch.map((c) => [c.name, c.reason, c.buildIdB])).toEqual([['libwidgets.so', 'build-id', '00'.repeat(20)]]);
    expect(ch[0].buildIdA).toBe(bins[0].buildId);
  }, 60_000);
});
