/**
 * What the real meliae loaders answered for the dumps in real-meliae/ (written by
 * fixtures-gen/python/make_real_meliae.py; README there): one reader of those files for the
 * reader's test (real-meliae.test.ts) and the CLI's (cli/commands/meliae-real.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../../../test-support/shared.ts';

export const REAL_MELIAE_DIR = join(ROOT, 'workers/logic/formats/meliae/real-meliae');

/** One object as meliae's loader gave it: `om[addr]`, `compute_total_size()`, `.c`, `.p`. */
export interface RecordedObject {
  address: number;
  /** meliae's `om[addr]` raised KeyError: the object was folded into another. */
  absent?: true;
  type: string;
  size: number;
  total: number;
  children: number[];
  parents: number[];
}

/** `summarize()` (rows and printed text) and chosen objects, for one way of loading. */
export interface RecordedAnswers {
  totalCount: number;
  totalSize: number;
  rows: { kind: string; count: number; size: number; max: number }[];
  text: string;
  objects: Record<string, RecordedObject>;
}

export interface Recorded {
  meliae: string;
  python: string;
  /** After `load()`. */
  collapsed: RecordedAnswers;
  /** After `load(collapse=False)` and `compute_parents()`. */
  raw: RecordedAnswers;
}

/** The dump `NAME.json.gz` and its recorded answers in real-meliae/SUB ('' for the meliae 0.3 files). */
export function realMeliae(sub: string, name: string): { dump: string; recorded: () => Recorded } {
  const dir = join(REAL_MELIAE_DIR, sub);
  return {
    dump: join(dir, `${name}.json.gz`),
    recorded: () => JSON.parse(readFileSync(join(dir, `${name}.answers.json`), 'utf8')) as Recorded,
  };
}

/** Addresses as a sorted set: meliae keeps parents in a set (0.4+) or a list with repeats (0.3). */
export const uniq = (a: number[]): number[] => [...new Set(a)].sort((x, y) => x - y);
