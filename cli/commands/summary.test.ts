import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeShared, ROOT, sharedPath } from '../../test-support/shared.ts';

const BIN = join(ROOT, 'bin', 'heapscope.mjs');
const heapgen = (f: string) => sharedPath('fixtures/heapgen', f);

function summary(...files: string[]) {
  return JSON.parse(execFileSync(process.execPath, [BIN, 'summary', ...files, '--json'], { encoding: 'utf8' }));
}

describeShared('heapscope summary', ['fixtures', 'heapgen'], () => {
  it('--json gives one snapshot per process, with used and free as plain integers and its inputs', () => {
    const j = summary(heapgen('core.phase1.list_used'), heapgen('core.phase1.list_free'));
    expect(j.snapshots).toHaveLength(1);
    expect(j.snapshots[0]).toMatchObject({
      name: 'core.phase1.list_used',
      kind: 'process',
      inputs: [
        { file: 'core.phase1.list_used', format: 'chap-list', as: 'used' },
        { file: 'core.phase1.list_free', format: 'chap-list', as: 'free' },
      ],
      used: { count: 26343, bytes: 3413480 },
      free: { count: 26, bytes: 61512 },
    });
    expect(j.warnings).toEqual([]);
    expect(j.notes).toEqual([]);
  });

  it("a core with its list used counts each allocation once (chap's figures), free chunks from the walk", () => {
    const j = summary(heapgen('core.phase1.gz'), heapgen('core.phase1.list_used'));
    expect(j.snapshots).toHaveLength(1);
    expect(j.snapshots[0].used).toEqual({ count: 26343, bytes: 3413480 });
    expect(j.snapshots[0].free).toEqual({ count: 26, bytes: 61512 });
  });

  it('two cores and their lists, in any order, are two snapshots with their own figures', () => {
    const files = ['core.phase2.list_used', 'core.phase1.gz', 'core.phase2.gz', 'core.phase1.list_used', 'core.phase2.list_free', 'core.phase1.list_free'].map(heapgen);
    const j = summary(...files);
    const by = Object.fromEntries(j.snapshots.map((s: { name: string }) => [s.name, s]));
    expect(Object.keys(by).sort()).toEqual(['core.phase1', 'core.phase2']);
    expect(by['core.phase1'].used).toEqual({ count: 26343, bytes: 3413480 });
    expect(by['core.phase1'].free).toEqual({ count: 26, bytes: 61512 });
    expect(by['core.phase2'].used).toEqual({ count: 25057, bytes: 3464056 });
    expect(by['core.phase2'].free).toEqual({ count: 3003, bytes: 394720 });
  });

  it('the text output prints one block per snapshot', () => {
    const out = execFileSync(process.execPath, [BIN, 'summary', heapgen('core.phase1.list_used'), heapgen('core.phase2.list_used')], { encoding: 'utf8' });
    const blocks = out.trim().split('\n\n');
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toMatch(/^core\.phase1\.list_used \(chap lists\): core\.phase1\.list_used \(list used\)\n {2}Used +26,343 allocations +3,413,480 bytes$/);
    expect(blocks[1]).toMatch(/^core\.phase2\.list_used/);
  });

  it('fails with exit 1 and a message naming a file it cannot read', () => {
    const r = spawnSync(process.execPath, [BIN, 'summary', heapgen('widgets.h')], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/widgets\.h: not a format Heapscope reads/);
  });

  it('a broken pipe ends quietly', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" summary "${heapgen('core.phase1.list_used')}" "${heapgen('core.phase2.list_used')}" | head -n 1`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toBe('');
  });
});
