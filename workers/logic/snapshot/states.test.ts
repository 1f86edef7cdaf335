/**
 * The browser's snapshot states, called directly: from real assemblies (the demo's chap lists, which the repository
 * holds; heapgen's core with its list and binaries from ../shared) to the states the store keeps, the order and
 * stages of a core snapshot's completion, what each stage's result makes of a state, which pair opens Compare, and
 * a saved analysis's snapshots read back as states.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttributionData } from '../../../src/model/attribution.ts';
import type { LeakSummary } from '../../../src/model/leaks.ts';
import type { Assembly } from '../../../src/model/snapshot.ts';
import type { SnapshotState } from '../../../src/model/snapshot-state.ts';
import { closeFiles, loadFiles, type LoadedFile } from '../../../cli/inputs.ts';
import { describeShared, ROOT, sharedPath } from '../../../test-support/shared.ts';
import { savedOf, snapshotsOfSaved } from '../saved/snapshots.ts';
import { assemble } from './assemble.ts';
import {
  assembledStates,
  comparePair,
  completionOrder,
  mprofRuns,
  firstStage,
  nextStep,
  snapshotToSave,
  stageOf,
  stageStart,
  statesOfSaved,
  withClasses,
  withProgress,
  withStagesEnded,
  withStagesStarted,
  workKey,
  type CoreWork,
} from './states.ts';

const DEMO = ['heapgen-phase1.list_used.gz', 'heapgen-phase1.list_free.gz', 'heapgen-phase2.list_used.gz', 'heapgen-phase2.list_free.gz'].map((f) => join(ROOT, 'public', 'demo', f));

function counter(from = 1): () => number {
  let n = from;
  return () => n++;
}

const inputsOf = (files: LoadedFile[]) => files.map((f) => ({ id: f.id, info: f.info }));
const noWork = (): CoreWork | undefined => undefined;

describe('states of the demo (chap lists without a core)', () => {
  let files: LoadedFile[] = [];
  let assembly: Assembly;
  beforeAll(async () => {
    files = await loadFiles(DEMO);
    assembly = assemble(files.map((f) => f.input));
  });
  afterAll(() => closeFiles(files));

  it('one state per snapshot, each new (uid, version 1), none live or waiting', () => {
    const states = assembledStates(assembly.snapshots, inputsOf(files), [], noWork, counter(7));
    expect(states.map((s) => [s.snap.name, s.uid, s.version, s.live, s.busy, s.stage, s.layout])).toEqual([
      ['heapgen-phase1.list_used', 7, 1, false, null, null, null],
      ['heapgen-phase2.list_used', 8, 1, false, null, null, null],
    ]);
    // chap's figures of each list pair: the tables are the assembly's, untouched.
    expect(states.map((s) => s.snap.table!.rows)).toEqual([26343 + 26, 25057 + 3003]);
    expect(completionOrder(states, '')).toEqual([]);
  });

  it('assembled again, a snapshot keeps its uid and gets a new version; one that appears gets a new uid', () => {
    const first = assembledStates(assembly.snapshots.slice(0, 1), inputsOf(files), [], noWork, counter(1));
    const again = assembledStates(assembly.snapshots, inputsOf(files), first, noWork, counter(50));
    expect(again.map((s) => [s.uid, s.version])).toEqual([
      [first[0].uid, 2],
      [50, 1],
    ]);
  });

  it('the two lists dropped together open Compare, phase 1 as A; with phase 1 there before, nothing new to pair', () => {
    const states = assembledStates(assembly.snapshots, inputsOf(files), [], noWork, counter());
    expect(comparePair(states, new Set())).toEqual({ a: states[0].snap.key, b: states[1].snap.key });
    expect(comparePair(states, new Set([states[0].snap.key]))).toBeNull();
  });

  it('saved and read back: the same snapshots, tables and sources, under new input ids and the key prefix', () => {
    const states = assembledStates(assembly.snapshots, inputsOf(files), [], noWork, counter());
    const facts = files.map((f) => ({ id: f.id, format: f.format, size: f.size, rows: f.input.table?.rows, info: f.info, warnings: [] }));
    const saved = savedOf('demo', {}, states.map((s) => snapshotToSave(s, facts)));
    const { inputs, states: back } = statesOfSaved(snapshotsOfSaved(saved), { newInputId: counter(100), newUid: counter(200) }, 'B:');
    expect(inputs.map((i) => [i.id, i.name, i.size, i.format])).toEqual(files.map((f, k) => [100 + k, f.name, f.size, 'chap-list']));
    expect(back.map((s) => [s.snap.key, s.uid, s.saved, s.live, s.snap.core])).toEqual([
      [`B:${states[0].snap.key}`, 200, true, false, null],
      [`B:${states[1].snap.key}`, 201, true, false, null],
    ]);
    // Each part names its own source's new input id, and the tables are the saved ones row for row.
    for (const [k, s] of back.entries()) {
      expect(s.snap.parts.map((p) => inputs.find((i) => i.id === p.input)?.name)).toEqual(states[k].snap.parts.map((p) => p.name));
      expect(s.snap.table!.rows).toBe(states[k].snap.table!.rows);
      expect(Array.from(s.snap.table!.size)).toEqual(Array.from(states[k].snap.table!.size));
    }
  });
});

describe('the runs the Timeline overlays', () => {
  let files: LoadedFile[] = [];
  const mprofDir = join(ROOT, 'workers', 'logic', 'formats', 'mprof');
  beforeAll(async () => {
    files = await loadFiles([join(mprofDir, 'sample-children.dat'), DEMO[0], join(mprofDir, 'sample-funcs.dat')]);
  });
  afterAll(() => closeFiles(files));

  it('every mprof run read, in the order given; not the lists, not a run still read or failed', () => {
    const inputs = files.map((f) => ({ id: f.id, name: f.name, status: 'done', format: f.format, info: f.info }));
    const runs = mprofRuns(inputs);
    expect(runs.map((r) => r.name)).toEqual(['sample-children.dat', 'sample-funcs.dat']);
    expect(runs[1].profile).toBe(files[2].info.mprof);
    expect(mprofRuns([{ ...inputs[0], status: 'reading' }, { ...inputs[2], status: 'error' }])).toEqual([]);
    // A child process's series and the function spans are the reader's (memory_profiler's answers: formats/mprof).
    expect(runs[0].profile.children.length).toBeGreaterThan(0);
    expect(runs[1].profile.funcs.length).toBeGreaterThan(0);
  });
});

describe('the stages of a core snapshot', () => {
  it('run in order — classes, attribution, leak sets — and none once each has its result', () => {
    const w: CoreWork = {};
    const steps = [];
    for (let s = nextStep(w); s; s = nextStep(w)) {
      steps.push(s);
      if (s === 'classes') w.table = { rows: 0 } as unknown as CoreWork['table'];
      if (s === 'attribution') w.attribution = {} as AttributionData;
      if (s === 'leaks') w.leaks = {} as LeakSummary;
    }
    expect(steps).toEqual(['classes', 'attribution', 'leaks']);
    expect(firstStage(0)).toBe('classes');
    expect(firstStage(2)).toBe('symbols');
  });

  it('a progress report of the same stage and file keeps its clock; another stage or file starts its own', () => {
    const start = stageStart('symbols', 'core.1', 10);
    expect(start).toEqual({ stage: 'symbols', file: 'core.1', done: 0, total: 0, unit: 'items', startedAt: 10, at: 10 });
    const same = stageOf(start, { file: 'core.1', bytesRead: 3, totalBytes: 5, stage: 'symbols' }, 'classes', 20);
    // The report's own time is kept beside the stage's start: the line's rate is the rate then.
    expect(same).toEqual({ stage: 'symbols', file: 'core.1', done: 3, total: 5, unit: 'items', startedAt: 10, at: 20 });
    expect(stageOf(same, { file: 'core.1', bytesRead: 1, totalBytes: 9, stage: 'leaks' }, 'classes', 30)).toEqual({ stage: 'leaks', file: 'core.1', done: 1, total: 9, unit: 'bytes', startedAt: 30, at: 30 });
    expect(stageOf(same, { file: 'core.2', bytesRead: 1, totalBytes: 9, stage: 'symbols' }, 'classes', 40).startedAt).toBe(40);
    // No stage named: the fallback (a read's reports name none).
    expect(stageOf(null, { file: 'f', bytesRead: 1, totalBytes: 2 }, 'read', 50)).toEqual({ stage: 'read', file: 'f', done: 1, total: 2, unit: 'bytes', startedAt: 50, at: 50 });
  });
});

describeShared('states of heapgen phase 1: its core, its list and its binaries', ['fixtures', 'heapgen'], () => {
  let files: LoadedFile[] = [];
  let assembly: Assembly;
  const heapgen = (f: string) => sharedPath('fixtures', 'heapgen', f);
  beforeAll(async () => {
    files = await loadFiles(['core.phase1.gz', 'core.phase1.list_used', 'heapgen', 'libwidgets.so', 'core.phase2.list_used', 'core.phase2.list_free'].map(heapgen), { localFiles: false });
    assembly = assemble(files.map((f) => f.input));
  });
  afterAll(() => closeFiles(files));

  it('the core snapshot is live and waits for its core, with its layout; the lists alone are not', () => {
    const states = assembledStates(assembly.snapshots, inputsOf(files), [], noWork, counter());
    const [core, lists] = states;
    expect(core.snap.name).toBe('core.phase1');
    expect(core.snap.parts.map((p) => p.as)).toEqual(['core', 'used', 'binary', 'binary']);
    expect([core.live, core.busy, core.stage, core.layout?.allocator]).toEqual([true, 'Waiting for its core…', null, expect.stringContaining('glibc')]);
    expect([lists.live, lists.busy, lists.layout]).toEqual([false, null, null]);
    // Only the core snapshot has stages to run; it starts with its binaries' symbols.
    expect(completionOrder(states, '').map((s) => s.snap.name)).toEqual(['core.phase1']);
    expect(firstStage(core.snap.parts.filter((p) => p.as === 'binary').length)).toBe('symbols');
  });

  it('a stage still running keeps its progress line across an assembly; a cancelled one is said and not waited for', () => {
    const first = assembledStates(assembly.snapshots, inputsOf(files), [], noWork, counter());
    const running = withProgress(withStagesStarted(first[0], stageStart('symbols', 'core.phase1.gz', 1)), { file: 'core.phase1.gz', bytesRead: 4000, totalBytes: 26369, stage: 'classes' }, 2);
    expect(running.stage).toEqual({ stage: 'classes', file: 'core.phase1.gz', done: 4000, total: 26369, unit: 'items', startedAt: 2, at: 2 });
    const again = assembledStates(assembly.snapshots, inputsOf(files), [running, first[1]], noWork, counter(90));
    expect([again[0].uid, again[0].version, again[0].stage]).toEqual([first[0].uid, 2, running.stage]);

    const cancelled = 'core.phase1.gz: naming classes from vtables was cancelled';
    const work: CoreWork = { cancelled };
    const after = assembledStates(assembly.snapshots, inputsOf(files), [running], (k) => (k === workKey(assembly.snapshots[0]) ? work : undefined), counter());
    expect([after[0].busy, after[0].stage, after[0].cancelled]).toEqual([null, null, cancelled]);
    expect(completionOrder(after, '')).toEqual([]);
    expect(withStagesEnded(running, { cancelled })).toMatchObject({ stage: null, busy: null, cancelled });
    expect(withStagesEnded(running, { error: 'no memory' }).error).toBe('could not complete core.phase1 from its core: no memory');
  });

  it("the stages' results: the named table is a new version, and a finished snapshot is neither waiting nor to complete", () => {
    const [core] = assembledStates(assembly.snapshots, inputsOf(files), [], noWork, counter());
    const named = { ...core.snap.table! };
    const python = { types: [] } as unknown as Parameters<typeof withClasses>[2];
    const withNames = withClasses(core, named, python);
    expect([withNames.version, withNames.snap.table === named, withNames.layout?.python]).toEqual([core.version + 1, true, python]);
    const done: CoreWork = { table: named, attribution: { detected: true } as AttributionData, leaks: { flags: new Uint16Array(0) } as unknown as LeakSummary };
    const states = assembledStates(assembly.snapshots, inputsOf(files), [core], (k) => (k === workKey(core.snap) ? done : undefined), counter());
    expect([states[0].busy, states[0].snap.table === named, states[0].attribution, states[0].leaks]).toEqual([null, true, done.attribution, done.leaks]);
    expect(completionOrder(states, '')).toEqual([]);
  });

  it('completion order: the current snapshot first, then the newest first', () => {
    const s = (key: string): SnapshotState => ({ uid: 0, snap: { key, name: key, kind: 'process', core: 1, parts: [], table: assembly.snapshots[0].table, knownSets: [] }, version: 1, attribution: null, layout: null, live: true, saved: false, busy: 'Waiting for its core…' });
    const list = [s('s1'), s('s2'), s('s3'), { ...s('s4'), busy: null }];
    expect(completionOrder(list, '').map((x) => x.snap.key)).toEqual(['s3', 's2', 's1']);
    expect(completionOrder(list, 's1').map((x) => x.snap.key)).toEqual(['s1', 's3', 's2']);
  });
});
