/**
 * The files of the current analysis: each one's reading progress, what its
 * reader gave (tables, facts, warnings) or why it failed. Which files form which
 * snapshot is decided by the assembly (`snapshots.ts`), not here.
 */
import { useMemo } from 'react';
import { create } from 'zustand';
import type { AllocationTable } from '../model/allocations.ts';
import type { ObjectTable } from '../model/objects.ts';
import type { TracemallocSnapshot } from '../model/traces.ts';
import type { StageState } from '../model/snapshot-state.ts';
import { mprofRuns } from '../../workers/logic/snapshot/states.ts';

export type InputStatus = 'reading' | 'done' | 'error' | 'cancelled';

export interface InputEntry {
  id: number;
  name: string;
  size: number;
  status: InputStatus;
  bytesRead: number;
  startedAt: number;
  /** The stage of its read in progress (the read itself, a core's heap walk), while it is read. */
  progress?: StageState;
  finishedAt?: number;
  format?: string;
  rows?: number;
  table?: AllocationTable;
  tracemalloc?: TracemallocSnapshot;
  objects?: ObjectTable;
  info?: Record<string, unknown>;
  warnings: string[];
  error?: string;
  cancel: Int32Array;
  /** ELF binaries: the dropped file, read again by the core worker for symbols. */
  file?: File;
  /** Read back from a saved or shared analysis: its tables only, no file and no memory behind them. */
  saved?: 'library' | 'shared';
}

interface InputsState {
  entries: InputEntry[];
}

export const useInputs = create<InputsState>(() => ({ entries: [] }));

let nextId = 1;

/** A new input id (unique within the page). */
export function newInputId(): number {
  return nextId++;
}

export function patchInput(id: number, p: Partial<InputEntry>): void {
  useInputs.setState((s) => ({ entries: s.entries.map((e) => (e.id === id ? { ...e, ...p } : e)) }));
}

export function doneInputs(): InputEntry[] {
  return useInputs.getState().entries.filter((e) => e.status === 'done');
}

/** React hook: the mprof runs the Timeline overlays (`mprofRuns`: every mprof run read, in the order dropped). */
export function useMprofRuns(): ReturnType<typeof mprofRuns> {
  const entries = useInputs((s) => s.entries);
  return useMemo(() => mprofRuns(entries), [entries]);
}

/** Name and size of every local file of the analysis, kept across a reload that loses the files. */
export interface RememberedFile {
  name: string;
  size: number;
}

const REMEMBER_KEY = 'heapscope.files';

export function rememberFiles(files: RememberedFile[]): void {
  try {
    if (files.length) sessionStorage.setItem(REMEMBER_KEY, JSON.stringify(files));
    else sessionStorage.removeItem(REMEMBER_KEY);
  } catch {
    /* storage unavailable: nothing to remember with */
  }
}

export function rememberedFiles(): RememberedFile[] {
  try {
    const v = JSON.parse(sessionStorage.getItem(REMEMBER_KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((f): f is RememberedFile => typeof f?.name === 'string' && typeof f?.size === 'number') : [];
  } catch {
    return [];
  }
}
