/** Types of the tracemalloc semantics, importable by the UI without pulling in the code. */
export type { KeyType } from './statistics.ts';
export type { TraceFilter } from './filters.ts';
