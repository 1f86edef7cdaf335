/**
 * `npm run fuzz` — the fuzz campaign from the command line.
 *
 *   npm run fuzz                                  200 cases per target (the campaign npm test runs)
 *   npm run fuzz -- --cases 5000 --seed 7         a longer campaign with another seed
 *   npm run fuzz -- --target chap-list --target meliae
 *   npm run fuzz -- --replay reports/fuzz/core/hang-….bin --target core
 *
 * Options: --cases N, --seed N, --jobs N (child processes, default 2), --timeout MS (per case, 30000),
 * --rss MB (memory a case may add, 768), --time-budget S, --out DIR (reproducers, reports/fuzz),
 * --no-minimize. Exit status 1 when anything was found.
 */
import { formatReport, replay, runCampaign } from './campaign.ts';
import { TARGETS, type TargetName } from './seeds.ts';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(`npm run fuzz -- [options]: mutate the real inputs of every reader, each case in a child process under a time and a memory limit
  --target NAME     only this target (repeatable): ${TARGETS.join(', ')}
  --cases N         cases per target (200; the python target gets a tenth)
  --seed N          campaign seed (1): the same seed gives the same cases
  --jobs N          child processes at once (2)
  --timeout MS      per case (30000)          --rss MB      memory a case may add (768)
  --time-budget S   start no case after S s   --out DIR     reproducers (reports/fuzz)
  --no-minimize     keep findings as found
  --replay FILE --target NAME    run one input file through a target
Exit status 1 when anything was found (a crash, hang, blow-up, loop deaf to cancel, or a case the mutator failed to build).`);
  process.exit(0);
}
const targets: TargetName[] = [];
const num = (name: string, fallback?: number): number | undefined => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  if (!Number.isFinite(v) || v < 0) {
    console.error(`fuzz: ${name} needs a number, not "${args[i + 1]}"`);
    process.exit(2);
  }
  return v;
};
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--target') {
    const t = args[++i] as TargetName;
    if (!TARGETS.includes(t)) {
      console.error(`fuzz: unknown target "${t}" (targets: ${TARGETS.join(', ')})`);
      process.exit(2);
    }
    targets.push(t);
  }
}
const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;
const timeoutMs = num('--timeout');
const rssLimitMb = num('--rss');

if (args.includes('--replay')) {
  const file = args[args.indexOf('--replay') + 1];
  if (targets.length !== 1) {
    console.error('fuzz: --replay needs exactly one --target');
    process.exit(2);
  }
  const r = await replay(targets[0], file, { timeoutMs, rssLimitMb });
  console.log(`${targets[0]} ${file}: ${r.outcome} in ${r.ms.toFixed(0)} ms, +${r.rssMb.toFixed(0)} MiB resident\n${r.message}`);
  process.exit(r.outcome === 'ok' || r.outcome === 'refused' || r.outcome === 'cancelled' ? 0 : 1);
}

const budget = num('--time-budget');
const report = await runCampaign({
  targets: targets.length ? targets : undefined,
  cases: num('--cases'),
  seed: num('--seed'),
  jobs: num('--jobs'),
  timeoutMs,
  rssLimitMb,
  outDir: out,
  minimize: !args.includes('--no-minimize'),
  timeBudgetMs: budget === undefined ? undefined : budget * 1000,
  log: (l) => console.log(l),
});
console.log(formatReport(report));
process.exit(report.findings.length || report.harness.length ? 1 : 0);
