/** What a worker answers for one input read: the tables, or a failure message naming the file. */
import type { AllocationTable } from '../src/model/allocations.ts';
import type { ObjectTable } from '../src/model/objects.ts';
import type { TracemallocSnapshot } from '../src/model/traces.ts';
import { CancelledError, InputError, type InputWarning } from './logic/io/errors.ts';

export interface ReadOutcome {
  ok: boolean;
  cancelled?: boolean;
  error?: string;
  format?: string;
  table?: AllocationTable;
  tracemalloc?: TracemallocSnapshot;
  objects?: ObjectTable;
  warnings: InputWarning[];
  info?: Record<string, unknown>;
}

/** The outcome of a read that threw: cancelled, an `InputError` as it is, anything else prefixed with `file` and `what`. */
export function failedOutcome(e: unknown, file: string, what = ''): ReadOutcome {
  if (e instanceof CancelledError) return { ok: false, cancelled: true, error: e.message, warnings: [] };
  const message = e instanceof InputError ? e.message : `${file}: ${what}${(e as Error)?.message ?? String(e)}`;
  return { ok: false, error: message, warnings: [] };
}
