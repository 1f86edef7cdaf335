import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeShared, ROOT, sharedPath } from '../../test-support/shared.ts';

const BIN = join(ROOT, 'bin', 'heapscope.mjs');

describeShared('heapscope heap and summary say which allocator a core used', ['fixtures', 'leakgen'], () => {
  it('heap: the allocator line, its arenas (chap\'s sizes) and regions; --json: the layout', () => {
    const core = sharedPath('fixtures/leakgen/core.gz');
    const text = execFileSync(process.execPath, [BIN, 'heap', core], { encoding: 'utf8' });
    expect(text.split('\n')[0]).toBe('core.gz: x86-64 core, 4 thread(s): glibc 2.36 malloc, 4 arenas');
    expect(text).toContain('glibc 2.36 malloc, 4 arenas: 3,778 used allocations take 0x771d40 (7,806,272) bytes');
    expect(text).toMatch(/Main arena at 0x7f432bfd1c60 has size 0x63000 \(405,504\)/);
    const j = JSON.parse(execFileSync(process.execPath, [BIN, 'heap', core, '--json'], { encoding: 'utf8' }));
    expect(j.allocator).toBe('glibc 2.36 malloc, 4 arenas');
    expect(j.allocators.map((a: { id: string; version: string }) => [a.id, a.version])).toEqual([['glibc', '2.36']]);
    expect(j.regions.length).toBeGreaterThan(0);
  });

  it('summary names the allocator of each core', () => {
    const j = JSON.parse(execFileSync(process.execPath, [BIN, 'summary', sharedPath('fixtures/leakgen/core.gz'), '--json'], { encoding: 'utf8' }));
    expect(j.snapshots[0].allocator).toBe('glibc 2.36 malloc, 4 arenas');
    expect(j.snapshots[0].used.count).toBe(3778);
  });
});
