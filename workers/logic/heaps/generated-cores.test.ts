/**
 * Cores of fixtures-gen/allocgen.cpp, built and captured by the test itself
 * (cached in fixtures-gen/cache/), on each target: x86-64, i386 (ELF32 core)
 * and aarch64 (a qemu-user guest core) with glibc; gperftools tcmalloc and
 * jemalloc through LD_PRELOAD. The walk must equal what the program recorded:
 * every live block a used allocation of exactly its malloc_usable_size, every
 * freed block not in use. Skips, saying why, when the tools cannot be installed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AllocState, isInUse } from '../../../src/model/allocations.ts';
import { allocFixture, readAllocTruth, type AllocFixture, type AllocTarget, type AllocTruth } from '../../../fixtures-gen/allocgen.ts';
import { withSource } from '../../../test-support/node-files.ts';
import { openCore } from '../formats/elf/core-file.ts';
import { findAllocations, type FoundAllocations } from './find-allocators.ts';

const targets: { target: AllocTarget; arch: string; allocator: string; description: RegExp }[] = [
  { target: 'x86-64', arch: 'x86-64', allocator: 'glibc', description: /^glibc( 2\.\d+)? malloc, 4 arenas$/ },
  { target: 'i386', arch: 'i386', allocator: 'glibc', description: /^glibc( 2\.\d+)? malloc, 4 arenas$/ },
  { target: 'aarch64', arch: 'aarch64', allocator: 'glibc', description: /^glibc( 2\.\d+)? malloc, 4 arenas$/ },
  { target: 'tcmalloc', arch: 'x86-64', allocator: 'tcmalloc', description: /^gperftools tcmalloc 2\.10 \(libtcmalloc\.so\.4\.5\.10\)$/ },
  { target: 'jemalloc', arch: 'x86-64', allocator: 'jemalloc', description: /^jemalloc 5\.3 \(libjemalloc\.so\.2\)$/ },
];

for (const { target, arch, allocator, description } of targets) {
  describe(`allocgen core on ${target}: the walk equals the program's record`, () => {
    let fx: AllocFixture | { skip: string } = { skip: 'not built' };
    let truth: AllocTruth;
    let found: FoundAllocations;
    let coreArch = '';
    let sps: (number | undefined)[] = [];
    let inStack = 0;
    beforeAll(async () => {
      fx = await allocFixture(target);
      if ('skip' in fx) {
        console.warn(`SKIPPED allocgen on ${target}: ${fx.skip}`);
        return;
      }
      truth = readAllocTruth(fx.truth);
      await withSource(fx.core, async (s) => {
        const core = await openCore(s);
        coreArch = core.arch;
        // NT_PRSTATUS decoded in the core's own layout (ELF32 i386, aarch64's x0–x30, sp, pc).
        sps = core.threads.map((t) => t.registers.rsp ?? t.registers.esp ?? t.registers.sp);
        inStack = sps.filter((sp) => sp !== undefined && core.segmentAt(sp) && (core.segmentAt(sp)!.flags & 6) === 6).length;
        found = await findAllocations(core, undefined, { tcache: 'thread-cached-free' });
        await core.close();
      });
    }, 900_000);

    it('detects the allocator, with no warnings', (ctx) => {
      if ('skip' in fx) return ctx.skip(fx.skip);
      expect(coreArch).toBe(arch);
      expect(sps.length).toBe(4);
      expect(inStack).toBe(4);
      expect(found.allocators.map((a) => a.id)).toEqual([allocator]);
      expect(found.allocator).toMatch(description);
      expect(found.warnings).toEqual([]);
    });

    it('every live block is a used allocation of its usable size; every freed block is not in use', (ctx) => {
      if ('skip' in fx) return ctx.skip(fx.skip);
      const t = found.table;
      const row = new Map<number, number>();
      for (let i = 0; i < t.rows; i++) row.set(t.addrHi[i] * 2 ** 32 + t.addrLo[i], i);
      expect(truth.live.length).toBe(4 * 600 - 4 * 200);
      const wrong = truth.live.filter((b) => {
        const i = row.get(b.addr);
        return i === undefined || t.state[i] !== AllocState.Used || t.size[i] !== b.size;
      });
      expect(wrong).toEqual([]);
      const stillUsed = truth.freed.filter((a) => {
        const i = row.get(a);
        return i !== undefined && isInUse(t.state[i]);
      });
      expect(truth.freed.length).toBe(4 * 200);
      expect(stillUsed).toEqual([]);
    });
  });
}
