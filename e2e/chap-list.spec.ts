import { expect, test } from '@playwright/test';
import { dropFiles, screenshot, shared, sharedMissing } from './support.ts';

test.describe('chap list files end to end', () => {
  test('the page is cross-origin isolated and teaches what to drop', async ({ page }) => {
    await page.goto('/');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await expect(page.getByTestId('isolation-error')).toHaveCount(0);
    await expect(page.getByTestId('empty-state')).toContainText('Drop files anywhere');
    await screenshot(page, 'empty-state');
    await page.keyboard.press('?');
    await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
    await screenshot(page, 'help');
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toHaveCount(0);
  });

  test('dropping heapgen phase 1 list_used shows chap\'s exact totals, and every view', async ({ page }) => {
    const missing = sharedMissing('fixtures/heapgen/core.phase1.list_used');
    test.skip(!!missing, `skipped: ${missing}`);
    await page.goto('/');
    await dropFiles(page, [{ path: shared('fixtures/heapgen/core.phase1.list_used') }]);
    await expect(page.getByTestId('stat-used-count')).toHaveText('26,343');
    await expect(page.getByTestId('stat-used-bytes')).toHaveText('3,413,480');
    // A list used alone cannot know the free allocations: the Overview says so, never "0".
    await expect(page.getByTestId('stat-free-count')).toHaveCount(0);
    await expect(page.getByTestId('stat-free-unknown')).toContainText('unknown');
    await expect(page.getByTestId('input')).toContainText('chap list');
    await expect(page.getByTestId('input-warning')).toHaveCount(0);
    const top = page.getByTestId('top-types');
    await expect(top).toContainText('widgets::Circle');
    await expect(top.locator('tr', { hasText: 'widgets::Circle' })).toContainText('4,000');
    await expect(top.locator('tr', { hasText: 'widgets::Rect' })).toContainText('2,000');
    await expect(page.getByTestId('largest').locator('tbody tr').first()).toContainText('0x7fc69669a010');
    await screenshot(page, 'overview');

    await page.keyboard.press('5');
    await expect(page.getByTestId('histogram')).toBeVisible();
    await page.getByTestId('histogram-bucket').nth(3).hover();
    await expect(page.getByTestId('histogram-detail')).toContainText('in use');
    await screenshot(page, 'histogram');

    await page.keyboard.press('4');
    const table = page.getByTestId('group');
    await expect(table.getByTestId('group-row').first()).toBeVisible();
    await expect(table.getByTestId('group-row').filter({ hasText: 'widgets::Rect' })).toContainText('2,000');
    await page.getByRole('button', { name: 'By size class' }).click();
    await expect(table.getByTestId('group-row').filter({ hasText: '56 B (0x38)' })).toContainText('9,186');
    await screenshot(page, 'table');
    await page.getByLabel('Filter rows').fill('0x48');
    await expect(table.getByTestId('group-row')).toHaveCount(1);
    await expect(table.getByTestId('group-row')).toContainText('5,490');
  });

  test('used and free lists dropped together form one analysis', async ({ page }) => {
    const missing = sharedMissing('fixtures/heapgen/core.phase2.list_free');
    test.skip(!!missing, `skipped: ${missing}`);
    await page.goto('/');
    await dropFiles(page, [
      { path: shared('fixtures/heapgen/core.phase2.list_used') },
      { path: shared('fixtures/heapgen/core.phase2.list_free') },
    ]);
    await expect(page.getByTestId('stat-used-count')).toHaveText('25,057');
    await expect(page.getByTestId('stat-used-bytes')).toHaveText('3,464,056');
    await expect(page.getByTestId('stat-free-count')).toHaveText('3,003');
    await expect(page.getByTestId('stat-free-bytes')).toHaveText('394,720');
    await expect(page.getByTestId('stat-ratio')).toContainText((394720 / 3464056).toFixed(3));
  });

  test('garbage gets an error naming the file and keeps what was loaded', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('button', { name: 'Open demo' }).first().click();
    await expect(page.getByTestId('stat-used-count')).toHaveText('25,057');
    const junk = Buffer.alloc(5000);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 2654435761) >>> 24;
    await dropFiles(page, [{ name: 'garbage.bin', bytes: junk }]);
    await expect(page.getByTestId('input-error')).toContainText('garbage.bin: not a format Heapscope reads');
    await expect(page.getByTestId('stat-used-count')).toHaveText('25,057');
    await dropFiles(page, [{ name: 'empty.txt', bytes: Buffer.alloc(0) }]);
    await expect(page.getByTestId('input-error').filter({ hasText: 'empty.txt' })).toContainText('the file is empty');
    await screenshot(page, 'errors');
  });

  test('a truncated list shows a warning naming the file', async ({ page }) => {
    await page.goto('/');
    const text = 'Used allocation at 1000 of size 18\n\nUsed allocation at 1020 of size 28\n\nUsed allocation at 10';
    await dropFiles(page, [{ name: 'cut.list_used', bytes: Buffer.from(text) }]);
    await expect(page.getByTestId('stat-used-count')).toHaveText('2');
    await expect(page.getByTestId('input-warning').first()).toContainText('cut.list_used');
    await expect(page.getByTestId('input-warning').filter({ hasText: 'truncated' }).first()).toBeVisible();
  });
});
