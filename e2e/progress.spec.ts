/**
 * Progress lines: a long read's bytes, rate and time left and its Cancel (a generated 300 MB list); every stage line
 * of a real core (heapgen's, with its binaries) from its first moment: named, no "starting" or "0/s", its bar still.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { generateChapList } from '../bench/gen-chap-list.ts';
import { screenshot, shared, sharedMissing } from './support.ts';

const TMP = join(dirname(fileURLToPath(import.meta.url)), '.tmp');

/** A ~300 MB list file (5.4M allocations): long enough to watch progress and cancel. */
async function bigList(): Promise<string> {
  mkdirSync(TMP, { recursive: true });
  const path = join(TMP, 'big.list_used');
  if (!existsSync(path)) await generateChapList(path, 5_400_000);
  return path;
}

test('a long read shows progress (bytes, rate, ETA) and can be cancelled, keeping the page usable', async ({ page }) => {
  test.setTimeout(180_000);
  const path = await bigList();
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(path);
  const bar = page.getByRole('progressbar', { name: 'Reading big.list_used' });
  await expect(bar).toBeVisible();
  await expect(page.getByTestId('input')).toContainText(/[\d.]+ of \d+ MiB · .*\/s/);
  await screenshot(page, 'progress');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('input-error')).toContainText('big.list_used: reading was cancelled');
  await expect(bar).toHaveCount(0);
  // The page still works: the demo loads after the cancelled read.
  await page.getByRole('button', { name: 'Open demo' }).first().click();
  await expect(page.getByTestId('stat-used-count')).toHaveText('25,057');
});

test('the same big file read to the end gives the generator\'s exact totals', async ({ page }) => {
  test.setTimeout(180_000);
  const path = await bigList();
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(path);
  await expect(page.getByTestId('stat-used-count')).toHaveText('5,400,000', { timeout: 120_000 });
  await expect(page.getByTestId('input-warning')).toHaveCount(0);
});

interface Line {
  stage: string;
  label: string;
  text: string;
  /** The bar's width, where the rate's place starts and where the time left starts (px). */
  bar: number;
  rateAt: number;
  etaAt: number | null;
}

test('every stage line of a core names its stage from its first moment, never says "starting" or 0/s, and its bar does not move as the rate appears', async ({ page }) => {
  const missing = sharedMissing('fixtures/heapgen/core.phase1.gz');
  test.skip(!!missing, `skipped: ${missing}`);
  await page.goto('/');
  // Every state of every progress line, from the first render (a MutationObserver sees each commit).
  await page.evaluate(() => {
    const w = window as unknown as { __lines: Line[] };
    w.__lines = [];
    const take = (): void => {
      for (const el of document.querySelectorAll<HTMLElement>('[data-testid=stage-progress]')) {
        const bar = el.querySelector<HTMLElement>('[role=progressbar]')!;
        const line = {
          stage: el.dataset.stage ?? '',
          label: bar.getAttribute('aria-label') ?? '',
          text: el.querySelector('[data-testid=stage-text]')?.textContent ?? '',
          bar: bar.getBoundingClientRect().width,
          rateAt: el.querySelectorAll('[data-testid=stage-text] > *')[2]?.getBoundingClientRect().left ?? NaN,
          etaAt: el.querySelector('[data-testid=stage-eta]')?.getBoundingClientRect().left ?? null,
        };
        const last = w.__lines.findLast((l) => l.label === line.label);
        if (!last || last.text !== line.text || last.bar !== line.bar || last.rateAt !== line.rateAt || last.etaAt !== line.etaAt) w.__lines.push(line);
      }
    };
    new MutationObserver(take).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  await page.getByTestId('file-input').setInputFiles(['core.phase1.gz', 'heapgen', 'libwidgets.so'].map((f) => shared(`fixtures/heapgen/${f}`)));
  await expect(page.getByTestId('stat-used-count')).toHaveText('26,343');
  await expect(page.getByTestId('stage-progress')).toHaveCount(0, { timeout: 60_000 });
  const lines = await page.evaluate(() => (window as unknown as { __lines: Line[] }).__lines);
  const labels = [...new Set(lines.map((l) => l.label))];
  for (const label of labels) {
    const mine = lines.filter((l) => l.label === label);
    console.log(`${label}: ${mine.length} states: ${mine.map((l) => `"${l.text}" (bar ${l.bar.toFixed(1)}, rate at ${l.rateAt.toFixed(1)}, time left at ${l.etaAt?.toFixed(1)})`).join(' | ')}`);
  }
  // The core's own stages each had a line (the leak sets too), and the binaries' reads.
  for (const title of ['Reading', 'Walking the heap of', 'Naming classes from vtables in', 'Attributing footers of', 'Following references (leak sets) in']) {
    expect(labels, title).toContain(`${title} core.phase1.gz`);
  }
  for (const l of lines) {
    // Named at once: a read's line says "Reading" (its file heads the input), the later stages their name and file.
    expect(l.text, l.label).toMatch(l.stage === 'read' ? /^Reading · / : new RegExp(`^${l.label.replace(/[()]/g, '\\$&')} · `));
    expect(l.text, l.label).not.toContain('starting');
    expect(l.text, l.label).not.toMatch(/ 0( B)?\/s/);
  }
  // The bar keeps its width from the line's first state to its last, and once the size is known neither the rate's
  // place nor the time left's moves as figures grow and the rate and the time left appear.
  const spread = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
  for (const label of labels) {
    const mine = lines.filter((l) => l.label === label);
    expect(spread(mine.map((l) => l.bar)), `${label}: bar widths ${mine.map((l) => l.bar).join(', ')}`).toBeLessThan(0.5);
    const sized = mine.filter((l) => !/sizing…/.test(l.text)).map((l) => l.rateAt);
    expect(spread(sized), `${label}: the rate's place at ${sized.join(', ')}`).toBeLessThan(0.5);
    const etas = mine.filter((l) => l.etaAt !== null).map((l) => l.etaAt!);
    if (etas.length) expect(spread(etas), `${label}: the time left at ${etas.join(', ')}`).toBeLessThan(0.5);
  }
});
