/**
 * `npm run bench [-- NAME...]`: runs the benchmark modules `bench/<NAME>.bench.ts`
 * (all of them by default). Each exports `run(): Promise<void>` and prints its figures.
 * Same reader and aggregation code as the browser; Node's file access.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const all = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();
const names = wanted.length ? wanted : all;
console.log(`machine: ${cpus()[0]?.model ?? '?'} x${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
// The benchmarks that run the `heapscope` command (cli, browser, snapshots) measure this checkout's code: dist-cli/
// is built by `npm ci` and is stale after a pull or a rebase (a stale build measured 225 MiB for `list --used` where
// the tree takes 100).
if (spawnSync(process.execPath, [join(here, '..', 'scripts', 'build-cli.mjs')], { stdio: 'inherit' }).status !== 0) {
  console.error('scripts/build-cli.mjs failed: the command cannot be measured');
  process.exit(2);
}
for (const name of names) {
  if (!all.includes(name)) {
    console.error(`no benchmark "${name}" (have: ${all.join(', ')})`);
    process.exitCode = 2;
    continue;
  }
  console.log(`\n## ${name}`);
  const mod = (await import(pathToFileURL(`${here}/${name}.bench.ts`).href)) as { run(): Promise<void> };
  await mod.run();
}
