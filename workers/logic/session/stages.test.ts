/**
 * Each stage of a core's pipeline (heap walk, symbols, class names, attribution, leak sets) reports named progress
 * up to its total and stops with `CancelledError` when the flag is set while it runs; a cancelled stage is not
 * remembered (asked again, it runs to the end).
 */
import { expect, it } from 'vitest';
import type { StageName } from '../../../src/model/stages.ts';
import { describeShared, sharedPath } from '../../../test-support/shared.ts';
import { NodeFileSource } from '../../../cli/node-source.ts';
import { CancelledError } from '../io/errors.ts';
import type { Progress, ReadControl } from '../io/stream.ts';
import { CoreSession } from './core-session.ts';

/** A control that records reports and sets its cancel flag at the first report of `stage` (so inside that stage). */
function control(stage?: StageName): ReadControl & { seen: Progress[] } {
  const cancel = new Int32Array(new SharedArrayBuffer(4));
  const seen: Progress[] = [];
  return {
    cancel,
    seen,
    onProgress(p) {
      seen.push(p);
      if (stage && p.stage === stage) Atomics.store(cancel, 0, 1);
    },
  };
}

const CORE = 'fixtures/heapgen/core.phase1.gz';
const open = async () => CoreSession.open(await NodeFileSource.open(sharedPath(CORE)));
const binaries = async () => [await NodeFileSource.open(sharedPath('fixtures/heapgen/heapgen')), await NodeFileSource.open(sharedPath('fixtures/heapgen/libwidgets.so'))];

describeShared('stages of a core: progress and cancel', ['fixtures', 'heapgen', 'core.phase1.gz'], () => {
  it('reports every stage by name, in order, each up to its total', async () => {
    const ctl = control();
    const s = await CoreSession.open(await NodeFileSource.open(sharedPath(CORE)), ctl);
    try {
      await s.processSnapshot(s.table, await binaries(), { ctl });
      await s.leaks(ctl);
      const order = [...new Set(ctl.seen.map((p) => p.stage ?? 'read'))];
      expect(order).toEqual(['read', 'walk', 'symbols', 'classes', 'attribution', 'leaks']);
      for (const st of order) {
        const mine = ctl.seen.filter((p) => (p.stage ?? 'read') === st);
        for (let i = 1; i < mine.length; i++) expect(mine[i].bytesRead).toBeGreaterThanOrEqual(mine[i - 1].bytesRead);
        const last = mine[mine.length - 1];
        expect(last.totalBytes, st).toBeGreaterThan(0);
        expect(last.bytesRead, st).toBe(last.totalBytes);
        expect(mine.every((p) => p.file === 'core.phase1.gz')).toBe(true);
      }
      expect(ctl.seen.find((p) => p.stage === 'classes')!.totalBytes).toBe(s.table.rows);
      expect(ctl.seen.find((p) => p.stage === 'symbols')!.totalBytes).toBe(2);
    } finally {
      await s.close();
    }
  });

  it('the heap walk stops when cancelled during it', async () => {
    const ctl = control('walk');
    await expect(CoreSession.open(await NodeFileSource.open(sharedPath(CORE)), ctl)).rejects.toBeInstanceOf(CancelledError);
  });

  for (const stage of ['symbols', 'classes', 'attribution'] as const) {
    it(`${stage} stops when cancelled during it, and runs to the end when asked again`, async () => {
      const s = await open();
      try {
        const ctl = control(stage);
        await expect(s.processSnapshot(s.table, await binaries(), { ctl })).rejects.toBeInstanceOf(CancelledError);
        expect(ctl.seen.at(-1)!.stage).toBe(stage);
        const again = await s.processSnapshot(s.table, await binaries(), { ctl: control() });
        expect(again.attribution.total.count).toBe(26343);
        expect(new Set(Array.from(again.table.type)).size).toBeGreaterThan(1);
      } finally {
        await s.close();
      }
    });
  }

  it('the reference graph stops when cancelled during it, and is computed when asked again', async () => {
    const s = await open();
    try {
      await expect(s.leaks(control('leaks'))).rejects.toBeInstanceOf(CancelledError);
      const a = await s.leaks();
      expect(a.flags.length).toBe(s.table.rows);
    } finally {
      await s.close();
    }
  });
});
