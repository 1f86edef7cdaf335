// lint-as: workers/logic/aggregate/fixture.ts
// expect: nothing
// What the logic may import: the model, other logic, its own packages.
import { AllocState } from '../../../src/model/allocations.ts';
import { HierarchyBuilder } from './hierarchy.ts';
import { gzipSync } from 'fflate';

export const parts = { AllocState, HierarchyBuilder, gzipSync };
