/**
 * Vitest global setup: builds the `heapscope` command (scripts/build-cli.mjs, about a quarter of a second) before
 * the tests that run `bin/heapscope.mjs`, so they run the sources as they are now, not an older build.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  execFileSync(process.execPath, [join(import.meta.dirname, '..', 'scripts', 'build-cli.mjs')], { stdio: 'inherit' });
}
