import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { dropFiles, openView, screens, screenshot, shared, sharedMissing } from './support.ts';

const here = dirname(fileURLToPath(import.meta.url));

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

test.describe('tracemalloc snapshots', () => {
  test('before + after: CPython\'s statistics and compare_to rows, traceback flame graph', async ({ page }) => {
    const missing = sharedMissing('fixtures/tracemalloc/after.tracemalloc');
    test.skip(!!missing, `skipped: ${missing}`);
    const golden = JSON.parse(gunzipSync(readFileSync(shared('fixtures/tracemalloc/golden.json.gz'))).toString('utf8'));
    await page.goto('/');
    await dropFiles(page, [{ path: shared('fixtures/tracemalloc/before.tracemalloc') }, { path: shared('fixtures/tracemalloc/after.tracemalloc') }]);
    await expect(page.getByTestId('input').filter({ hasText: 'after.tracemalloc' })).toContainText('249,810 traces');
    // Two snapshots dropped together open Compare on them; the tracemalloc tab has CPython's own tables.
    await expect(page.getByRole('tab', { name: 'Compare' })).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('6');
    // Compare (default with two snapshots), grouped by line: CPython's first rows, in its order.
    const rows = page.getByTestId('py-compare-row');
    for (let i = 0; i < 3; i++) {
      const g = golden.compare_lineno[i];
      const sign = g.size_diff > 0 ? '+' : '−';
      await expect(rows.nth(i)).toContainText(g.key);
      await expect(rows.nth(i)).toContainText(`${fmt(g.size)}${sign}${fmt(Math.abs(g.size_diff))}`);
    }
    await expect(rows.first()).toContainText('/srv/shop/service.py:24');
    await expect(rows.first()).toContainText('+4,273,136');
    await expect(page.getByTestId('py-compare-count')).toHaveText(`${fmt(golden.compare_lineno.length)} of ${fmt(golden.compare_lineno.length)} rows`);
    await screenshot(page, 'tracemalloc-compare');

    await page.getByRole('button', { name: 'Statistics' }).click();
    const stats = page.getByTestId('py-stats-row');
    for (let i = 0; i < 3; i++) {
      const g = golden.statistics_lineno_after[i];
      await expect(stats.nth(i)).toContainText(g.key);
      await expect(stats.nth(i)).toContainText(fmt(g.size));
    }
    await page.getByRole('button', { name: 'File', exact: true }).click();
    await expect(stats.first()).toContainText(golden.statistics_filename_after[0].key);
    await expect(page.getByTestId('py-stats-count')).toHaveText(`${fmt(golden.statistics_filename_after.length)} of ${fmt(golden.statistics_filename_after.length)} rows`);
    await screenshot(page, 'tracemalloc-statistics');

    // The flame graph draws the tracebacks of B (oldest frame at the root).
    await page.keyboard.press('2');
    await expect(page.getByTestId('flame-canvas')).toBeVisible();
    await page.getByLabel('Search').fill('service.py:24');
    const total = golden.statistics_lineno_after.reduce((n: number, r: { size: number }) => n + r.size, 0);
    const share = golden.statistics_lineno_after.find((r: { key: string }) => r.key === '/srv/shop/service.py:24').size;
    await expect(page.getByTestId('search-share')).toContainText(`matched: ${fmt(share)} bytes (${((100 * share) / total).toFixed(1)}%)`);
    await screenshot(page, 'tracemalloc-flame');
  });

  test('a hostile pickle gets an error naming the file', async ({ page }) => {
    await page.goto('/');
    // PROTO 4, then GLOBAL "os system" — must be refused, never executed.
    const bytes = Buffer.concat([Buffer.from([0x80, 0x04]), Buffer.from('ctracemalloc\nSnapshot\ncos\nsystem\n', 'latin1'), Buffer.from([0x2e])]);
    await dropFiles(page, [{ name: 'evil.tracemalloc', bytes }]);
    await expect(page.getByTestId('input-error')).toContainText('evil.tracemalloc');
  });
});

test.describe('meliae dumps', () => {
  test('summary as meliae gives it, dominator tree, referrers and referents', async ({ page }) => {
    const tmp = join(here, '.tmp');
    mkdirSync(tmp, { recursive: true });
    const dump = join(tmp, 'meliae-e2e.json');
    const expectPath = join(tmp, 'meliae-e2e-expect.json');
    try {
      if (!existsSync(dump)) execFileSync('python3', [join(here, '..', 'fixtures-gen', 'python', 'make_meliae.py'), dump, expectPath]);
    } catch (e) {
      test.skip(true, `skipped: python3 could not write a meliae dump (${(e as Error).message})`);
    }
    const expected = JSON.parse(readFileSync(expectPath, 'utf8')).summary;
    await page.goto('/');
    await dropFiles(page, [{ path: dump }]);
    await expect(page.getByTestId('input')).toContainText('meliae dump');
    await openView(page, '7', 'Objects');
    await expect(page.getByTestId('meliae-total')).toContainText(`Total ${fmt(expected.totalCount)} objects`);
    await expect(page.getByTestId('meliae-total')).toContainText(`Total size = ${fmt(expected.totalSize)} bytes`);
    const rows = page.getByTestId('meliae-summary-row');
    for (let i = 0; i < 3; i++) {
      const r = expected.rows[i];
      await expect(rows.nth(i)).toContainText(r.kind);
      await expect(rows.nth(i)).toContainText(fmt(r.size));
      await expect(rows.nth(i)).toContainText(fmt(r.count));
    }
    // 20 instances share one __dict__: real meliae 0.5.1 folds it into each of them.
    const full = JSON.parse(readFileSync(expectPath, 'utf8'));
    const shared = expected.rows.find((r: { kind: string }) => r.kind === 'Shared');
    const sharedRow = rows.filter({ hasText: 'Shared' });
    await expect(sharedRow).toContainText(fmt(shared.size));
    await expect(sharedRow).toContainText(String(shared.count));
    await sharedRow.click();
    await expect(page.getByTestId('obj-meliae-repr')).toContainText(`Shared(`);
    await expect(page.getByTestId('obj-meliae-repr')).toContainText(`${full.shared.size}B 3refs 1par`);
    await expect(page.getByTestId('obj-total-size')).toHaveText(`${fmt(full.shared.total)} bytes`);
    await expect(page.getByTestId('object-details')).toContainText('.c — referents after meliae’s collapse (3)');
    await screenshot(page, 'meliae-shared-dicts');
    await rows.first().click();
    await expect(page.getByTestId('object-details')).toContainText('Referrers');
    await screenshot(page, 'meliae-summary');
    // At 1280 and 1920 (each checked: nothing past the window, no control cut).
    await screens(page, 'screen-meliae-summary');

    await page.getByRole('button', { name: 'Dominators' }).click();
    const dom = page.getByTestId('dominator-row');
    await expect(dom.first()).toBeVisible();
    await dom.first().click();
    const retainedCell = (await dom.first().locator('.vcell').nth(2).textContent())!;
    await expect(page.getByTestId('obj-retained')).toHaveText(`${retainedCell} bytes`);
    await dom.first().locator('.twisty').click();
    await expect(dom.first()).toHaveAttribute('aria-expanded', 'true');
    await expect(page.locator('[data-testid="dominator-row"][aria-level="2"]').first()).toBeVisible();
    await screenshot(page, 'meliae-dominators');
    await screens(page, 'screen-meliae-dominators');
    // Closed again: its level goes.
    await dom.first().locator('.twisty').click();
    await expect(dom.first()).toHaveAttribute('aria-expanded', 'false');
    await expect(page.locator('[data-testid="dominator-row"][aria-level="2"]')).toHaveCount(0);

    // The tree views draw type → object: the str objects' share is meliae's str row.
    await page.getByRole('tab', { name: 'Flame graph' }).click();
    await page.getByLabel('Search').fill('str');
    await expect(page.getByTestId('search-share')).toContainText('matched:');
    await screenshot(page, 'meliae-flame');
  });
  test('a dump written by real meliae 0.5.0.dev0 with shared instance dicts summarizes as its loader does', async ({ page }) => {
    // Written and answered by a meliae 0.5.0.dev0 build (workers/logic/formats/meliae/README.md):
    // two Pair instances share one __dict__, two Points' dicts are also held by a list.
    const dir = join(here, '..', 'workers', 'logic', 'formats', 'meliae', 'real-meliae', 'py27-0.5.0dev');
    const want = JSON.parse(readFileSync(join(dir, 'shared.answers.json'), 'utf8')).collapsed;
    await page.goto('/');
    await dropFiles(page, [{ path: join(dir, 'shared.json.gz') }]);
    await expect(page.getByTestId('input')).toContainText('meliae dump');
    await openView(page, '7', 'Objects');
    await expect(page.getByTestId('meliae-total')).toContainText(`Total ${fmt(want.totalCount)} objects`);
    await expect(page.getByTestId('meliae-total')).toContainText(`Total size = ${fmt(want.totalSize)} bytes`);
    const rows = page.getByTestId('meliae-summary-row');
    for (let i = 0; i < 3; i++) {
      await expect(rows.nth(i)).toContainText(want.rows[i].kind);
      await expect(rows.nth(i)).toContainText(fmt(want.rows[i].size));
      await expect(rows.nth(i)).toContainText(fmt(want.rows[i].count));
    }
    for (const kind of ['Point', 'Pair']) {
      const r = want.rows.find((x: { kind: string }) => x.kind === kind);
      const row = rows.filter({ has: page.getByRole('cell', { name: kind, exact: true }) });
      await expect(row).toContainText(fmt(r.size));
      await expect(row).toContainText(fmt(r.count));
    }
    const pair = want.objects.pairA;
    await rows.filter({ has: page.getByRole('cell', { name: 'Pair', exact: true }) }).click();
    await expect(page.getByTestId('obj-meliae-repr')).toContainText('Pair(');
    await expect(page.getByTestId('obj-meliae-repr')).toContainText(`${pair.size}B ${pair.children.length}refs ${pair.parents.length}par`);
    await expect(page.getByTestId('obj-total-size')).toHaveText(`${fmt(pair.total)} bytes`);
    await screenshot(page, 'meliae-real-0.5-shared');
  });
});
