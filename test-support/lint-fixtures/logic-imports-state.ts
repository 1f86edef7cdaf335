// lint-as: workers/logic/aggregate/fixture.ts
// expect: import-x/no-restricted-paths
// The logic importing a zustand store: backwards (state sits above the logic).
import { useAnalysis } from '../../../src/state/analysis.ts';

export const inputs = () => useAnalysis.getState().inputs.length;
