/**
 * `heapscope summary CORE --by python-type --json` on CPython cores: per
 * snapshot, `rows` of {type, count, bytes, …} whose Session / Point / list counts
 * are the process's own census, and the __slots__ advice for Session.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeShared, ROOT, sharedPath } from '../../test-support/shared.ts';

const BIN = join(ROOT, 'bin', 'heapscope.mjs');

describeShared('heapscope summary --by python-type', ['fixtures', 'python-core'], () => {
  for (const v of ['py2.7.18', 'py3.12.1']) {
    it(`${v}: rows by Python type, Session and Point as the census counts them, the __slots__ advice`, () => {
      const out = JSON.parse(execFileSync(process.execPath, [BIN, 'summary', sharedPath(`fixtures/python-core/${v}/core.gz`), '--by', 'python-type', '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 }));
      const census = JSON.parse(readFileSync(sharedPath(`fixtures/python-core/${v}/census.json`), 'utf8')) as Record<string, number>;
      expect(out.snapshots).toHaveLength(1);
      const rows = out.snapshots[0].rows as { type: string; count: number; bytes: number; ownBytes: number; ownedBytes: number }[];
      const row = (t: string) => rows.find((r) => r.type === t)!;
      expect(row('Session').count).toBe(census.Session);
      expect(row('Point').count).toBe(census.Point);
      expect(row('list').count).toBe(census.list);
      for (const r of rows) expect(r.bytes).toBe(r.ownBytes + r.ownedBytes);
      // Largest first; every byte of the rows is an allocation in use.
      expect(rows.map((r) => r.bytes)).toEqual([...rows.map((r) => r.bytes)].sort((a, b) => b - a));
      const total = rows.reduce((n, r) => n + r.bytes, 0) + out.snapshots[0].python.other.bytes;
      expect(total).toBe(out.snapshots[0].used.bytes);
      const slots = out.snapshots[0].python.advice.slots.find((a: { type: string }) => a.type === 'Session');
      expect(slots.instances).toBe(census.Session);
      expect(slots.saves).toBeGreaterThan(0);
    });
  }
  it('a snapshot that is no CPython core has empty rows and says why', () => {
    const out = JSON.parse(execFileSync(process.execPath, [BIN, 'summary', sharedPath('fixtures/heapgen/core.phase1.list_used'), '--by', 'python-type', '--json'], { encoding: 'utf8' }));
    expect(out.snapshots[0].rows).toEqual([]);
    expect(out.snapshots[0].pythonNote).toMatch(/no CPython objects/);
  });
});
