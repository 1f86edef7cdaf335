/**
 * Leaks in the inspector, from the core alone (chap's rules, computed in the core worker): a leaked allocation
 * says so and shows no referrers and no anchor chain; an anchored one shows the chain from its anchor.
 * The Leaks view shows chap's counts, groups a set by class, size class or footer site (table, flame graph,
 * treemap) and opens an allocation in the inspector: a ring node's referrers are its two neighbours, leaked, and
 * nothing anchors it. Compare shows the leaked bytes of two cores by site and by class.
 * The Overview's largest leaked allocations: their class as chap's list used names it, their allocating function.
 * Screenshots at 1280×800 and 1920×1080.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { dropFiles, openView, screens, screenshot, SCREENSHOTS, shared, sharedMissing } from './support.ts';

/** What the screen shows at 1280×800 and 1920×1080 (the inspector is a fixed panel: a full-page shot would draw it, and the top bar, mid-page). */
async function both(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const [w, h] of [
    [1280, 800],
    [1920, 1080],
  ]) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(250);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${w}x${h}.png`) });
  }
}

test('OneLeaked: its one leaked 24-byte allocation is counted and says so, the other shows why it is alive', async ({ page }) => {
  const missing = sharedMissing('peer/chap-suite/ELF64/OneLeaked/core.20675');
  test.skip(!!missing, `skipped: ${missing}`);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/');
  await dropFiles(page, [{ path: shared('peer/chap-suite/ELF64/OneLeaked/core.20675') }]);
  await expect(page.getByTestId('stat-used-count')).toHaveText('2');
  await expect(page.getByTestId('leak-leaked-count')).toHaveText('1');
  await expect(page.getByTestId('leak-leaked-bytes')).toHaveText('24');
  await expect(page.getByTestId('leaked-row')).toHaveCount(1);
  await expect(page.getByTestId('leaked-row')).toContainText('0x601010');
  await page.getByTestId('largest-row').filter({ hasText: '0x601010' }).click();
  const insp = page.getByTestId('inspector');
  await expect(insp).toContainText('0x601010');
  await expect(page.getByTestId('insp-leak-status')).toContainText('Leaked, and unreferenced');
  await expect(page.getByTestId('insp-referrers-none')).toBeVisible();
  await expect(page.getByTestId('insp-chain-none')).toBeVisible();
  await both(page, 'leaks-inspector-leaked');
  await page.getByRole('button', { name: 'Close inspector' }).click();
  await page.getByTestId('largest-row').filter({ hasText: '0x601030' }).click();
  await expect(page.getByTestId('insp-leak-status')).toContainText('Anchored from a thread stack, a register (threads only)');
  await expect(page.getByTestId('insp-chain-source')).toContainText(/the stack of thread 1|register \w+ of thread 1/);
  await both(page, 'leaks-inspector-anchored');
  // The Leaks view: chap's one leaked (and unreferenced) 24-byte allocation, listed, opening in the inspector.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole('button', { name: 'Close inspector' }).click();
  await openView(page, 'k', 'Leaks');
  await expect(page.getByTestId('leaks-leaked-count')).toHaveText('1');
  await expect(page.getByTestId('leaks-leaked-bytes')).toHaveText('24');
  await expect(page.getByTestId('leaks-unreferenced-count')).toHaveText('1');
  await expect(page.getByTestId('leaks-anchored-count')).toHaveText('1');
  await expect(page.getByTestId('leak-allocs-row')).toHaveCount(1);
  await expect(page.getByTestId('leak-allocs-row')).toContainText('0x601010');
  await page.getByTestId('leak-allocs-row').click();
  await expect(page.getByTestId('insp-leak-status')).toContainText('Leaked, and unreferenced');
  await both(page, 'leaks-view-oneleaked');
});

test('leakgen: an unreferenced mmapped leak has no referrers; a static-anchored vector shows its chain from static memory', async ({ page }) => {
  const missing = sharedMissing('fixtures/leakgen/core.gz');
  test.skip(!!missing, `skipped: ${missing}`);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/');
  await dropFiles(page, [{ path: shared('fixtures/leakgen/core.gz') }]);
  await expect(page.getByTestId('stat-used-count')).toHaveText('3,778');
  // chap's counts (core.ref.count_leaked, count_unreferenced, count_anchored).
  await expect(page.getByTestId('leak-leaked-count')).toHaveText('967', { timeout: 60_000 });
  await expect(page.getByTestId('leak-leaked-bytes')).toHaveText('7,491,080');
  await expect(page.getByTestId('leak-unreferenced-count')).toHaveText('847');
  await expect(page.getByTestId('leak-unreferenced-bytes')).toHaveText('7,486,280');
  await expect(page.getByTestId('leak-anchored-count')).toHaveText('2,811');
  await both(page, 'leaks-overview');
  await page.setViewportSize({ width: 1280, height: 800 });
  // A leaked node of a list or ring: its referrers are leaked too, and nothing anchors it.
  await page.getByTestId('leaked-row').filter({ hasText: 'referenced by leaked' }).first().click();
  await expect(page.getByTestId('insp-leak-status')).toContainText('Leaked: no anchor reaches it');
  await expect(page.getByTestId('insp-chain-none')).toBeVisible();
  const refs = page.getByTestId('insp-referrers').locator('li');
  await expect(refs.first()).toContainText('leaked');
  expect(await refs.filter({ hasNotText: 'leaked' }).count()).toBe(0);
  await both(page, 'leaks-inspector-leaked-referrers');
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole('button', { name: 'Close inspector' }).click();
  // The two largest allocations are the mmapped chunks leakgen leaked (4 MiB and 3 MiB).
  await page.getByTestId('largest-row').first().click();
  await expect(page.getByTestId('inspector')).toContainText('0x7f432b91d010');
  await expect(page.getByTestId('insp-leak-status')).toContainText('Leaked, and unreferenced');
  await expect(page.getByTestId('insp-referrers-none')).toBeVisible();
  await page.getByRole('button', { name: 'Close inspector' }).click();
  // Further down the largest list, anchored allocations: the first one anchored from static memory.
  const rows = page.getByTestId('largest-row').filter({ hasText: 'Used' });
  const n = await rows.count();
  let found = false;
  for (let i = 2; i < n && !found; i++) {
    await rows.nth(i).click();
    await expect(page.getByTestId('insp-leak-status')).toBeVisible();
    found = (await page.getByTestId('insp-chain-source').filter({ hasText: 'static memory' }).count()) > 0;
    if (!found) await page.getByRole('button', { name: 'Close inspector' }).click();
  }
  expect(found).toBe(true);
  await expect(page.getByTestId('insp-chain')).toContainText('(this allocation)');
  await both(page, 'leaks-inspector-static-chain');
});

/** The ring leakgen's main thread leaks (truth.txt: the list's 59 leaked nodes, its unreferenced head, then the ring's 25 nodes). */
function mainRing(): string[] {
  const lines = readFileSync(shared('fixtures/leakgen/truth.txt'), 'utf8').trim().split('\n').map((l) => l.split(' '));
  const runs: string[][] = [];
  let run: string[] = [];
  for (const [kind, addr] of lines) {
    if (kind === 'leaked') run.push(addr);
    else if (run.length) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length) runs.push(run);
  return runs[1];
}

test('leakgen: the Leaks view shows chap\'s counts, groups the leaked bytes, and a ring node\'s referrers are its leaked neighbours', async ({ page }) => {
  const missing = sharedMissing('fixtures/leakgen/core.gz') || sharedMissing('fixtures/leakgen/leakgen') || sharedMissing('fixtures/leakgen/truth.txt');
  test.skip(!!missing, `skipped: ${missing}`);
  const ring = mainRing();
  expect(ring).toHaveLength(25);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/');
  // With its executable, the core's vtables name classes.
  await dropFiles(page, [{ path: shared('fixtures/leakgen/core.gz') }, { path: shared('fixtures/leakgen/leakgen') }]);
  await expect(page.getByTestId('stat-used-count')).toHaveText('3,778');
  await openView(page, 'k', 'Leaks');
  await expect(page.getByTestId('view-leaks')).toBeVisible();
  // chap's answers: core.ref.count_leaked, count_unreferenced, count_anchored.
  await expect(page.getByTestId('leaks-leaked-count')).toHaveText('967', { timeout: 60_000 });
  await expect(page.getByTestId('leaks-leaked-bytes')).toHaveText('7,491,080');
  await expect(page.getByTestId('leaks-unreferenced-count')).toHaveText('847');
  await expect(page.getByTestId('leaks-unreferenced-bytes')).toHaveText('7,486,280');
  await expect(page.getByTestId('leaks-anchored-count')).toHaveText('2,811');
  await expect(page.getByTestId('leaks-anchored-bytes')).toHaveText('315,192');
  // Without footers the leaked set is grouped by class; every leaked allocation is listed below.
  await expect(page.getByRole('group', { name: 'Group by' }).getByRole('button', { name: 'Allocating site' })).toBeDisabled();
  await expect(page.getByTestId('leak-groups-row').first()).toBeVisible();
  await expect(page.getByTestId('leak-allocs-total')).toHaveText('967');
  // chap's summarize leaked: Disc has 40 instances taking 2,240 bytes, Square 40 taking 960.
  const groups = page.getByTestId('leak-groups-row');
  await expect(groups.filter({ hasText: 'Disc' }).getByRole('cell')).toHaveText(['Disc', '40', '2,240', /%$/]);
  await expect(groups.filter({ hasText: 'Square' }).getByRole('cell')).toHaveText(['Square', '40', '960', /%$/]);
  await screens(page, 'leaks-view-table');
  // The unreferenced set: a row selects its allocations.
  await page.getByTestId('leaks-unreferenced').click();
  await expect(page.getByTestId('leak-allocs-total')).toHaveText('847');
  const first = page.getByTestId('leak-groups-row').first();
  const cells = await first.getByRole('cell').allTextContents();
  await first.click();
  await expect(first).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('leak-allocs-total')).toHaveText(cells[1]);
  await expect(page.getByTestId('leak-allocs-section')).toContainText(`in ${cells[0]}`);
  // Size classes, flame graph and treemap of the leaked bytes.
  await page.getByTestId('leaks-leaked').click();
  await page.getByRole('group', { name: 'Group by' }).getByRole('button', { name: 'Size class' }).click();
  await expect(page.getByTestId('leak-groups-row').first()).toBeVisible();
  await page.getByRole('group', { name: 'Leaks view' }).getByRole('button', { name: 'Flame graph' }).click();
  await expect(page.getByTestId('flame-canvas')).toBeVisible();
  await screens(page, 'leaks-view-flame');
  await page.getByRole('group', { name: 'Leaks view' }).getByRole('button', { name: 'Treemap' }).click();
  await expect(page.getByTestId('treemap-canvas')).toBeVisible();
  await screens(page, 'leaks-view-treemap');
  // A ring node (the middle of the main thread's ring): found in the leaked list, opened in the inspector.
  await page.getByRole('group', { name: 'Leaks view' }).getByRole('button', { name: 'Table' }).click();
  const at = 12;
  const section = page.getByTestId('leak-allocs-section');
  await section.getByRole('searchbox', { name: 'Filter rows' }).fill(`0x${ring[at]}`);
  await expect(page.getByTestId('leak-allocs-row')).toHaveCount(1);
  await expect(page.getByTestId('leak-allocs-row')).toContainText('leaked, referenced by leaked');
  await page.getByTestId('leak-allocs-row').click();
  await expect(page.getByTestId('inspector')).toContainText(`0x${ring[at]}`);
  await expect(page.getByTestId('insp-leak-status')).toContainText('Leaked: no anchor reaches it');
  await expect(page.getByTestId('insp-chain-none')).toBeVisible();
  const refs = page.getByTestId('insp-referrers').locator('li');
  await expect(refs).toHaveCount(2);
  for (const n of [ring[at - 1], ring[at + 1]]) await expect(refs.filter({ hasText: `0x${n} ` })).toContainText('leaked');
  await screens(page, 'leaks-view-ring-node');
  // An allocation static memory points to directly (the static anchor points set): its chain starts there.
  await page.getByRole('button', { name: 'Close inspector' }).click();
  await page.getByTestId('leaks-set').selectOption('staticanchorpoints');
  await section.getByRole('searchbox', { name: 'Filter rows' }).fill('');
  await expect(page.getByTestId('leak-allocs-row').first()).toContainText('anchor point');
  await page.getByTestId('leak-allocs-row').first().click();
  await expect(page.getByTestId('insp-leak-status')).toContainText('Anchored from static memory');
  await expect(page.getByTestId('insp-chain-source')).toContainText('static memory');
  // One a thread's stack points to directly (leakgen's threads hold strings and node chains): its chain starts on that stack.
  await page.getByRole('button', { name: 'Close inspector' }).click();
  await page.getByTestId('leaks-set').selectOption('stackanchorpoints');
  await expect(page.getByTestId('leak-allocs-row').first()).toContainText('anchor point');
  await page.getByTestId('leak-allocs-row').first().click();
  await expect(page.getByTestId('insp-leak-status')).toContainText('a thread stack');
  await expect(page.getByTestId('insp-chain-source')).toContainText(/the stack of thread \d+/);
  await expect(page.getByTestId('insp-chain')).toContainText('(this allocation)');
  await screens(page, 'leaks-view-stack-chain');
});

/** Drops the shared files (skipping, with the reason, when one is missing) and waits for Compare, which two cores open. */
async function openCompare(page: Page, files: string[]): Promise<void> {
  const missing = files.map((f) => sharedMissing(f)).find(Boolean);
  test.skip(!!missing, `skipped: ${missing}`);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/');
  await dropFiles(page, files.map((f) => ({ path: shared(f) })));
  await expect(page.getByTestId('view-compare')).toBeVisible({ timeout: 60_000 });
}

test('heapgen: leaked bytes by allocating site from the footers, and compared between two cores by site and by class', async ({ page }) => {
  const files = ['fixtures/heapgen/core.phase1.gz', 'fixtures/heapgen/core.phase2.gz', 'fixtures/heapgen/heapgen', 'fixtures/heapgen/libwidgets.so'];
  // Two cores dropped together open Compare; the leaked allocations of each (chap: 869 in phase 1, 879 in phase 2).
  await openCompare(page, files);
  await page.getByRole('group', { name: 'Compare allocations' }).getByRole('button', { name: 'Leaked' }).click();
  const summary = page.getByTestId('compare-summary');
  await expect(summary).toContainText('445,192 bytes in 869 allocations', { timeout: 60_000 });
  await expect(summary).toContainText('444,984 bytes in 879 allocations');
  await expect(page.getByTestId('compare-set-note')).toContainText('leaked');
  await expect(page.getByTestId('diff-row').first()).toBeVisible();
  await screens(page, 'leaks-compare-by-function');
  await page.getByRole('group', { name: 'Compare by' }).getByRole('button', { name: 'Class', exact: true }).click();
  await expect(summary).toContainText('445,192 bytes in 869 allocations');
  await expect(page.getByTestId('diff-row').first()).toBeVisible();
  await screens(page, 'leaks-compare-by-class');
  // The anchored allocations by site: chap's used minus leaked of each phase (counts.txt), rows keyed by return address.
  await page.getByRole('group', { name: 'Compare allocations' }).getByRole('button', { name: 'Anchored' }).click();
  await page.getByRole('group', { name: 'Compare by' }).getByRole('button', { name: 'Return address', exact: true }).click();
  await expect(summary).toContainText('2,968,288 bytes in 25,474 allocations');
  await expect(summary).toContainText('3,019,072 bytes in 24,178 allocations');
  await expect(page.getByTestId('compare-set-note')).toContainText('anchored');
  await expect(page.getByTestId('diff-row').first()).toContainText(/\+0x[0-9a-f]+/);
  await screens(page, 'leaks-compare-anchored-by-site');
  // The Leaks view of phase 2 groups its leaked bytes by library → function → return address.
  await openView(page, 'k', 'Leaks');
  await expect(page.getByTestId('leaks-leaked-count')).toHaveText('879', { timeout: 60_000 });
  await expect(page.getByRole('group', { name: 'Group by' }).getByRole('button', { name: 'Allocating site', pressed: false })).toBeEnabled();
  await expect(page.getByTestId('leak-groups-row').first()).toContainText(' › ');
  await screens(page, 'leaks-view-sites');
  await page.getByRole('group', { name: 'Leaks view' }).getByRole('button', { name: 'Flame graph' }).click();
  await expect(page.getByTestId('flame-canvas')).toBeVisible();
  await screens(page, 'leaks-view-sites-flame');
});

test("heapgen phase 2: the Overview's largest leaked allocations name each one's class as chap's list used does, and its allocating function", async ({ page }) => {
  const files = ['fixtures/heapgen/core.phase2.gz', 'fixtures/heapgen/heapgen', 'fixtures/heapgen/libwidgets.so', 'fixtures/heapgen/core.phase2.list_used'];
  const missing = files.map((f) => sharedMissing(f)).find(Boolean);
  test.skip(!!missing, `skipped: ${missing}`);
  // chap's signature of every used allocation ("... with signature ADDR(Name)" under its "Used allocation at ADDR" line).
  const chapClass = new Map<string, string>();
  let at = '';
  for (const line of readFileSync(shared('fixtures/heapgen/core.phase2.list_used'), 'utf8').split('\n')) {
    const used = /^Used allocation at ([0-9a-f]+) /.exec(line);
    if (used) at = used[1];
    const sig = /^\.\.\. with signature [0-9a-f]+\((.*)\)$/.exec(line);
    if (sig) chapClass.set(at, sig[1]);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/');
  await dropFiles(page, files.slice(0, 3).map((f) => ({ path: shared(f) })));
  const rows = page.getByTestId('leaked-row');
  await expect(rows.first()).toBeVisible({ timeout: 60_000 });
  const n = await rows.count();
  expect(n).toBeGreaterThan(10);
  const classes = new Set<string>();
  for (let i = 0; i < n; i++) {
    const row = rows.nth(i);
    const address = (await row.locator('td').first().textContent())!.replace(/^0x/, '');
    const shown = (await row.getByTestId('leaked-class').textContent())!;
    expect(shown, `class of leaked 0x${address}`).toBe(chapClass.get(address) ?? '(no signature)');
    classes.add(shown);
    // Allocated by: the footer's function and library (heapgen's allocations all carry one).
    await expect(row.getByTestId('leaked-caller')).toHaveText(/^\S.* \+0x[0-9a-f]+ \(.+\)$/);
  }
  console.log(`${n} leaked rows; classes: ${[...classes].join(', ')}`);
  // The leak panel spans the page, the list reaching its right edge beside chap's sets, its headings on one line.
  for (const size of [
    { width: 1920, height: 1080 },
    { width: 1280, height: 800 },
  ]) {
    await page.setViewportSize(size);
    const panel = (await page.getByTestId('leak-sets').boundingBox())!;
    const table = (await page.getByTestId('leaked-table').boundingBox())!;
    expect(panel.width, `${size.width}: the leak panel's width`).toBeGreaterThan(size.width - 80);
    expect(panel.x + panel.width - (table.x + table.width), `${size.width}: space right of the list`).toBeLessThan(40);
    for (const th of await page.getByTestId('leaked-table').locator('th').all()) expect((await th.boundingBox())!.height, `${size.width}: "${await th.textContent()}" on one line`).toBeLessThan(32);
  }
  await screens(page, 'overview-leaked-heapgen');
  // At 1280 px the list is below the sets: the whole page.
  await screenshot(page, 'overview-leaked-heapgen-1280-page');
});

test('a saved analysis keeps the sets computed from its core: reopened from the library, its Leaks view reads them from the table', async ({ page }) => {
  const missing = sharedMissing('peer/chap-suite/ELF64/OneLeaked/core.20675');
  test.skip(!!missing, `skipped: ${missing}`);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/');
  await dropFiles(page, [{ path: shared('peer/chap-suite/ELF64/OneLeaked/core.20675') }]);
  await expect(page.getByTestId('leak-leaked-count')).toHaveText('1');
  await openView(page, 'k', 'Leaks');
  await expect(page.getByTestId('leaks-leaked-count')).toHaveText('1');
  await expect(page.getByTestId('leaks-timing')).toBeVisible();
  await page.keyboard.press('s');
  const save = page.getByTestId('save-dialog');
  await save.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(save.getByTestId('save-confirmation')).toBeVisible();
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'More' }).click();
  await page.getByRole('menuitem', { name: 'New analysis' }).click();
  await expect(page.getByTestId('input')).toHaveCount(0);
  await page.keyboard.press('l');
  await page.getByTestId('library-panel').getByTestId('library-row').getByRole('button', { name: 'Open' }).click();
  // It opens in the view it was saved in; no core now: the sets come from the saved table.
  await expect(page.getByTestId('view-leaks')).toBeVisible();
  await expect(page.getByTestId('leaks-leaked-count')).toHaveText('1');
  await expect(page.getByTestId('leaks-leaked-bytes')).toHaveText('24');
  await expect(page.getByTestId('leaks-unreferenced-count')).toHaveText('1');
  await expect(page.getByTestId('leaks-anchored-count')).toHaveText('1');
  await expect(page.getByTestId('leak-allocs-row')).toContainText('0x601010');
  await expect(page.getByTestId('leaks-timing')).toHaveCount(0);
  // The Overview's by-state rows list them too.
  await page.keyboard.press('1');
  await expect(page.getByTestId('stat-used-count')).toHaveText('2');
  await expect(page.getByTestId('set-leaked')).toContainText('24');
  await expect(page.getByTestId('set-unreferenced')).toContainText('24');
});

test("chap's list leaked alone, and list used + list leaked + list unreferenced without the core, show chap's counts in the Leaks view", async ({ page }) => {
  const lists = ['core.ref.list_used.gz', 'core.ref.list_leaked', 'core.ref.list_unreferenced'].map((f) => `fixtures/leakgen/${f}`);
  const missing = lists.map((f) => sharedMissing(f)).find(Boolean);
  test.skip(!!missing, `skipped: ${missing}`);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/');
  // chap's `list leaked` alone: its name (chap's redirect file name) says which set its `Used allocation at` rows are.
  await dropFiles(page, [{ path: shared(lists[1]) }]);
  await openView(page, 'k', 'Leaks');
  await expect(page.getByTestId('leaks-leaked-count')).toHaveText('967');
  await expect(page.getByTestId('leaks-leaked-bytes')).toHaveText('7,491,080');
  // Only that set is known: no unreferenced or anchored figures are made up.
  await expect(page.getByTestId('leaks-unreferenced')).toHaveCount(0);
  await expect(page.getByTestId('leaks-anchored')).toHaveCount(0);
  await expect(page.getByTestId('leak-allocs-total')).toHaveText('967');
  await screens(page, 'leaks-list-leaked-alone');
  await page.getByRole('button', { name: 'More' }).click();
  await page.getByRole('menuitem', { name: 'New analysis' }).click();
  await expect(page.getByTestId('input')).toHaveCount(0);
  // With chap's list used: one snapshot; anchored is every used allocation not leaked (chap's count_anchored).
  await dropFiles(page, lists.map((f) => ({ path: shared(f) })));
  await expect(page.getByTestId('snapshot-name')).toHaveText('core.ref.list_used');
  await expect(page.getByRole('region', { name: 'Snapshot' })).toContainText('core.ref.list_leaked (list leaked)');
  await page.keyboard.press('1');
  await expect(page.getByTestId('stat-used-count')).toHaveText('3,778');
  await openView(page, 'k', 'Leaks');
  await expect(page.getByTestId('leaks-leaked-count')).toHaveText('967');
  await expect(page.getByTestId('leaks-leaked-bytes')).toHaveText('7,491,080');
  await expect(page.getByTestId('leaks-unreferenced-count')).toHaveText('847');
  await expect(page.getByTestId('leaks-unreferenced-bytes')).toHaveText('7,486,280');
  await expect(page.getByTestId('leaks-anchored-count')).toHaveText('2,811');
  await expect(page.getByTestId('leaks-anchored-bytes')).toHaveText('315,192');
  await expect(page.getByTestId('leaks-set').locator('option')).toHaveText(['Leaked (967)', 'Unreferenced (847)', 'Anchored (2,811)']);
  await screens(page, 'leaks-lists-without-core');

  // The view's state is in the URL: a shared link opens the same set, grouping, mode and selection.
  await page.getByTestId('leaks-unreferenced').click();
  await page.getByRole('group', { name: 'Group by' }).getByRole('button', { name: 'Size class' }).click();
  const row = page.getByTestId('leak-groups-row').first();
  const cells = await row.getByRole('cell').allTextContents();
  await row.click();
  await expect(page.getByTestId('leak-allocs-total')).toHaveText(cells[1]);
  await page.getByRole('group', { name: 'Leaks view' }).getByRole('button', { name: 'Treemap' }).click();
  await expect(page.getByTestId('treemap-canvas')).toBeVisible();
  expect(decodeURIComponent(page.url())).toContain(`view=leaks&lset=unreferenced&lby=size&lmode=treemap&lnode=${cells[0]}`);
  await page.getByRole('button', { name: 'Share…' }).click();
  const dlg = page.getByTestId('share-dialog');
  await dlg.getByRole('button', { name: /^Upload/ }).click();
  const urlBox = dlg.getByTestId('share-url');
  await expect(urlBox).toHaveValue(/#\/a\/[0-9a-f]{64}\?v=1&view=leaks&lset=unreferenced&lby=size&lmode=treemap&lnode=/);
  const url = await urlBox.inputValue();
  const ctx = await page.context().browser()!.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const other = await ctx.newPage();
    await other.goto(url);
    await expect(other.getByTestId('view-leaks')).toBeVisible({ timeout: 60_000 });
    await expect(other.getByTestId('leaks-unreferenced')).toHaveAttribute('aria-pressed', 'true');
    await expect(other.getByRole('group', { name: 'Group by' }).getByRole('button', { name: 'Size class' })).toHaveClass(/\bon\b/);
    await expect(other.getByTestId('treemap-canvas')).toBeVisible();
    await expect(other.getByTestId('leak-allocs-total')).toHaveText(cells[1]);
    await expect(other.getByTestId('leak-allocs-section')).toContainText(`in ${cells[0]}`);
    await screens(other, 'leaks-shared-url');
  } finally {
    await ctx.close();
  }
});

test("Compare's leak mode by class on leakgen under glibc malloc (A) and tcmalloc (B): chap's leaked, unreferenced and anchored counts of each core", async ({ page }) => {
  const files = ['fixtures/leakgen/core.gz', 'fixtures/leakgen/tcmalloc/core.gz', 'fixtures/leakgen/leakgen', 'fixtures/leakgen/tcmalloc/leakgen'];
  await openCompare(page, files);
  // Both files are called core.gz: the snapshots are told apart.
  await expect(page.getByRole('combobox', { name: 'Snapshot A' }).locator('option:checked')).toHaveText('core');
  await expect(page.getByRole('combobox', { name: 'Snapshot B' }).locator('option:checked')).toHaveText('core (2)');
  const summary = page.getByTestId('compare-summary');
  const sets = page.getByRole('group', { name: 'Compare allocations' });
  // chap's core.ref.count_SET of each core.
  for (const [label, a, b] of [
    ['Leaked', '7,491,080 bytes in 967 allocations', '7,484,168 bytes in 963 allocations'],
    ['Unreferenced', '7,486,280 bytes in 847 allocations', '7,478,408 bytes in 843 allocations'],
    ['Anchored', '315,192 bytes in 2,811 allocations', '386,832 bytes in 3,072 allocations'],
  ]) {
    await sets.getByRole('button', { name: label, exact: true }).click({ timeout: 60_000 });
    await expect(summary).toContainText(a, { timeout: 60_000 });
    await expect(summary).toContainText(b);
  }
  // chap's summarize leaked of each: Square 40 taking 960 bytes in A, 39 taking 624 in B; Disc 40 taking 2,240 and 2,560.
  await sets.getByRole('button', { name: 'Leaked', exact: true }).click();
  const rows = page.getByTestId('diff-row');
  await expect(rows.filter({ hasText: /^Square/ }).first()).toBeVisible();
  await expect(rows.filter({ hasText: /^Square/ }).first()).toContainText('960');
  await expect(rows.filter({ hasText: /^Square/ }).first()).toContainText('624');
  await expect(rows.filter({ hasText: /^Disc/ }).first()).toContainText('2,560');
  await screens(page, 'leaks-compare-glibc-tcmalloc');
});
