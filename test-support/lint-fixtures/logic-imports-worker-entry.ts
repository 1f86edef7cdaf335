// lint-as: workers/logic/diff/fixture.ts
// expect: import-x/no-restricted-paths
// The logic importing a worker entry (comlink glue sits above the logic).
import type { AggregateApi } from '../../aggregate.worker.ts';

export type Api = AggregateApi;
