/**
 * Locates `../shared` (real inputs and reference answers beside the checkout).
 * Tests that need it use `describeShared`: when it is absent they are reported as
 * skipped with the reason, never passed silently.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SHARED = process.env.HEAPSCOPE_SHARED ?? resolve(ROOT, '..', 'shared');

export function sharedPath(...parts: string[]): string {
  return join(SHARED, ...parts);
}

export function hasShared(...parts: string[]): boolean {
  return existsSync(sharedPath(...parts));
}

/** `describe` that skips, saying why, when the shared file or folder is missing. */
export function describeShared(name: string, parts: string[], fn: () => void): void {
  if (hasShared(...parts)) {
    describe(name, fn);
  } else {
    const why = `${sharedPath(...parts)} is absent`;
    console.warn(`SKIPPED "${name}": ${why}`);
    // The body is not run: it may read the missing files while declaring its tests.
    describe.skip(`${name} [skipped: ${why}]`, () => {
      it.skip(`needs ${sharedPath(...parts)}`, () => {});
    });
  }
}

/** One core of chap's test suite in `../shared`. */
export interface ChapSuiteCore {
  /** Its test's folder name (`OneLeaked`) and the folder's path. */
  dir: string;
  folder: string;
  /** The core's file name (`core.20675`, `core.SpinningThreads.bz2`) and path. */
  file: string;
  core: string;
  /** The file name without `.bz2`: what chap's answer files beside it start with. */
  stem: string;
}

/** Every core of chap's ELF64 test suite in `../shared` (none when it is absent), its folders in name order. */
export function chapSuiteCores(): ChapSuiteCore[] {
  const suite = sharedPath('peer/chap-suite/ELF64');
  if (!existsSync(suite)) return [];
  const out: ChapSuiteCore[] = [];
  for (const dir of readdirSync(suite).sort()) {
    const folder = join(suite, dir);
    for (const file of readdirSync(folder)) {
      const m = /^(core\.[^.]+)(\.bz2)?$/.exec(file);
      if (m) out.push({ dir, folder, file, core: join(folder, file), stem: m[1] });
    }
  }
  return out;
}
