/**
 * Reading one dropped file into the inputs store (`inputs.ts`): its role sniffed, then read in a reader worker —
 * a core opened in the core worker, where it stays for the later stages and the inspector — with its progress
 * line, and what its reader gave or why it failed (a cancelled read says which stage of which file).
 */
import { cancelledMessage } from '../model/stages.ts';
import { newCancelFlag, openCoreInWorker, sniffReadInWorker } from '../pipeline/workers.ts';
import { stageOf } from '../../workers/logic/snapshot/states.ts';
import type { Progress } from '../../workers/logic/io/stream.ts';
import { newInputId, patchInput, useInputs, type InputEntry } from './inputs.ts';

/** Reads `file` as a new input; its id (the entry is gone when it was removed meanwhile). */
export async function readFile(file: File): Promise<number> {
  const id = newInputId();
  const entry: InputEntry = { id, name: file.name, size: file.size, status: 'reading', bytesRead: 0, startedAt: performance.now(), warnings: [], cancel: newCancelFlag() };
  useInputs.setState((s) => ({ entries: [...s.entries, entry] }));
  const onProgress = (p: Progress) => {
    const prev = useInputs.getState().entries.find((e) => e.id === id)?.progress;
    const start = { stage: 'read' as const, file: file.name, done: 0, total: file.size, unit: 'bytes' as const, startedAt: entry.startedAt, at: entry.startedAt };
    patchInput(id, { ...(p.stage && p.stage !== 'read' ? {} : { bytesRead: p.bytesRead }), progress: stageOf(prev ?? start, p, 'read', performance.now()) });
  };
  const first = await sniffReadInWorker(file, entry.cancel, onProgress);
  // Cores stay open in the core worker: classes, footers and the inspector read them later.
  const out = first.core ? await openCoreInWorker(id, file, entry.cancel, onProgress) : first.outcome;
  if (!useInputs.getState().entries.some((e) => e.id === id)) return id; // removed meanwhile
  const finishedAt = performance.now();
  if (out.ok) {
    patchInput(id, {
      status: 'done',
      finishedAt,
      bytesRead: file.size,
      format: out.format,
      table: out.table,
      tracemalloc: out.tracemalloc,
      objects: out.objects,
      rows: out.table?.rows ?? 0,
      info: out.info,
      warnings: out.warnings.map((w) => w.message),
      file: out.format === 'elf' ? file : undefined,
    });
  } else {
    // Cancelled: say which stage of the read (the read itself, a core's heap walk) and which file.
    const stage = useInputs.getState().entries.find((e) => e.id === id)?.progress?.stage ?? 'read';
    patchInput(id, { status: out.cancelled ? 'cancelled' : 'error', finishedAt, error: out.cancelled ? cancelledMessage(stage, file.name) : out.error, progress: undefined });
  }
  return id;
}
