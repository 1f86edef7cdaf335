/**
 * The `heapscope` command as users run it (`node bin/heapscope.mjs`, the built JavaScript), against issue 14's
 * goals: start-up (`help`) against a bare `node -e 0`; `list --used` and `attribute` on a core of ~2M allocations
 * (malloc_tracer's hello_world has 2,000,012 blocks), `summary` on the ~600 MB / 2.5M-allocation footer core. The
 * cores are made by fixtures-gen/heapgen-mt.c in bench mode under fixtures-gen/footer-preload.c and cached in
 * bench/out/footer2m/ and bench/out/footer/. Wall time, CPU time (user + system) and peak RSS from GNU time,
 * best of 3 by wall time. chap's and the gdb plugin's figures are the issue's, measured on this machine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureFixture } from '../fixtures-gen/capture.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'heapscope.mjs');

async function footerCore(dir: string, n: number): Promise<{ core: string; exe: string } | null> {
  const d = join(root, 'bench', 'out', dir);
  const cached = existsSync(d) ? readdirSync(d).find((f) => f.startsWith('core.bench.')) : undefined;
  if (cached) return { core: join(d, cached), exe: join(d, 'heapgen-mt') };
  const cap = await captureFixture(d, 'bench', n, { footers: true });
  if ('skip' in cap) {
    console.log(`SKIPPED ${dir}: ${cap.skip}`);
    return null;
  }
  return { core: cap.core, exe: cap.exe };
}

interface Run {
  wall: number;
  cpu: number;
  rssMiB: number;
}

/** One run under GNU time; stdout goes to /dev/null. */
function timed(args: string[]): Run {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', 'sh', '-c', `"$0" "$@" > /dev/null`, process.execPath, ...args], { encoding: 'utf8' });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [wall, user, sys, kib] = last.split(' ').map(Number);
  if (r.status !== 0 || !Number.isFinite(kib)) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  return { wall, cpu: user + sys, rssMiB: kib / 1024 };
}

function best(args: string[], n = 3): Run {
  const runs = Array.from({ length: n }, () => timed(args));
  return runs.sort((a, b) => a.wall - b.wall)[0];
}

const line = (what: string, r: Run, goal: string): void =>
  console.log(`${what.padEnd(44)} ${r.wall.toFixed(2)} s wall, ${r.cpu.toFixed(2)} s CPU, ${r.rssMiB.toFixed(1)} MiB peak   goal ${goal}`);

export async function run(): Promise<void> {
  if (!existsSync(join(root, 'dist-cli', 'main.mjs'))) spawnSync(process.execPath, [join(root, 'scripts', 'build-cli.mjs')], { stdio: 'inherit' });
  if (!existsSync('/usr/bin/time')) {
    console.log('SKIPPED: needs GNU time (/usr/bin/time; Debian package "time")');
    return;
  }
  const mean = (args: string[]): number => {
    const xs = Array.from({ length: 20 }, () => timed(args).wall);
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  const bare = mean(['-e', '0']);
  const help = mean([bin, 'help']);
  console.log(`start-up, mean of 20: node -e 0 ${(bare * 1000).toFixed(0)} ms, heapscope help ${(help * 1000).toFixed(0)} ms (${(help / bare).toFixed(2)}x)   goal <= 2x`);

  const two = await footerCore('footer2m', 2_000_000);
  if (two) {
    console.log(`2M-block core: ${(statSync(two.core).size / 1e6).toFixed(0)} MB`);
    line('list --used', best([bin, 'list', '--used', two.core]), '<= 1.49 s (0.3 x chap list used 4.95 s), < 300 MB');
    line('attribute --bin heapgen-mt', best([bin, 'attribute', two.core, '--bin', two.exe]), '<= 94 MB (the gdb plugin; 28.7 s)');
  }
  const big = await footerCore('footer', 2_500_000);
  if (big) {
    console.log(`2.5M-allocation core: ${(statSync(big.core).size / 1e6).toFixed(0)} MB`);
    line('summary', best([bin, 'summary', big.core]), '<= 1.16 s (0.2 x chap count used 5.8 s), <= 325 MB (0.3 x 1,083 MB)');
  }
}
