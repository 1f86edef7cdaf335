import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { generateChapList } from '../bench/gen-chap-list.ts';
import { screenshot } from './support.ts';

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
  await expect(page.getByTestId('input')).toContainText(/MiB of \d+ MiB · .*\/s/);
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
