import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { dropFiles, screenshot, shared, sharedMissing } from './support.ts';

/** Count of each function of a library in a heap_total.txt, and its chunk bytes as the plugin prints them. */
function functions(phase: number, lib: string): Map<string, { count: number; chunk: string }> {
  const out = new Map<string, { count: number; chunk: string }>();
  let current = '';
  for (const line of readFileSync(shared(`fixtures/heapgen/core.phase${phase}.heap_total.txt`), 'utf8').split('\n')) {
    const l = /^### Memory allocations for library "(.*)"\./.exec(line);
    if (l) current = l[1];
    const m = /^Func: "(.*)": Sizes: User=\S+, Mem=\S+, Chunk=(\S+); Count=(\d+);/.exec(line);
    if (m && current === lib) out.set(m[1], { count: Number(m[3]), chunk: m[2] });
  }
  return out;
}

const fmt = (n: number) => n.toLocaleString('en-US');

test('heapgen phase 1 vs phase 2 cores: leak_cache grows, make_shapes shrinks, as the two heap_total files say', async ({ page }) => {
  const missing = sharedMissing('fixtures/heapgen/core.phase2.gz');
  test.skip(!!missing, `skipped: ${missing}`);
  await page.goto('/');
  await dropFiles(page, [
    { path: shared('fixtures/heapgen/core.phase1.gz') },
    { path: shared('fixtures/heapgen/core.phase2.gz') },
    { path: shared('fixtures/heapgen/heapgen') },
    { path: shared('fixtures/heapgen/libwidgets.so') },
  ]);
  await expect(page.getByRole('tab', { name: 'Compare' })).toBeVisible();
  await page.getByRole('tab', { name: 'Compare' }).click();
  await expect(page.getByTestId('compare-summary')).toContainText('A core.phase1:');
  await expect(page.getByTestId('build-change')).toHaveCount(0);
  const rows = page.getByTestId('diff-row');
  for (const [lib, fn] of [
    ['/srv/heapgen/heapgen', 'app::leak_cache(long, long)'],
    ['/srv/heapgen/libwidgets.so', 'widgets::make_shapes(unsigned long)'],
  ]) {
    const a = functions(1, lib).get(fn)!;
    const b = functions(2, lib).get(fn)!;
    await page.getByLabel('Filter rows').fill(fn);
    const row = rows.filter({ hasText: fn }).first();
    await expect(row).toBeVisible();
    const cells = await row.locator('.vcell').allTextContents();
    // Key | A bytes | B bytes | Δ bytes | A count | B count | Δ count | status
    expect(cells[4], `${fn} A count`).toBe(fmt(a.count));
    expect(cells[5], `${fn} B count`).toBe(fmt(b.count));
    const d = b.count - a.count;
    expect(cells[6]).toBe(d > 0 ? `+${fmt(d)}` : `−${fmt(-d)}`);
    expect(cells[7]).toBe(fn.startsWith('app::leak_cache') ? 'grown' : 'shrunk');
  }
  await page.getByLabel('Filter rows').fill('');
  await screenshot(page, 'compare-table');
  await page.getByRole('button', { name: 'grown', exact: true }).click();
  await expect(rows.filter({ hasText: 'make_shapes' })).toHaveCount(0);
  await expect(rows.filter({ hasText: 'leak_cache' })).toHaveCount(1);
  await page.getByRole('button', { name: 'grown', exact: true }).click();

  await page.getByRole('button', { name: 'Flame graph', exact: true }).click();
  await expect(page.getByTestId('flame-canvas')).toBeVisible();
  await screenshot(page, 'compare-flame');
  await page.getByRole('button', { name: 'Treemap', exact: true }).click();
  await expect(page.getByTestId('treemap-canvas')).toBeVisible();
  await screenshot(page, 'compare-treemap');

  // Side by side: zooming A zooms B to the same path.
  await page.getByRole('button', { name: 'Side by side' }).click();
  await page.getByTestId('flame-a').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const crumbs = page.getByTestId('breadcrumbs');
  await expect(crumbs).toHaveCount(2);
  const first = await crumbs.nth(0).textContent();
  expect(first).not.toBe('all allocations');
  await expect(crumbs.nth(1)).toHaveText(first!);
  await page.getByLabel('Search').fill('leak_cache');
  await screenshot(page, 'compare-side-by-side');
});

test('two chap lists compare by class and size class', async ({ page }) => {
  const missing = sharedMissing('fixtures/heapgen/core.phase2.list_used');
  test.skip(!!missing, `skipped: ${missing}`);
  await page.goto('/');
  await dropFiles(page, [{ path: shared('fixtures/heapgen/core.phase1.list_used') }, { path: shared('fixtures/heapgen/core.phase2.list_used') }]);
  await page.getByRole('tab', { name: 'Compare' }).click();
  const text = (p: number) => readFileSync(shared(`fixtures/heapgen/core.phase${p}.list_used`), 'utf8');
  const circles = (p: number) => (text(p).match(/\(widgets::Circle\)$/gm) ?? []).length;
  const row = page.getByTestId('diff-row').filter({ hasText: 'widgets::Circle' }).first();
  await expect(row).toBeVisible();
  const cells = await row.locator('.vcell').allTextContents();
  expect([cells[4], cells[5]]).toEqual([fmt(circles(1)), fmt(circles(2))]);
  await page.getByRole('button', { name: 'Size class' }).click();
  await expect(page.getByTestId('diff-row').first()).toContainText(/B \(0x/);
});

test('"Compare with…" adds a second snapshot and opens the comparison', async ({ page }) => {
  const missing = sharedMissing('fixtures/heapgen/core.phase2.list_used');
  test.skip(!!missing, `skipped: ${missing}`);
  await page.goto('/');
  await dropFiles(page, [{ path: shared('fixtures/heapgen/core.phase1.list_used') }]);
  await expect(page.getByTestId('stat-used-count')).toHaveText('26,343');
  await page.getByTestId('compare-input').setInputFiles(shared('fixtures/heapgen/core.phase2.list_used'));
  await expect(page.getByRole('tab', { name: 'Compare' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('compare-summary')).toContainText('A core.phase1.list_used: 3,413,480 bytes in 26,343 allocations');
  await expect(page.getByTestId('compare-summary')).toContainText('B core.phase2.list_used: 3,464,056 bytes in 25,057 allocations');
});

test('a share link with cmp=<id2> opens the comparison of two shared analyses', async ({ page, baseURL }) => {
  const missing = sharedMissing('fixtures/heapgen/core.phase2.list_used');
  test.skip(!!missing, `skipped: ${missing}`);
  const { readChapList } = await import('../workers/logic/formats/chap-list/chap-list.ts');
  const { NodeFileSource } = await import('../cli/node-source.ts');
  const { saveAnalysis } = await import('../workers/logic/saved/serialize.ts');
  const ids: string[] = [];
  for (const phase of [1, 2]) {
    const path = shared(`fixtures/heapgen/core.phase${phase}.list_used`);
    const src = await NodeFileSource.open(path);
    const r = await readChapList(src);
    await src.close();
    const bytes = await saveAnalysis({
      name: `heapgen phase ${phase}`,
      created: '2026-11-21T00:00:00.000Z',
      view: {},
      inputs: [{ name: `core.phase${phase}.list_used`, format: 'chap-list', size: src.size, rows: r.table.rows, table: r.table }],
    });
    const res = await fetch(`${baseURL}/api/analyses`, { method: 'POST', body: Buffer.from(bytes), headers: { 'Content-Type': 'application/octet-stream' } });
    expect(res.status === 200 || res.status === 201).toBe(true);
    ids.push(((await res.json()) as { id: string }).id);
  }
  await page.goto(`/#/a/${ids[0]}?v=1&view=compare&cmp=${ids[1]}`);
  await expect(page.getByRole('tab', { name: 'Compare' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('compare-summary')).toContainText('A core.phase1.list_used: 3,413,480 bytes');
  await expect(page.getByTestId('compare-summary')).toContainText('B core.phase2.list_used (shared heapgen phase 2): 3,464,056 bytes');
  const text = (p: number) => readFileSync(shared(`fixtures/heapgen/core.phase${p}.list_used`), 'utf8');
  const circles = (p: number) => (text(p).match(/\(widgets::Circle\)$/gm) ?? []).length;
  const circleRow = page.getByTestId('diff-row').filter({ hasText: 'widgets::Circle' }).first();
  await expect(circleRow).toBeVisible();
  const cells = await circleRow.locator('.vcell').allTextContents();
  expect([cells[4], cells[5]]).toEqual([fmt(circles(1)), fmt(circles(2))]);
  await screenshot(page, 'compare-shared');
});
