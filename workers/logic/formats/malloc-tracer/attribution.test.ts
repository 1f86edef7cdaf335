import { existsSync, readFileSync } from 'node:fs';
import { pluginMean, pluginSize, pluginSizesLine } from '../../aggregate/plugin-format.ts';
import { describe, expect, it } from 'vitest';
import { AllocationTableBuilder, AllocState } from '../../../../src/model/allocations.ts';
import { StringTable } from '../../../../src/model/strings.ts';
import { describeShared, sharedPath } from '../../../../test-support/shared.ts';
import { withSource } from '../../../../test-support/node-files.ts';
import { openBinary, type Binary } from '../elf/binary.ts';
import { openCore, type CoreFile } from '../elf/core-file.ts';
import { readChapList } from '../chap-list/chap-list.ts';
import { NodeFileSource } from '../../../../cli/node-source.ts';
import { loadModules } from '../../symbols/modules.ts';
import { attribute, attributeWithModules, type Attribution } from './attribution.ts';

const DIR = ['fixtures', 'heapgen'];
const DEBUG = '/usr/lib/debug/.build-id';
// glibc's separate debug files (Debian libc6-dbg) for the libc and ld.so mapped in the heapgen cores.
const GLIBC_DEBUG = [`${DEBUG}/93/ac61ec5a8eb1396f9fbd350e3169a558528a40.debug`, `${DEBUG}/7e/bc65e52f2bbea498b4040fa92f7238377aaba9.debug`];

/** Our answer, printed the way the gdb plugin's heap_total prints it. */
function render(a: Attribution, list: string, libs: string[]): string[] {
  const out = [`Chap file is set: ${list}`, `### Total memory allocations ${pluginSizesLine(a.total)}`];
  for (const l of a.libraries) out.push(`Lib: "${l.name}": ${pluginSizesLine(l.sizes)}`);
  for (const name of libs) {
    const l = a.libraries.find((x) => x.name === name);
    if (!l) continue;
    out.push(`### Memory allocations for library "${name}". Total ${pluginSizesLine(l.sizes)}`);
    for (const f of l.functions) out.push(`Func: "${f.name}": ${pluginSizesLine(f.sizes)}`);
  }
  return out;
}

async function binaries(paths: string[]): Promise<Binary[]> {
  const out: Binary[] = [];
  for (const p of paths) out.push(await withSource(p, (s) => openBinary(s)));
  return out;
}

async function run(phase: number, extra: string[]): Promise<{ a: Attribution; core: CoreFile }> {
  const core = await openCore(await NodeFileSource.open(sharedPath(...DIR, `core.phase${phase}.gz`)));
  const list = await withSource(sharedPath(...DIR, `core.phase${phase}.list_used`), (s) => readChapList(s));
  const bins = await binaries([sharedPath(...DIR, 'heapgen'), sharedPath(...DIR, 'libwidgets.so'), ...extra]);
  return { a: await attribute(core, list.table, bins), core };
}

describe('pluginSize / pluginMean', () => {
  it('round like Python', () => {
    expect(pluginSize(1152)).toBe('1.12KB'); // 1.125 exactly: half to even
    expect(pluginSize(72704)).toBe('71.0KB');
    expect(pluginSize(472)).toBe('472.0B');
    expect(pluginMean(8, 2)).toBe('4.00');
  });
});

describeShared('footer attribution vs malloc_tracer gdb plugin (heapgen)', DIR, () => {
  for (const phase of [1, 2]) {
    const ref = () => readFileSync(sharedPath(...DIR, `core.phase${phase}.heap_total.txt`), 'utf8').trim().split('\n');
    const haveDebug = GLIBC_DEBUG.every((p) => existsSync(p));
    if (!haveDebug) console.warn(`SKIPPED full heap_total comparison: glibc debug files (libc6-dbg) absent: ${GLIBC_DEBUG.join(', ')}`);
    it.skipIf(!haveDebug)(`phase ${phase}: every row of heap_total.txt, with glibc's debug files`, async () => {
      const { a, core } = await run(phase, GLIBC_DEBUG);
      const expected = ref().filter((l) => !l.startsWith('errors:'));
      const got = render(a, `core.phase${phase}.list_used`, ['/srv/heapgen/heapgen', '/srv/heapgen/libwidgets.so']);
      expect(got).toEqual(expected);
      // errors line: "errors: 0, bytes:0"
      expect(`errors: ${a.errors.count}, bytes:${a.errors.chunk}`).toBe(ref().find((l) => l.startsWith('errors:')));
      expect(a.detected).toBe(true);
      await core.close();
    }, 60_000);

    it(`phase ${phase}: without glibc symbols, libc/ld.so rows fall back to their mapped paths, counts unchanged`, async () => {
      const { a, core } = await run(phase, []);
      const lib = (n: string) => a.libraries.find((l) => l.name === n);
      const refLines = ref();
      const refCount = (n: string) => Number(/Count=(\d+)/.exec(refLines.find((l) => l.startsWith(`Lib: "${n}"`)) ?? '')?.[1] ?? 0);
      expect(lib('/lib/x86_64-linux-gnu/libstdc++.so.6')?.sizes.count).toBe(refCount('/lib/x86_64-linux-gnu/libstdc++.so.6'));
      expect(lib('/usr/lib/x86_64-linux-gnu/libc.so.6')?.sizes.count).toBe(refCount('/lib/x86_64-linux-gnu/libc.so.6'));
      expect(lib('/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2')?.sizes.count).toBe(refCount('/lib64/ld-linux-x86-64.so.2'));
      expect(lib('Unknown lib')?.sizes.count).toBe(refCount('Unknown lib'));
      // Per-row columns agree with the hierarchy.
      let rows = 0;
      let user = 0;
      a.table.site.forEach((s, i) => {
        if (s) {
          rows++;
          user += a.table.requested[i];
        }
      });
      expect(rows).toBe(a.total.count);
      expect(user).toBe(a.total.user);
      const st = new StringTable(a.sites.strings);
      const names = new Set(Array.from(a.sites.func, (id) => st.get(id)));
      expect(names.has('app::churn(long)')).toBe(true);
      expect([...names].some((n) => /^libstdc\+\+\.so\.6\.0\.30\+0x[0-9a-f]+$/.test(n))).toBe(true);
      await core.close();
    }, 60_000);
  }

  it('allocations outside the core, too small, or with impossible footers are errors, not crashes', async () => {
    const core = await openCore(await NodeFileSource.open(sharedPath(...DIR, 'core.phase1.gz')));
    const b = new AllocationTableBuilder();
    b.add(0, 0x1000, 64, AllocState.Used); // unmapped
    b.add(0, 0x2000, 8, AllocState.Used); // smaller than a footer
    b.add(0x5574, 0xcccbc010, 0x288, AllocState.Free); // free: not examined
    b.add(0xffffffff, 0xfffffff0, 0x100, AllocState.Used); // beyond 2^53
    const a = await attributeWithModules(core, b.freeze(), await loadModules(core, []));
    expect(a.checked).toBe(3);
    expect(a.errors.count).toBe(3);
    expect(a.total.count).toBe(0);
    expect(a.detected).toBe(false);
    await core.close();
  });

  it('an empty table gives an empty attribution', async () => {
    const core = await openCore(await NodeFileSource.open(sharedPath(...DIR, 'core.phase1.gz')));
    const a = await attribute(core, new AllocationTableBuilder().freeze());
    expect(a.libraries).toEqual([]);
    expect(a.detected).toBe(false);
    await core.close();
  });
});
