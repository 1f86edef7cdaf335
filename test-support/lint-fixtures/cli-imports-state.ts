// lint-as: cli/commands/fixture.ts
// expect: import-x/no-restricted-paths
// The CLI importing a browser store (Node code never imports pipeline, state or views).
import { useView } from '../../src/state/view.ts';

export const view = () => useView.getState();
