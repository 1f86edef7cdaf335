/** Aggregation worker: totals, groups and histograms over shared tables, off the main thread. */
import * as Comlink from 'comlink';
import type { AllocationTable } from '../src/model/allocations.ts';
import { summarize } from './aggregate/summary.ts';

const api = {
  summarize(tables: AllocationTable[]) {
    return summarize(tables);
  },
};

export type AggregateApi = typeof api;
Comlink.expose(api);
