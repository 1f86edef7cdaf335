/**
 * `npm run bench [-- NAME...]`: runs the benchmark modules `bench/<NAME>.bench.ts`
 * (all of them by default). Each exports `run(): Promise<void>` and prints its figures.
 * Same reader and aggregation code as the browser; Node's file access.
 */
import { readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const all = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();
const names = wanted.length ? wanted : all;
console.log(`machine: ${cpus()[0]?.model ?? '?'} x${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
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
