// lint-as: workers/logic/formats/fixture.ts
// expect: @typescript-eslint/no-restricted-imports
// The logic reading a file with Node's fs: the same code runs in a browser worker.
import { readFileSync } from 'node:fs';

export const read = (p: string) => readFileSync(p);
