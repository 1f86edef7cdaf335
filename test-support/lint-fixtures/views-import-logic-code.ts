// lint-as: src/views/flame/fixture.ts
// expect: @typescript-eslint/no-restricted-imports
// A view importing code from the logic (types only are allowed; shared code lives in src/model).
import { HierarchyBuilder } from '../../../workers/logic/aggregate/hierarchy.ts';

export const builder = () => new HierarchyBuilder('all', ['all']);
