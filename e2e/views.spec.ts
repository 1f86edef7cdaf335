import { expect, test, type Page } from '@playwright/test';
import { dropFiles, screenshot, shared, sharedMissing } from './support.ts';

/** Canvas-relative point of a flame-graph cell: share of the width before it, row index. */
async function flamePoint(page: Page, fromShare: number, toShare: number, row: number) {
  const box = (await page.getByTestId('flame-canvas').boundingBox())!;
  return { x: box.x + box.width * ((fromShare + toShare) / 2), y: box.y + row * 20 + 10 };
}

test.describe('tree views on heapgen phase 1 (chap list)', () => {
  test.beforeEach(async ({ page }) => {
    const missing = sharedMissing('fixtures/heapgen/core.phase1.list_used');
    test.skip(!!missing, `skipped: ${missing}`);
    await page.goto('/');
    await dropFiles(page, [{ path: shared('fixtures/heapgen/core.phase1.list_used') }]);
    await expect(page.getByTestId('stat-used-count')).toHaveText('26,343');
  });

  test('flame graph: tooltip numbers equal chap\'s, click zooms, search shows the matched share', async ({ page }) => {
    await page.keyboard.press('2');
    await expect(page.getByTestId('flame-canvas')).toBeVisible();
    // Level 1 is ordered by bytes: (no signature) 3,109,480, widgets::Circle 160,000, widgets::Rect 144,000.
    const all = 3413480;
    const p = await flamePoint(page, (3109480 + 160000) / all, 1, 1);
    await page.mouse.move(p.x, p.y);
    const tip = page.getByTestId('flame-tooltip');
    await expect(tip).toContainText('widgets::Rect');
    await expect(tip.locator('tr', { hasText: 'total' })).toContainText('141 KiB (144,000 bytes) · 4.2% of all');
    await expect(tip.locator('tr', { hasText: 'allocations' })).toContainText('2,000');
    await screenshot(page, 'flame');
    await page.mouse.click(p.x, p.y);
    await expect(page.getByTestId('breadcrumbs')).toContainText('widgets::Rect');
    await expect(page.getByTestId('sel-total-bytes')).toHaveText('144,000');
    await expect(page).toHaveURL(/view=flame.*node=widgets%3A%3ARect/);
    await page.getByLabel('Search').fill('widgets::');
    await expect(page.getByTestId('search-share')).toHaveText('matched: 304,000 bytes (8.9%)');
    await screenshot(page, 'flame-zoomed-search');
  });

  test('selection is shared: table row → flame graph and treemap; reload restores the view from the URL', async ({ page }) => {
    await page.keyboard.press('4');
    await page.getByTestId('group-row').filter({ hasText: 'widgets::Circle' }).click();
    await expect(page.getByTestId('group-row').filter({ hasText: 'widgets::Circle' })).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('3');
    await expect(page.getByTestId('treemap-canvas')).toBeVisible();
    await expect(page.getByTestId('sel-total-bytes')).toHaveText('160,000');
    await expect(page.getByTestId('sel-total-count')).toHaveText('4,000');
    await screenshot(page, 'treemap');
    await page.keyboard.press('2');
    await expect(page.getByTestId('sel-total-count')).toHaveText('4,000');
    // keyboard: down selects the biggest child (size class 0x28)
    await page.getByTestId('flame-canvas').focus();
    await page.keyboard.press('ArrowDown');
    await expect(page.getByTestId('selection-details')).toContainText('widgets::Circle › 40 B (0x28)');
    await page.goBack();
    await expect(page.getByTestId('selection-details')).not.toContainText('0x28');
  });
});

test('reload restores the demo at the same snapshot, view and selection', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Open demo' }).first().click();
  // The demo is two snapshots (heapgen phase 1 and 2, chap lists): the newest shows first.
  await expect(page.getByTestId('stat-used-count')).toHaveText('25,057');
  const picker = page.getByTestId('snapshot-picker');
  await expect(picker.locator('option')).toHaveText(['1. heapgen-phase1.list_used (process)', '2. heapgen-phase2.list_used (process)']);
  await picker.selectOption({ label: '1. heapgen-phase1.list_used (process)' });
  await expect(page.getByTestId('stat-used-count')).toHaveText('26,343');
  await page.keyboard.press('2');
  await page.keyboard.press('4');
  await page.getByTestId('group-row').filter({ hasText: 'widgets::Rect' }).click();
  await page.keyboard.press('2');
  const url = page.url();
  expect(url).toMatch(/src=demo.*view=flame.*node=widgets%3A%3ARect.*snap=s\d+/);
  await page.reload();
  await expect(page.getByTestId('snapshot-picker')).toHaveValue(/^s\d+$/);
  await expect(page.getByTestId('snapshot-picker').locator('option:checked')).toHaveText('1. heapgen-phase1.list_used (process)');
  await expect(page.getByTestId('sel-total-bytes')).toHaveText('144,000');
  await expect(page.getByRole('tab', { name: 'Flame graph' })).toHaveAttribute('aria-selected', 'true');
  await page.goBack();
  await page.goBack();
  await expect(page.getByRole('tab', { name: 'Table' })).toHaveAttribute('aria-selected', 'true');
});
