/**
 * Each stage of a core's pipeline (heap walk, symbols, class names, attribution, leak sets) reports named progress
 * up to its total and stops with `CancelledError` when the flag is set while it runs; a cancelled stage is not
 * remembered (asked again, it runs to the end). A plain core's read stage is its headers and notes: their bytes, up to
 * their total, before the heap walk starts.
 */
import { readFileSync } from 'node:fs';
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

const PLAIN = ['peer', 'chap-suite', 'ELF64', 'DequePatternTest', 'core.14644'];

describeShared('the read stage of a plain core', PLAIN, () => {
  it('reports the bytes of its ELF header, program headers and notes as they are read, up to their total, before the walk', async () => {
    // The headers' extent from the file itself: ELF header, e_phnum entries of e_phentsize bytes, every PT_NOTE's bytes.
    const b = readFileSync(sharedPath(...PLAIN));
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const phoff = Number(dv.getBigUint64(32, true));
    const phentsize = dv.getUint16(54, true);
    const phnum = dv.getUint16(56, true);
    let notes = 0;
    for (let i = 0; i < phnum; i++) if (dv.getUint32(phoff + i * phentsize, true) === 4) notes += Number(dv.getBigUint64(phoff + i * phentsize + 32, true));
    expect(notes).toBeGreaterThan(0);
    const ctl = control();
    const s = await CoreSession.open(await NodeFileSource.open(sharedPath(...PLAIN)), ctl);
    try {
      const firstWalk = ctl.seen.findIndex((p) => p.stage === 'walk');
      const read = ctl.seen.slice(0, firstWalk);
      expect(read.length).toBeGreaterThan(0);
      expect(read.every((p) => (p.stage ?? 'read') === 'read' && p.unit === 'bytes' && p.file === 'core.14644')).toBe(true);
      expect(ctl.seen.slice(firstWalk).some((p) => (p.stage ?? 'read') === 'read')).toBe(false);
      for (let i = 1; i < read.length; i++) expect(read[i].bytesRead).toBeGreaterThanOrEqual(read[i - 1].bytesRead);
      expect(read[0].bytesRead).toBeGreaterThan(0);
      expect(new Set(read.map((p) => p.totalBytes))).toEqual(new Set([64 + phnum * phentsize + notes]));
      expect(read.at(-1)!.bytesRead).toBe(64 + phnum * phentsize + notes);
    } finally {
      await s.close();
    }
  });
});
