/**
 * Locates `../shared` (real inputs and reference answers beside the checkout).
 * Tests that need it use `describeShared`: when it is absent they are reported as
 * skipped with the reason, never passed silently.
 */
import { existsSync } from 'node:fs';
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
