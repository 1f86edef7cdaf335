/**
 * Assembling snapshots at scale: two ~600 MB cores of ~2.5M allocations each
 * (two runs of fixtures-gen/heapgen-mt.c in bench mode, captured with gcore,
 * cached in bench/out/snapshots/) and their `list used` files (written by
 * `heapscope list --used`, which equals chap's `list used` on every core we have
 * chap's answers for), given to `heapscope summary --json` in two orders. Checks
 * that each order reports two snapshots with each core's own used and free
 * counts (the lists' closing tallies, and `list --free`), and times the command.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureFixture } from '../fixtures-gen/capture.ts';

const N = 2_500_000;
const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '..', 'bin', 'heapscope.mjs');

async function core(k: number): Promise<string | null> {
  const dir = join(here, 'out', 'snapshots', `core${k}`);
  const cached = existsSync(dir) ? readdirSync(dir).find((f) => f.startsWith('core.bench.')) : undefined;
  if (cached) return join(dir, cached);
  const cap = await captureFixture(dir, 'bench', N);
  if ('skip' in cap) {
    console.log(`SKIPPED: ${cap.skip}`);
    return null;
  }
  return cap.core;
}

/** `heapscope list --used|--free CORE` into a file; returns its closing tally's count. */
function list(path: string, which: 'used' | 'free'): { file: string; count: number } {
  const file = `${path}.list_${which}`;
  if (!existsSync(file)) {
    const p = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" list --${which} "${path}" > "${file}.part" && mv "${file}.part" "${file}"`], { encoding: 'utf8' });
    if (p.status !== 0) throw new Error(`list --${which} ${path}: ${p.stderr}`);
  }
  const tail = execFileSync('tail', ['-n', '1', file], { encoding: 'utf8' });
  return { file, count: Number(/^(\d+) allocations/.exec(tail.trim())![1]) };
}

export async function run(): Promise<void> {
  const a = await core(1);
  const b = await core(2);
  if (!a || !b) return;
  console.log(`cores: ${(statSync(a).size / 1e6).toFixed(0)} MB and ${(statSync(b).size / 1e6).toFixed(0)} MB`);
  const [ua, fa, ub, fb] = [list(a, 'used'), list(a, 'free'), list(b, 'used'), list(b, 'free')];
  for (const [name, order] of [
    ['cores first', [a, b, ua.file, ub.file]],
    ['lists first, crossed', [ub.file, ua.file, b, a]],
  ] as const) {
    const t0 = performance.now();
    const p = spawnSync('/usr/bin/time', ['-f', '%M %U %S', process.execPath, BIN, 'summary', ...order, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const ms = performance.now() - t0;
    if (p.status !== 0) throw new Error(`summary failed: ${p.stderr}`);
    const j = JSON.parse(p.stdout) as { snapshots: { name: string; used: { count: number }; free: { count: number }; inputs: { file: string; as: string }[] }[] };
    const byCore = (path: string) => j.snapshots.find((s) => s.inputs.some((x) => x.as === 'core' && path.endsWith(x.file)))!;
    const ok =
      j.snapshots.length === 2 &&
      byCore(a).used.count === ua.count &&
      byCore(a).free.count === fa.count &&
      byCore(b).used.count === ub.count &&
      byCore(b).free.count === fb.count &&
      byCore(a).inputs.some((x) => x.as === 'used') &&
      byCore(b).inputs.some((x) => x.as === 'used');
    const [maxKb, user, sys] = p.stderr.trim().split('\n').pop()!.split(' ').map(Number);
    const rss = maxKb / 1024;
    console.log(
      `summary, ${name}: ${(ms / 1000).toFixed(2)} s wall, ${(user + sys).toFixed(2)} s CPU (load ${loadavg()[0].toFixed(1)}), peak RSS ${rss.toFixed(0)} MB; ${j.snapshots.length} snapshots, used ${ua.count.toLocaleString('en-US')} / ${ub.count.toLocaleString('en-US')}, free ${fa.count.toLocaleString('en-US')} / ${fb.count.toLocaleString('en-US')}: ${ok ? 'each equals its core' : 'MISMATCH'}`,
    );
    if (!ok) process.exitCode = 1;
  }
}
