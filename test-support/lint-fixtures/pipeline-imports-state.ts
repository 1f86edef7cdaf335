// lint-as: src/pipeline/fixture.ts
// expect: import-x/no-restricted-paths
// A worker handle importing a store: backwards (stores use the pipeline, not the other way).
import { useAnalysis } from '../state/analysis.ts';

export const reset = () => useAnalysis.getState();
