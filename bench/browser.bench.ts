/**
 * The browser beside Node (issue 14): `npm run bench -- browser` builds the app, serves it as `npm start` does, and
 * drives Chromium (Playwright, Debian's /usr/bin/chromium) through drop → overview for the bench core (607 MB,
 * 2.5M allocations, bench/out/footer/), its .gz, and the 2.6M-allocation chap list (bench/out/). For each: time from
 * the drop (the file input's change event: Playwright's setInputFiles spends ~200 ms before it, which no user's drop
 * does; until 2026-12-04 the times included it) to the overview's in-use count, time until every later stage is done (class names, attribution,
 * leak sets: no progress line left), and the renderer's peak resident memory (VmHWM of the tab's renderer process, which runs its
 * workers too). Node's figures for the same input: `heapscope summary` under GNU time. A fresh browser per input.
 * `BENCH_INPUTS=a,b` measures other files; `BENCH_PORT` (4390) is the server's port.
 *
 * Leaks (issue 11), for each core: chap's graph + anchors + sets in the browser. A fresh browser opens on the
 * histogram; the leak sets are the pipeline's last stage: wall time from its progress line's start to the Leaks
 * view's counts and grouped set drawn (`k` once every stage is done), the renderer's CPU time meanwhile (its workers are its
 * threads), and the core worker's own figures (the view's timing line). Node's: `analyzeCoreRead` in this process
 * after the heap walk, wall and CPU time (the leaks benchmark's step).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { captureFixture, gzipOnce } from '../fixtures-gen/capture.ts';
import { generateChapList } from './gen-chap-list.ts';
import { NodeFileSource } from '../cli/node-source.ts';
import { readCore } from '../workers/logic/formats/core/read-core.ts';
import { analyzeCoreRead } from '../workers/logic/leaks/from-core.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'bench', 'out');
export const PORT = Number(process.env.BENCH_PORT ?? 4390);

interface Case {
  name: string;
  path: string;
  goal: string;
  /** A core: its leak analysis is measured too. */
  core?: boolean;
}

async function inputs(): Promise<Case[]> {
  // BENCH_INPUTS=path[,path…] measures those files instead (e.g. a 6 GB core made with captureFixture).
  if (process.env.BENCH_INPUTS) {
    return process.env.BENCH_INPUTS.split(',').map((path) => ({ name: `${path.split('/').pop()} (${(statSync(path).size / 1e6).toFixed(0)} MB)`, path, goal: 'see BENCHMARKS.md', core: /core/.test(path.split('/').pop() ?? '') }));
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
    cases.push({ name: `bench core (${(statSync(path).size / 1e6).toFixed(0)} MB)`, path, goal: 'overview ≤ Node; tab ≤ 1.5 GB', core: true });
    const gz = join(out, 'footer.core.gz');
    await gzipOnce(path, gz, 6);
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

/** In the page: every stage of every snapshot is done (no progress line, no snapshot waiting for its core). */
export const STAGES_DONE = (): boolean => !(globalThis as unknown as { document: { querySelector(q: string): unknown } }).document.querySelector('[data-testid="stage-progress"], [data-testid="snapshot-busy"]');

const ppidOf = (pid: string): string => /PPid:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '0';

/** The renderer processes (the tab's main thread and its workers) of the browser started with `--heapscope-bench=<tag>`. */
function rendererPids(tag: string): string[] {
  const procs = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  const cmd = (pid: string): string => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      return '';
    }
  };
  const browserPid = procs.find((p) => cmd(p).includes(`--heapscope-bench=${tag}`) && !cmd(p).includes('--type='));
  if (!browserPid) return [];
  return procs.filter((pid) => {
    try {
      if (!cmd(pid).includes('--type=renderer')) return false;
      // The renderer is a child of the browser or of its zygote (a child of the browser).
      let up = ppidOf(pid);
      for (let k = 0; k < 3 && up !== browserPid && up !== '0'; k++) up = ppidOf(up);
      return up === browserPid;
    } catch {
      return false; // the process ended
    }
  });
}

/** Adds `read(pid)` over the pids, a process that ended meanwhile counting 0. */
function sumOver(pids: string[], read: (pid: string) => number, add: (a: number, b: number) => number): number {
  let acc = 0;
  for (const pid of pids) {
    try {
      acc = add(acc, read(pid));
    } catch {
      /* the process ended */
    }
  }
  return acc;
}

/** Peak resident memory (VmHWM) of the renderer processes of the browser started with `--heapscope-bench=<tag>`; NaN when it is not found. */
function rendererPeakMiB(tag: string): number {
  const pids = rendererPids(tag);
  if (pids.length === 0) return NaN;
  return sumOver(pids, (pid) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024, Math.max);
}

/** CPU seconds (user + system) of the renderer processes of the browser started with `--heapscope-bench=<tag>` (or of `pids`). */
function rendererCpu(tag: string, pids = rendererPids(tag)): number {
  const ticks = sumOver(
    pids,
    (pid) => {
      // Fields after the command name: state is 3rd, utime 14th, stime 15th of the whole line.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(f[11]) + Number(f[12]);
    },
    (a, b) => a + b,
  );
  return ticks / 100;
}

/** A Chromium whose command line carries `--heapscope-bench=<tag>`, so its renderers can be found in /proc. */
function launchTagged(tag: string) {
  return chromium.launch({
    executablePath: process.env.HEAPSCOPE_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', `--heapscope-bench=${tag}`],
  });
}

async function browser(path: string, used: string): Promise<{ toOverview: number; toDone: number; peakMiB: number; cpu: number }> {
  const tag = `${process.pid}-${Date.now()}`;
  const b = await launchTagged(tag);
  try {
    const page = await b.newPage();
    await page.goto(`http://127.0.0.1:${PORT}/`);
    // The page notes when the overview's in-use count shows the expected figure, and when no stage is left after it
    // (a MutationObserver: Playwright's own waits poll at up to 500 ms intervals, which the figures would include).
    // A string, not a function: tsx's transform would wrap the function's inner functions in a helper the page lacks.
    await page.evaluate(`(() => {
      const count = ${JSON.stringify(used)};
      const marks = (globalThis.__bench = {});
      const now = () => performance.timeOrigin + performance.now();
      // The drop: the moment the page has the file (Playwright's setInputFiles takes ~200 ms before that here).
      document.addEventListener('change', () => { marks.drop ??= now(); }, true);
      new MutationObserver(() => {
        if (marks.overview === undefined && document.querySelector('[data-testid="stat-used-count"]')?.textContent?.includes(count)) marks.overview = now();
        if (marks.overview !== undefined && marks.done === undefined && !document.querySelector('[data-testid="stage-progress"], [data-testid="snapshot-busy"]')) marks.done = now();
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    })()`);
    const t0 = Date.now();
    await page.getByTestId('file-input').setInputFiles(path);
    await page.getByTestId('stat-used-count').filter({ hasText: used }).waitFor({ timeout: 600_000 });
    await page.waitForFunction(STAGES_DONE, undefined, { timeout: 600_000, polling: 100 });
    const marks = await page.evaluate(() => (globalThis as unknown as { __bench: { drop?: number; overview?: number; done?: number } }).__bench);
    const from = marks.drop ?? t0;
    const toOverview = (marks.overview ?? Date.now()) - from;
    const toDone = (marks.done ?? Date.now()) - from;
    // Peak resident memory of the tab's renderer (its workers are threads of it).
    const peakMiB = rendererPeakMiB(tag);
    // CPU seconds of the tab's renderer (main thread and workers) from its start to every stage done.
    const cpu = rendererCpu(tag);
    return { toOverview, toDone, peakMiB, cpu };
  } finally {
    await b.close();
  }
}

/** The Leaks view of a core: `k` after every stage is done → its counts and grouped set drawn. */
async function browserLeaks(path: string): Promise<{ wall: number; cpu: number; worker: string; leaked: string }> {
  const tag = `${process.pid}-${Date.now()}-leaks`;
  const b = await launchTagged(tag);
  try {
    const page = await b.newPage();
    // The leak sets are the pipeline's last stage: timed from its progress line's start to the Leaks view drawn. The
    // page notes when that line first shows (a MutationObserver): on a small core it shows for a few tens of ms, which
    // Playwright's polling wait for the line missed, waiting out its 600 s timeout (the "hang" of the leakgen core).
    await page.goto(`http://127.0.0.1:${PORT}/#v=1&view=histogram`);
    await page.evaluate(`(() => {
      const marks = (globalThis.__leaks = {});
      const obs = new MutationObserver(() => {
        if (document.querySelector('[data-testid="stage-progress"][data-stage="leaks"]')) {
          marks.start = performance.timeOrigin + performance.now();
          obs.disconnect();
        }
      });
      obs.observe(document.body, { subtree: true, childList: true, attributes: true });
    })()`);
    // The renderer's CPU is sampled every 20 ms from the drop (its threads' stat files only): the sample before the
    // line showed is the stage's start, however short the stage.
    const pids = rendererPids(tag);
    const cpuAt: [number, number][] = [];
    const sample = () => cpuAt.push([Date.now(), rendererCpu(tag, pids)]);
    sample();
    const sampler = setInterval(sample, 20);
    await page.getByTestId('file-input').setInputFiles(path);
    let t0: number;
    try {
      await page.waitForFunction(() => (globalThis as unknown as { __leaks: { start?: number } }).__leaks.start !== undefined, undefined, { timeout: 600_000, polling: 50 });
      await page.waitForFunction(STAGES_DONE, undefined, { timeout: 600_000, polling: 50 });
      t0 = await page.evaluate(() => (globalThis as unknown as { __leaks: { start: number } }).__leaks.start);
    } finally {
      clearInterval(sampler);
    }
    const cpu0 = [...cpuAt].reverse().find(([at]) => at <= t0)?.[1] ?? cpuAt[0][1];
    await page.keyboard.press('k');
    await page.getByTestId('leaks-leaked-count').waitFor({ timeout: 600_000 });
    await page.locator('[data-testid="leak-groups-row"], [data-testid="leaks-empty"]').first().waitFor({ timeout: 600_000 });
    const wall = Math.round(Date.now() - t0);
    const cpu = rendererCpu(tag, pids) - cpu0;
    const worker = (await page.getByTestId('leaks-timing').textContent()) ?? '';
    const leaked = (await page.getByTestId('leaks-leaked-count').textContent()) ?? '';
    return { wall, cpu, worker: worker.replace(/^.*the core worker took /, ''), leaked };
  } finally {
    await b.close();
  }
}

/** Node: the heap walk (untimed), then `analyzeCoreRead` timed: wall and CPU ms. */
async function nodeLeaks(path: string): Promise<{ wall: number; cpu: number }> {
  const src = await NodeFileSource.open(path);
  try {
    const r = await readCore(src);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await analyzeCoreRead(r);
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    return { wall, cpu: (c.user + c.system) / 1000 };
  } finally {
    await src.close();
  }
}

/** Builds the app and serves it as `npm start` does on `PORT` (also the inspector benchmark's). */
export async function serve(): Promise<ChildProcess> {
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
    console.log(`load average before: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
    console.log('| input | Node: heapscope summary | browser: drop → overview (→ every stage done) | renderer CPU to every stage done | renderer peak | goal |');
    console.log('|---|---|---|---|---|---|');
    const leakRows: string[] = [];
    for (const c of cases) {
      const n = node(c.path);
      const b = await browser(c.path, n.used);
      console.log(
        `| ${c.name} | ${n.wall.toFixed(2)} s, ${n.peakMiB.toFixed(0)} MiB | ${(b.toOverview / 1000).toFixed(2)} s (${(b.toDone / 1000).toFixed(2)} s) | ${b.cpu.toFixed(2)} s | ${b.peakMiB.toFixed(0)} MiB | ${c.goal} |`,
      );
      if (c.core && process.env.BENCH_LEAKS !== '0') {
        const nl = await nodeLeaks(c.path);
        const bl = await browserLeaks(c.path);
        leakRows.push(`| ${c.name} | ${nl.wall.toFixed(0)} ms (CPU ${nl.cpu.toFixed(0)} ms) | ${bl.wall.toLocaleString('en-US')} ms (renderer CPU ${(bl.cpu * 1000).toFixed(0)} ms) | ${bl.worker} | ${bl.leaked} leaked | wall ${(bl.wall / nl.wall).toFixed(2)}×, CPU ${((bl.cpu * 1000) / nl.cpu).toFixed(2)}× Node (goal ≤ 1.5×) |`);
      }
    }
    console.log(`load average after: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
    if (leakRows.length) {
      console.log('\n| input | Node: analyzeCoreRead | browser: leak-sets stage → Leaks view drawn | core worker (the view\'s line) | sets | ratio |');
      console.log('|---|---|---|---|---|---|');
      for (const r of leakRows) console.log(r);
    }
  } finally {
    srv.kill();
  }
}
