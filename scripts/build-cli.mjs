#!/usr/bin/env node
// Builds the `heapscope` command: bundles cli/main.ts and everything it imports into plain JavaScript under
// dist-cli/ (one chunk per subcommand, so `heapscope help` loads only the dispatcher). Run by npm's `prepare`
// script on `npm ci` / `npm install`, by `npm run build:cli`, and before the unit tests (vitest's global setup),
// so the command always runs what the sources say, with no TypeScript compiled at run time.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist-cli');

export async function buildCli() {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: { main: 'cli/main.ts' },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    // Packages stay in node_modules (resolved by Node at run time); only our own sources are bundled.
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildCli();
