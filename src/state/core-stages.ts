/**
 * The later stages of core snapshots, run in the core worker: class names (after the binaries' symbols), footer
 * attribution, then chap's leak sets, each shown as it finishes, with its progress line, Cancel (or Esc) and Run
 * again. What each stage's result makes of a snapshot's state, and which stage comes next, are the pure functions
 * of `workers/logic/snapshot/states.ts`; this file keeps what the stages produced (by what each snapshot is made
 * of, so assembling again does not redo a core's work) and their cancel flags, and calls the worker.
 */
import { cancelledMessage } from '../model/stages.ts';
import { coreApi, newCancelFlag, stageProgress } from '../pipeline/workers.ts';
import { summaryReady } from './derived.ts';
import { firstStage, nextStep, stageStart, withClasses, withProgress, withStagesEnded, withStagesStarted, workKey, type CoreWork } from '../../workers/logic/snapshot/states.ts';
import type { Progress } from '../../workers/logic/io/stream.ts';
import type { InputEntry } from './inputs.ts';
import { useSnapshots, type SnapshotState } from './snapshots.ts';

/** What each core snapshot's stages produced, by `workKey`. */
const work = new Map<string, CoreWork>();

/** Each core snapshot's cancel flag for its later stages (by snapshot key): one flag across assemblies, new after a cancel. */
const stageFlags = new Map<string, Int32Array>();

/** What the stages of the core snapshot made of `workKey` produced so far. */
export function coreWork(key: string): CoreWork | undefined {
  return work.get(key);
}

function update(key: string, f: (s: SnapshotState) => SnapshotState): void {
  useSnapshots.setState((st) => ({ list: st.list.map((s) => (s.snap.key === key ? f(s) : s)) }));
}

function isCancelled(e: unknown): boolean {
  return (e as Error)?.name === 'CancelledError';
}

/**
 * Runs the stages core snapshot `s` still needs (its inputs among `live`), each result stored as it lands.
 * `current()` says whether the assembly that asked is still the latest: false (returned too) once a newer took over.
 */
export async function completeCore(s: SnapshotState, live: readonly InputEntry[], current: () => boolean): Promise<boolean> {
  const key = s.snap.key;
  const wk = workKey(s.snap);
  const done: CoreWork = work.get(wk) ?? {};
  work.set(wk, done);
  const id = s.snap.core!;
  const binaries = s.snap.parts.filter((p) => p.as === 'binary').map((p) => live.find((e) => e.id === p.input)?.file).filter((f): f is File => !!f);
  let flag = stageFlags.get(key);
  if (!flag || Atomics.load(flag, 0) !== 0) stageFlags.set(key, (flag = newCancelFlag()));
  const coreName = live.find((e) => e.id === id)?.name ?? s.snap.name;
  // Reports come on their own channel: one arriving after the stages ended (or were cancelled) is dropped.
  let over = false;
  const onProgress = stageProgress((p: Progress) => {
    if (!over) update(key, (x) => withProgress(x, p, performance.now()));
  });
  const first = firstStage(binaries.length);
  update(key, (x) => withStagesStarted(x, stageStart(first, coreName, performance.now())));
  try {
    // The overview first: its summary is computed before the stages start (they would share the CPU with it).
    await summaryReady(s);
    if (!current()) return false;
    for (let step = nextStep(done); step; step = nextStep(done)) {
      if (step === 'classes') {
        const { table, python } = await coreApi().nameClasses(id, s.snap.table!, binaries, flag, onProgress);
        done.table = table;
        done.python = python;
        if (!current()) return false;
        update(key, (x) => withClasses(x, table, python));
      } else if (step === 'attribution') {
        const attribution = await coreApi().attributeSnapshot(id, done.table!, flag, onProgress);
        done.attribution = attribution;
        if (!current()) return false;
        update(key, (x) => ({ ...x, attribution }));
      } else {
        const leaks = await coreApi().leakSummary(id, onProgress, 20, flag);
        done.leaks = leaks;
        if (!current()) return false;
        update(key, (x) => ({ ...x, leaks }));
      }
    }
    over = true;
    update(key, (x) => withStagesEnded(x));
  } catch (e) {
    over = true;
    if (isCancelled(e)) {
      const at = useSnapshots.getState().list.find((x) => x.snap.key === key)?.stage;
      const cancelled = cancelledMessage(at?.stage ?? first, at?.file ?? coreName);
      done.cancelled = cancelled;
      update(key, (x) => withStagesEnded(x, { cancelled }));
      return current();
    }
    if (!current()) return false;
    update(key, (x) => withStagesEnded(x, { error: (e as Error).message }));
  }
  return current();
}

/** Cancels the stages running on snapshot `key`. */
export function cancelCoreStages(key: string): void {
  const flag = stageFlags.get(key);
  if (flag) Atomics.store(flag, 0, 1);
}

/** Cancels the stages running on every core snapshot; true when one was running. */
export function cancelAllCoreStages(): boolean {
  let any = false;
  for (const s of useSnapshots.getState().list) {
    const flag = stageFlags.get(s.snap.key);
    if (s.stage && flag) {
      Atomics.store(flag, 0, 1);
      any = true;
    }
  }
  return any;
}

/** Forgets that a stage of snapshot `s` was cancelled, so that its stages run again. */
export function clearCancelled(s: SnapshotState): void {
  const done = work.get(workKey(s.snap));
  if (done) done.cancelled = undefined;
}

/** Closes core `id` in the core worker (its file was removed). */
export function closeCore(id: number): void {
  void coreApi().close(id);
}

/** Stops every stage, closes the cores of `entries` and forgets what the stages produced (a new analysis). */
export function forgetCores(entries: readonly InputEntry[]): void {
  for (const f of stageFlags.values()) Atomics.store(f, 0, 1);
  for (const e of entries) if (e.format === 'core' && !e.saved) closeCore(e.id);
  work.clear();
  stageFlags.clear();
}
