/**
 * The inspector's first screen of a 64 MiB allocation (issue 14 item 5; goal: under 200 ms). The core:
 * fixtures-gen/big-alloc.c (one 64 MiB block with a pointer word every 16 bytes, each to a string), captured with
 * gcore into bench/out/big-alloc/. Node: `CoreSession.inspect` as the core worker runs it for a click (the
 * snapshot's table, the first 1 KiB the view asks for), wall and CPU time, first call and best of five; beside it
 * the same call with the 1 MiB the view asked for before (every pointer word's string read). Chromium (as
 * `npm run bench -- browser`, a fresh browser per run, `BENCH_PORT`): the core dropped and every stage done, then
 * the click on the largest allocation → its first hex row drawn, timed in the page (performance.now from the click
 * to the row's appearance, a MutationObserver), three runs; the same for the largest allocation of the browser bench's
 * 2.5M-allocation core when bench/out/footer/ has it (the first click on a big table).
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { captureBigAlloc } from '../fixtures-gen/big-alloc.ts';
import { NodeFileSource } from '../cli/node-source.ts';
import { CoreSession } from '../workers/logic/session/core-session.ts';
import { PORT, serve, STAGES_DONE } from './browser.bench.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function timed<T>(f: () => Promise<T>): Promise<{ wall: number; cpu: number; value: T }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000, value };
}

async function node(core: string, address: number): Promise<string[]> {
  const src = await NodeFileSource.open(core);
  const s = await CoreSession.open(src);
  const out: string[] = [];
  try {
    const row = Array.from({ length: s.table.rows }, (_, i) => i).find((i) => s.table.addrHi[i] * 4294967296 + s.table.addrLo[i] === address)!;
    await s.modules();
    for (const [label, limit] of [['first screen (1 KiB, as the view asks now)', 1024], ['1 MiB (what the view read first before), every pointer word\'s string', 1 << 20]] as const) {
      const runs: { wall: number; cpu: number }[] = [];
      for (let i = 0; i < 5; i++) {
        // A new key per run: the table's address index is built again, as for the first click on a snapshot.
        const r = await timed(() => s.inspect(`bench-${label}-${i}`, s.table, row, limit));
        if (!r.value.bytes) throw new Error('the core lacks the allocation\'s bytes');
        runs.push(r);
      }
      const best = runs.reduce((a, b) => (b.wall < a.wall ? b : a));
      out.push(`| Node: CoreSession.inspect, ${label} | ${runs[0].wall.toFixed(1)} ms (CPU ${runs[0].cpu.toFixed(1)} ms) | ${best.wall.toFixed(1)} ms (CPU ${best.cpu.toFixed(1)} ms) |`);
    }
  } finally {
    await s.close();
    await src.close();
  }
  return out;
}

/** In the page: the click on the largest allocation → its first hex row, in ms. */
const CLICK_TO_FIRST_ROW = `new Promise((resolve) => {
  const row = () => document.querySelector('[data-testid=hexdump] .hexrow .hbytes');
  const obs = new MutationObserver(() => {
    if (row()) { obs.disconnect(); resolve(performance.now() - t0); }
  });
  obs.observe(document.body, { subtree: true, childList: true });
  const t0 = performance.now();
  document.querySelector('[data-testid=largest-row]').click();
})`;

async function browser(core: string): Promise<number> {
  const b = await chromium.launch({
    executablePath: process.env.HEAPSCOPE_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const page = await b.newPage();
    await page.goto(`http://127.0.0.1:${PORT}/`);
    await page.getByTestId('file-input').setInputFiles(core);
    await page.getByTestId('largest-row').first().waitFor({ timeout: 120_000 });
    await page.waitForFunction(STAGES_DONE, undefined, { timeout: 120_000, polling: 100 });
    return (await page.evaluate(CLICK_TO_FIRST_ROW)) as number;
  } finally {
    await b.close();
  }
}

export async function run(): Promise<void> {
  const cap = await captureBigAlloc(join(root, 'bench', 'out', 'big-alloc'));
  if ('skip' in cap) {
    console.log(`inspector bench SKIPPED: ${cap.skip}`);
    return;
  }
  console.log('| 64 MiB allocation | first | best of 5 |');
  console.log('|---|---|---|');
  for (const line of await node(cap.core, cap.address)) console.log(line);
  if (!existsSync(process.env.HEAPSCOPE_CHROMIUM ?? '/usr/bin/chromium')) {
    console.log('browser SKIPPED: no Chromium at /usr/bin/chromium');
    return;
  }
  const srv = await serve();
  try {
    // Also the largest allocation of the 2.5M-allocation bench core (the browser bench's, when made): a big table.
    const dir = join(root, 'bench', 'out', 'footer');
    const bench = existsSync(dir) ? readdirSync(dir).find((f) => /^core\.bench\.\d+$/.test(f)) : undefined;
    for (const [label, core] of [['64 MiB allocation', cap.core], ...(bench ? [['largest allocation of the 2.5M-allocation bench core', join(dir, bench)]] : [])]) {
      const runs: number[] = [];
      for (let i = 0; i < 3; i++) runs.push(await browser(core));
      console.log(`| Chromium: click → first hex row (every stage done), ${label} | ${runs.map((ms) => `${ms.toFixed(0)} ms`).join(', ')} | ${Math.min(...runs).toFixed(0)} ms |`);
    }
  } finally {
    srv.kill();
  }
}
