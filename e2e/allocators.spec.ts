/**
 * Allocator detection in the browser: a gperftools tcmalloc core (../shared's
 * leakgen under libtcmalloc) opens with chap's used and free counts, and the
 * input row and the heap view say which allocator was found.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { dropFiles, screenshot, shared, sharedMissing } from './support.ts';

test('a tcmalloc core: "gperftools tcmalloc 2.10" in the input row and the heap view, chap\'s counts', async ({ page }) => {
  const rel = 'fixtures/leakgen/tcmalloc/core.gz';
  const missing = sharedMissing(rel);
  test.skip(!!missing, `skipped: ${missing}`);
  const count = (kind: string) => {
    const m = /^(\d+) allocations use 0x[0-9a-f]+ \(([\d,]+)\) bytes\.$/m.exec(readFileSync(shared(`fixtures/leakgen/tcmalloc/core.ref.count_${kind}`), 'utf8'))!;
    return { count: Number(m[1]).toLocaleString('en-US'), bytes: m[2] };
  };
  await page.goto('/');
  await dropFiles(page, [{ path: shared(rel) }]);
  await expect(page.getByTestId('input-allocator')).toHaveText(' · gperftools tcmalloc 2.10 (libtcmalloc.so.4.5.10)');
  await expect(page.getByTestId('stat-used-count')).toHaveText(count('used').count);
  await expect(page.getByTestId('stat-used-bytes')).toHaveText(count('used').bytes);
  await expect(page.getByTestId('stat-free-count')).toHaveText(count('free').count);
  await expect(page.getByTestId('stat-free-bytes')).toHaveText(count('free').bytes);
  await page.keyboard.press('9');
  await expect(page.getByTestId('allocator')).toContainText('gperftools tcmalloc 2.10 (libtcmalloc.so.4.5.10)');
  await expect(page.getByTestId('allocator-facts')).toContainText('page map');
  await expect(page.getByTestId('heap-strip').first()).toBeVisible();
  await screenshot(page, 'heap-tcmalloc');
});

test('a jemalloc core made by fixtures-gen/allocgen: "jemalloc 5.3" in the input row and the heap view', async ({ page }) => {
  test.setTimeout(600_000);
  const { allocFixture, readAllocTruth } = await import('../fixtures-gen/allocgen.ts');
  const fx = await allocFixture('jemalloc');
  test.skip('skip' in fx, 'skip' in fx ? `skipped: ${fx.skip}` : '');
  if ('skip' in fx) return;
  await page.goto('/');
  await dropFiles(page, [{ path: fx.core }]);
  await expect(page.getByTestId('input-allocator')).toHaveText(' · jemalloc 5.3 (libjemalloc.so.2)');
  // At least every block the program holds is in use (the rest are the C++ runtime's).
  const live = readAllocTruth(fx.truth).live.length;
  const used = Number((await page.getByTestId('stat-used-count').textContent())!.replace(/,/g, ''));
  expect(used).toBeGreaterThanOrEqual(live);
  await page.keyboard.press('9');
  await expect(page.getByTestId('allocator')).toContainText('jemalloc 5.3 (libjemalloc.so.2)');
  await expect(page.getByTestId('allocator-facts')).toContainText('regions in thread caches');
  await screenshot(page, 'heap-jemalloc');
});
