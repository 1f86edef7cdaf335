import { expect, it } from 'vitest';
import { toCsv, toJson } from './export.ts';

it('CSV quotes cells with commas, quotes and newlines; JSON keeps numbers', () => {
  const cols = [
    { label: 'name', value: (r: { n: string; v: number }) => r.n },
    { label: 'bytes', value: (r: { n: string; v: number }) => r.v },
  ];
  const rows = [
    { n: 'std::map<int, long>', v: 3413480 },
    { n: 'say "hi"', v: 1 },
  ];
  expect(toCsv(rows, cols)).toBe('name,bytes\n"std::map<int, long>",3413480\n"say ""hi""",1\n');
  expect(JSON.parse(toJson(rows, cols))).toEqual([
    { name: 'std::map<int, long>', bytes: 3413480 },
    { name: 'say "hi"', bytes: 1 },
  ]);
});
