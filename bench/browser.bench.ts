/**
 * The browser beside Node (issue 14): `npm run bench -- browser` builds the app, serves it as `npm start` does, and
 * drives Chromium (Playwright, Debian's /usr/bin/chromium) through drop → overview for the bench core (607 MB,
 * 2.5M allocations, bench/out/footer/), its .gz, and the 2.6M-allocation chap list (bench/out/). For each: time from
 * the file picker to the overview's in-use count, time until every later stage is done (attribution, class names:
 * no status line left), and the renderer's peak resident memory (VmHWM of the tab's renderer process, which runs its
 * workers too). Node's figures for the same input: `heapscope summary` under GNU time. A fresh browser per input.
 * `BENCH_INPUTS=a,b` measures other files; `BENCH_PORT` (4390) is the server's port.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { chromium } from '@playwright/test';
import { captureFixture } from '../fixtures-gen/capture.ts';
import { generateChapList } from './gen-chap-list.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'bench', 'out');
const PORT = Number(process.env.BENCH_PORT ?? 4390);

interface Case {
  name: string;
  path: string;
  goal: string;
}

async function inputs(): Promise<Case[]> {
  // BENCH_INPUTS=path[,path…] measures those files instead (e.g. a 6 GB core made with captureFixture).
  if (process.env.BENCH_INPUTS) {
    return process.env.BENCH_INPUTS.split(',').map((path) => ({ name: `${path.split('/').pop()} (${(statSync(path).size / 1e6).toFixed(0)} MB)`, path, goal: 'see BENCHMARKS.md' }));
  }
  const cases: Case[] = [];
  const dir = join(out, 'footer');
  let core = existsSync(dir) ? readdirSync(dir).find((f) => /^core\.bench\.\d+$/.test(f)) : undefined;
  if (!core) {
    const cap = await captureFixture(dir, 'bench', 2_500_000, { footers: true });
    if ('skip' in cap) console.log(`bench core SKIPPED: ${cap.skip}`);
    else core = cap.core.split('/').pop();
  }
  if (core) {
    const path = join(dir, core);
    cases.push({ name: `bench core (${(statSync(path).size / 1e6).toFixed(0)} MB)`, path, goal: 'overview ≤ Node; tab ≤ 1.5 GB' });
    const gz = join(out, 'footer.core.gz');
    if (!existsSync(gz)) {
      await pipeline(createReadStream(path), createGzip({ level: 6 }), createWriteStream(`${gz}.tmp`));
      renameSync(`${gz}.tmp`, gz);
    }
    cases.push({ name: `its .gz (${(statSync(gz).size / 1e6).toFixed(1)} MB)`, path: gz, goal: 'tab ≤ 400 MB' });
  }
  const list = join(out, 'chap-list-2600000.list_used');
  if (!existsSync(list)) await generateChapList(list, 2_600_000);
  cases.push({ name: `2.6M list (${(statSync(list).size / 1e6).toFixed(0)} MB)`, path: list, goal: 'overview ≤ Node' });
  return cases;
}

/** Node: `heapscope summary` under GNU time; returns [wall s, peak MiB, in-use count]. */
function node(path: string): { wall: number; peakMiB: number; used: string } {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, join(root, 'bin', 'heapscope.mjs'), 'summary', path, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const [wall, kib] = (r.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
  const j = JSON.parse(r.stdout) as { snapshots?: { used?: { count: number } }[]; used?: { count: number } };
  const count = j.snapshots?.[0]?.used?.count ?? j.used?.count ?? 0;
  return { wall, peakMiB: kib / 1024, used: count.toLocaleString('en-US') };
}

const ppidOf = (pid: string): string => /PPid:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '0';

/** Peak resident memory (VmHWM) of the renderer processes of the browser started with `--heapscope-bench=<tag>`. */
function rendererPeakMiB(tag: string): number {
  const procs = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  const cmd = (pid: string): string => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      return '';
    }
  };
  const browserPid = procs.find((p) => cmd(p).includes(`--heapscope-bench=${tag}`) && !cmd(p).includes('--type='));
  if (!browserPid) return NaN;
  let peak = 0;
  for (const pid of procs) {
    try {
      if (!cmd(pid).includes('--type=renderer')) continue;
      // The renderer is a child of the browser or of its zygote (a child of the browser).
      let up = ppidOf(pid);
      for (let k = 0; k < 3 && up !== browserPid && up !== '0'; k++) up = ppidOf(up);
      if (up !== browserPid) continue;
      const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      peak = Math.max(peak, hwm / 1024);
    } catch {
      /* the process ended */
    }
  }
  return peak;
}

async function browser(path: string, used: string): Promise<{ toOverview: number; toDone: number; peakMiB: number }> {
  const tag = `${process.pid}-${Date.now()}`;
  const b = await chromium.launch({
    executablePath: process.env.HEAPSCOPE_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', `--heapscope-bench=${tag}`],
  });
  try {
    const page = await b.newPage();
    await page.goto(`http://127.0.0.1:${PORT}/`);
    const t0 = Date.now();
    await page.getByTestId('file-input').setInputFiles(path);
    await page.getByTestId('stat-used-count').filter({ hasText: used }).waitFor({ timeout: 600_000 });
    const toOverview = Date.now() - t0;
    await page.locator('main > [role="status"]').waitFor({ state: 'detached', timeout: 600_000 });
    const toDone = Date.now() - t0;
    // Peak resident memory of the tab's renderer (its workers are threads of it).
    const peakMiB = rendererPeakMiB(tag);
    return { toOverview, toDone, peakMiB };
  } finally {
    await b.close();
  }
}

async function serve(): Promise<ChildProcess> {
  const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('vite build failed');
  const srv = spawn(process.execPath, [join(root, 'server', 'serve.mjs')], { cwd: root, env: { ...process.env, PORT: String(PORT), HOST: '127.0.0.1' }, stdio: 'ignore' });
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/`)).ok) return srv;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  srv.kill();
  throw new Error(`the server did not answer on port ${PORT}`);
}

export async function run(): Promise<void> {
  if (!existsSync(process.env.HEAPSCOPE_CHROMIUM ?? '/usr/bin/chromium')) {
    console.log('SKIPPED: no Chromium at /usr/bin/chromium (npm test installs it)');
    return;
  }
  if (!existsSync(join(root, 'dist-cli', 'main.mjs'))) spawnSync(process.execPath, [join(root, 'scripts', 'build-cli.mjs')], { stdio: 'inherit' });
  const cases = await inputs();
  const srv = await serve();
  try {
    console.log('| input | Node: heapscope summary | browser: drop → overview (→ every stage done) | renderer peak | goal |');
    console.log('|---|---|---|---|---|');
    for (const c of cases) {
      const n = node(c.path);
      const b = await browser(c.path, n.used);
      console.log(
        `| ${c.name} | ${n.wall.toFixed(2)} s, ${n.peakMiB.toFixed(0)} MiB | ${(b.toOverview / 1000).toFixed(2)} s (${(b.toDone / 1000).toFixed(2)} s) | ${b.peakMiB.toFixed(0)} MiB | ${c.goal} |`,
      );
    }
  } finally {
    srv.kill();
  }
}
