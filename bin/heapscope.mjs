#!/usr/bin/env node
// Entry point of the `heapscope` command: runs the CLI built into dist-cli/ by `npm ci` (the `prepare` script,
// scripts/build-cli.mjs) — plain JavaScript, so nothing is compiled at start-up.
let main;
try {
  ({ main } = await import('../dist-cli/main.mjs'));
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('dist-cli')) throw e;
  process.stderr.write('heapscope: the command is not built yet: run `npm run build:cli` (npm ci does it)\n');
  process.exit(2);
}
process.exitCode = await main(process.argv.slice(2));
