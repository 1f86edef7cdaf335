import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeShared, ROOT, sharedPath } from '../../test-support/shared.ts';

const BIN = join(ROOT, 'bin', 'heapscope.mjs');

describeShared('heapscope summary', ['fixtures', 'heapgen'], () => {
  it('--json gives per-state count and bytes as plain integers and the format', () => {
    const out = execFileSync(process.execPath, [BIN, 'summary', sharedPath('fixtures/heapgen/core.phase1.list_used'), sharedPath('fixtures/heapgen/core.phase1.list_free'), '--json'], {
      encoding: 'utf8',
    });
    const j = JSON.parse(out);
    expect(j.format).toBe('chap-list');
    expect(j.used).toEqual({ count: 26343, bytes: 3413480 });
    expect(j.free).toEqual({ count: 26, bytes: 61512 });
    expect(j.warnings).toEqual([]);
  });

  it('fails with exit 1 and a message naming a file it cannot read', () => {
    const r = spawnSync(process.execPath, [BIN, 'summary', sharedPath('fixtures/heapgen/widgets.h')], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/widgets\.h: not a format Heapscope reads/);
  });
});
