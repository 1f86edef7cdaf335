// lint-as: src/views/inspector/fixture.ts
// expect: import-x/no-restricted-paths
// A view calling a worker itself: views get derived data through src/state (the derived-data hooks, the stores).
import { coreApi } from '../../pipeline/workers.ts';

export const bytes = (id: number) => coreApi().inspectBytes(id, 's1', null, 0, 0, 16);
