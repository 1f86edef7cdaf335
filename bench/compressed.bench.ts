/**
 * Compressed cores (issues 13 and 14): `npm run bench -- compressed`.
 * 1. Issue 13's decompression bombs, made here (small on disk): an 8 KB bzip2 core inflating to 6 GiB (concatenated
 *    bzip2 streams of runs), the same of zeros without an ELF header, and a 6.3 MB gzip core inflating to 6.5 GB.
 *    For each: wall and CPU time of `openCore`, its peak RSS growth (sampled at each progress report) and the outcome.
 * 2. The bench core (bench/out/footer/, made by the browser or core bench) as .gz (gzip -6) and .bz2 (bzip2 -9),
 *    made once in bench/out/: `openCore` (the first pass) and the heap walk, CPU, peak RSS and what the core held.
 * Needs the `bzip2` command for the bzip2 inputs (skipped, saying so, without it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { NodeFileSource } from '../cli/node-source.ts';
import { openCore } from '../workers/logic/formats/elf/core-file.ts';
import { findAllocations } from '../workers/logic/heaps/find-allocators.ts';
import { BytesSource, type ByteSource } from '../workers/logic/io/source.ts';
import { concatBytes, oneLoadCoreHeader } from '../test-support/elf-core-writer.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'bench', 'out');
const RUN = 45_000_000;
const HAVE_BZIP2 = spawnSync('bzip2', ['--help'], { stdio: 'ignore' }).status === 0;

const bzip2 = (b: Uint8Array): Uint8Array => new Uint8Array(spawnSync('bzip2', ['-c', '-9'], { input: b, maxBuffer: 1 << 30 }).stdout);

const mib = (n: number): string => `${(n / 2 ** 20).toFixed(0)} MiB`;

async function bomb(name: string, file: Uint8Array): Promise<void> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let outcome: string;
  try {
    const c = await openCore(new BytesSource(name, file), { onProgress: sample, chunkSize: 1 << 20 });
    outcome = `opened: ${c.imageSize.toLocaleString('en-US')} bytes decoded, ${(c.residentBytes / 2 ** 20).toFixed(1)} MiB held`;
  } catch (e) {
    outcome = (e as Error).message;
  }
  sample();
  const c = process.cpuUsage(c0);
  console.log(
    `| ${name} | ${file.length.toLocaleString('en-US')} B | ${((performance.now() - t0) / 1000).toFixed(1)} s (CPU ${((c.user + c.system) / 1e6).toFixed(1)} s) | +${mib(peak - base)} | ${outcome} |`,
  );
}

async function core(path: string): Promise<void> {
  const src: ByteSource = await NodeFileSource.open(path);
  try {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const c = await openCore(src);
    const c1 = process.cpuUsage(c0);
    const t1 = performance.now();
    const heap = await findAllocations(c);
    const c2 = process.cpuUsage(c0);
    const cpu = (u: NodeJS.CpuUsage): string => ((u.user + u.system) / 1e6).toFixed(1);
    console.log(
      `| ${path.split('/').pop()} (${(statSync(path).size / 1e6).toFixed(1)} MB) | ${((t1 - t0) / 1000).toFixed(1)} s (CPU ${cpu(c1)} s) | ` +
        `${((performance.now() - t0) / 1000).toFixed(1)} s (CPU ${cpu(c2)} s) | ${heap.table.rows.toLocaleString('en-US')} | ${(c.residentBytes / 2 ** 20).toFixed(1)} MiB | ${mib(process.resourceUsage().maxRSS * 1024)} |`,
    );
  } finally {
    await src.close?.();
  }
}

export async function run(): Promise<void> {
  console.log('| bomb | stored | openCore | peak RSS growth | outcome |');
  console.log('|---|---|---|---|---|');
  if (HAVE_BZIP2) {
    const ones = bzip2(new Uint8Array(RUN).fill(1));
    const zeros = bzip2(new Uint8Array(RUN));
    const n = Math.ceil((6 * 2 ** 30) / RUN);
    await bomb('bzip2 → 6 GiB (ELF header, runs of 1 and 0)', concatBytes([bzip2(oneLoadCoreHeader(n * RUN)), ...Array.from({ length: n }, (_, i) => (i % 2 ? zeros : ones))]));
    await bomb('bzip2 → 6 GiB of zeros (no ELF header)', concatBytes(Array.from({ length: n }, () => zeros)));
  } else console.log('| bzip2 bombs | | SKIPPED: no bzip2 command | | |');
  const run64 = gzipSync(new Uint8Array(64 << 20).fill(1), { level: 9 });
  const m = Math.ceil(6.5e9 / (64 << 20));
  await bomb('gzip → 6.5 GB (ELF header, runs of 1)', concatBytes([gzipSync(oneLoadCoreHeader(m * (64 << 20))), ...Array.from({ length: m }, () => run64)]));

  const dir = join(out, 'footer');
  const plain = existsSync(dir) ? readdirSync(dir).find((f) => /^core\.bench\.\d+$/.test(f)) : undefined;
  if (!plain) {
    console.log('\nbench core SKIPPED: none in bench/out/footer/ (`npm run bench -- browser` or `-- core` makes it)');
    return;
  }
  const path = join(dir, plain);
  const gz = join(out, 'footer.core.gz');
  const bz = join(out, 'footer.core.bz2');
  if (!existsSync(gz)) spawnSync('sh', ['-c', `gzip -6 -c '${path}' > '${gz}.tmp' && mv '${gz}.tmp' '${gz}'`]);
  if (HAVE_BZIP2 && !existsSync(bz)) spawnSync('sh', ['-c', `bzip2 -9 -c '${path}' > '${bz}.tmp' && mv '${bz}.tmp' '${bz}'`]);
  console.log('\n| core | openCore (first pass) | + heap walk | allocations | held by the core | peak RSS |');
  console.log('|---|---|---|---|---|---|');
  // Each in a child process of its own, so that its peak RSS is its own.
  for (const p of [path, gz, bz]) {
    if (!existsSync(p)) continue;
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--core', p], { cwd: root, encoding: 'utf8' });
    process.stdout.write(r.stdout || `| ${p} | failed: ${r.stderr.trim().split('\n').pop()} |\n`);
  }
}

if (process.argv[2] === '--core') await core(process.argv[3]);
