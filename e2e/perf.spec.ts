/**
 * Performance run (figures, not assertions): long tasks on the main thread while
 * a user works with a 2.6M-allocation list, and layout/draw times of the flame
 * graph and treemap for a 100k-node tree. Writes e2e/.tmp/perf.json and prints it;
 * BENCHMARKS.md quotes it. Timings are never pass/fail.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { generateChapList } from '../bench/gen-chap-list.ts';

const TMP = join(dirname(fileURLToPath(import.meta.url)), '.tmp');
const results: Record<string, unknown> = {};

async function input(name: string, allocations: number, distinctClasses?: number): Promise<string> {
  mkdirSync(TMP, { recursive: true });
  const path = join(TMP, name);
  if (!existsSync(path)) await generateChapList(path, allocations, { distinctClasses });
  return path;
}

async function observe(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __longtasks: { start: number; duration: number }[] };
    w.__longtasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longtasks.push({ start: Math.round(e.startTime), duration: Math.round(e.duration) });
    }).observe({ type: 'longtask', buffered: true });
  });
}

async function longTasksSince(page: Page, since: number): Promise<{ count: number; max: number; over100: number }> {
  const tasks = await page.evaluate((t) => (window as unknown as { __longtasks: { start: number; duration: number }[] }).__longtasks.filter((x) => x.start >= t), since);
  return { count: tasks.length, max: Math.max(0, ...tasks.map((t) => t.duration)), over100: tasks.filter((t) => t.duration > 100).length };
}

async function measures(page: Page, name: string): Promise<{ count: number; median: number; max: number }> {
  const d = await page.evaluate((n) => performance.getEntriesByName(`heapscope:${n}`).map((e) => e.duration), name);
  d.sort((a, b) => a - b);
  return { count: d.length, median: Math.round((d[d.length >> 1] ?? 0) * 10) / 10, max: Math.round((d[d.length - 1] ?? 0) * 10) / 10 };
}

test.describe.configure({ mode: 'serial' });

test('long tasks while working with a 2.6M-allocation list', async ({ page }) => {
  test.setTimeout(300_000);
  const path = await input('perf-2600000.list_used', 2_600_000);
  await observe(page);
  await page.goto('/');
  const t0 = Date.now();
  await page.getByTestId('file-input').setInputFiles(path);
  await expect(page.getByTestId('stat-used-count')).toHaveText('2,600,000', { timeout: 120_000 });
  results.load2600k = { msToOverview: Date.now() - t0, ...(await longTasksSince(page, 0)) };
  const since = await page.evaluate(() => performance.now());
  for (const key of ['2', '3', '4', '5', '9', '1']) {
    await page.keyboard.press(key);
    await page.waitForTimeout(300);
    if (key === '2' || key === '3') {
      const canvas = page.getByTestId(key === '2' ? 'flame-canvas' : 'treemap-canvas');
      const box = (await canvas.boundingBox())!;
      for (let i = 0; i < 20; i++) await page.mouse.move(box.x + (box.width * i) / 20, box.y + 30);
      await page.mouse.click(box.x + box.width * 0.1, box.y + 30);
      await page.waitForTimeout(200);
    }
    if (key === '4') {
      await page.getByRole('columnheader', { name: /Largest/ }).click();
      await page.getByLabel('Filter rows').fill('gen');
    }
  }
  results.interact2600k = await longTasksSince(page, since);
  expect((results.interact2600k as { count: number }).count).toBeGreaterThanOrEqual(0);
});

test('flame graph and treemap of a 100k-node tree: layout and draw times', async ({ page }) => {
  test.setTimeout(300_000);
  const path = await input('perf-100k-classes.list_used', 100_000, 100_000);
  await observe(page);
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(path);
  await expect(page.getByTestId('stat-used-count')).toHaveText('100,000', { timeout: 120_000 });
  await page.keyboard.press('2');
  const canvas = page.getByTestId('flame-canvas');
  await expect(canvas).toBeVisible();
  const since = await page.evaluate(() => performance.now());
  const box = (await canvas.boundingBox())!;
  // Zoom in and out repeatedly: every step lays out and draws the whole visible tree.
  for (let i = 0; i < 10; i++) {
    await page.mouse.click(box.x + 5 + i, box.y + 30);
    await page.keyboard.press('Backspace');
  }
  await page.getByLabel('Search').fill('Class9');
  await page.getByLabel('Search').fill('');
  results.flame100k = { layout: await measures(page, 'flame-layout'), draw: await measures(page, 'flame-draw'), longTasks: await longTasksSince(page, since) };
  await page.getByRole('tab', { name: 'Treemap' }).click();
  await expect(page.getByTestId('treemap-canvas')).toBeVisible();
  const tbox = (await page.getByTestId('treemap-canvas').boundingBox())!;
  for (let i = 0; i < 5; i++) {
    await page.mouse.click(tbox.x + 10 + i * 3, tbox.y + 30);
    await page.getByTestId('breadcrumbs').getByRole('button').first().click();
  }
  results.treemap100k = { layout: await measures(page, 'treemap-layout'), draw: await measures(page, 'treemap-draw') };
  const nodes = await page.evaluate(() => document.querySelector('[data-testid="group-count"]')?.textContent ?? '');
  results.tree = { allocations: 100_000, classes: 100_000, nodes: '≈ 200,001 (root, 100k classes, 100k size-class leaves)', note: nodes };
  writeFileSync(join(TMP, 'perf.json'), JSON.stringify(results, null, 2));
  console.log(JSON.stringify(results, null, 2));
});
