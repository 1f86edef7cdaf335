// lint-as: src/views/flame/fixture.ts
// expect: nothing
// What a view may import: the model's code, the logic's types, the layout, a store, a package.
import { totalOf } from '../../model/hierarchy.ts';
import type { GroupRow } from '../../../workers/logic/aggregate/groups.ts';
import { layoutFlame } from '../../layout/flame.ts';
import { useView } from '../../state/view.ts';
import { scaleLinear } from 'd3';

export const parts = { totalOf, layoutFlame, useView, scaleLinear };
export type Row = GroupRow;
