// lint-as: src/model/fixture.ts
// expect: import-x/no-restricted-paths
// The model importing a reader: the model imports nothing outside src/model.
import { readChapList } from '../../workers/logic/formats/chap-list/chap-list.ts';

export const reader = readChapList;
