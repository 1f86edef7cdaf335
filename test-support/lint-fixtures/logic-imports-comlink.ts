// lint-as: workers/logic/session/fixture.ts
// expect: @typescript-eslint/no-restricted-imports
// The logic using the worker API: only workers/*.worker.ts expose it.
import * as Comlink from 'comlink';

export const expose = (x: object) => Comlink.expose(x);
