/**
 * Snapshots, not piles of files: what users drop together forms snapshots, each
 * view shows one, nothing is summed across them, each snapshot's core backs its
 * own inspector, and a saved analysis reopens as it was live.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { dropFiles, ROOT, screenshot, shared, sharedMissing } from './support.ts';

interface CliSnapshot {
  name: string;
  used: { count: number; bytes: number };
  free?: { count: number; bytes: number };
}

/** `heapscope summary FILES --json` of the same files (the CLI built from these sources). */
function cliSummary(paths: string[]): CliSnapshot[] {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-cli.mjs')], { stdio: 'ignore' });
  const out = execFileSync(process.execPath, [join(ROOT, 'bin', 'heapscope.mjs'), 'summary', ...paths, '--json'], { encoding: 'utf8' });
  return (JSON.parse(out) as { snapshots: CliSnapshot[] }).snapshots;
}

const num = (n: number) => n.toLocaleString('en-US');

/** Every snapshot the CLI reports for the files shows the same figures in the browser (picked in turn). */
async function expectSameAsCli(page: Page, paths: string[]): Promise<void> {
  const cli = cliSummary(paths);
  const picker = page.getByTestId('snapshot-picker');
  expect(await picker.count()).toBe(cli.length > 1 ? 1 : 0);
  for (const [i, s] of cli.entries()) {
    if (cli.length > 1) await picker.selectOption({ label: `${i + 1}. ${s.name} (process)` });
    else await expect(page.getByTestId('snapshot-name')).toHaveText(s.name);
    await expect(page.getByTestId('stat-used-count')).toHaveText(num(s.used.count));
    await expect(page.getByTestId('stat-used-bytes')).toHaveText(num(s.used.bytes));
    if (s.free) {
      await expect(page.getByTestId('stat-free-count')).toHaveText(num(s.free.count));
      await expect(page.getByTestId('stat-free-bytes')).toHaveText(num(s.free.bytes));
    } else await expect(page.getByTestId('stat-free-count')).toHaveCount(0);
  }
}

const heapgen = (f: string) => ({ path: shared(`fixtures/heapgen/${f}`) });

/** chap's `count used` and `count free` lines of a heapgen core (counts.txt). */
function counts(phase: number): { used: string[]; free: string[] } {
  const lines = readFileSync(shared(`fixtures/heapgen/core.phase${phase}.counts.txt`), 'utf8').trim().split('\n');
  const parse = (l: string) => {
    const m = /^(\d+) allocations use 0x[0-9a-f]+ \(([\d,]+)\) bytes\.$/.exec(l)!;
    return [Number(m[1]).toLocaleString('en-US'), m[2]];
  };
  return { used: parse(lines[0]), free: parse(lines[1]) };
}

async function expectFigures(page: Page, phase: number): Promise<void> {
  const c = counts(phase);
  await expect(page.getByTestId('stat-used-count')).toHaveText(c.used[0]);
  await expect(page.getByTestId('stat-used-bytes')).toHaveText(c.used[1]);
  await expect(page.getByTestId('stat-free-count')).toHaveText(c.free[0]);
  await expect(page.getByTestId('stat-free-bytes')).toHaveText(c.free[1]);
}

test('both heapgen cores, their four chap lists and the binaries in one drop: two snapshots, each with its own figures; Compare opens on them', async ({ page }) => {
  test.setTimeout(240_000);
  const missing = sharedMissing('fixtures/heapgen/core.phase2.gz');
  test.skip(!!missing, `skipped: ${missing}`);
  await page.goto('/');
  const files = ['core.phase1.gz', 'core.phase2.gz', 'core.phase1.list_used', 'core.phase1.list_free', 'core.phase2.list_used', 'core.phase2.list_free', 'heapgen', 'libwidgets.so'].map(heapgen);
  await dropFiles(page, files);
  // Two snapshots of one kind dropped together: Compare opens on them, phase 1 as A.
  await expect(page.getByRole('tab', { name: 'Compare' })).toHaveAttribute('aria-selected', 'true', { timeout: 120_000 });
  await expect(page.getByTestId('compare-summary')).toContainText('A core.phase1:');
  await expect(page.getByTestId('compare-summary')).toContainText('B core.phase2:');
  for (const fn of ['app::leak_cache(long, long)', 'widgets::make_shapes(unsigned long)']) {
    const row = page.getByTestId('diff-row').filter({ hasText: fn }).first();
    await expect(row).toBeVisible({ timeout: 60_000 });
    const cells = await row.locator('.vcell').allTextContents();
    const a = Number(cells[1].replace(/,/g, ''));
    const b = Number(cells[2].replace(/,/g, ''));
    if (fn.startsWith('app::')) expect(b).toBeGreaterThan(a);
    else expect(b).toBeLessThan(a);
  }
  await screenshot(page, 'snapshots-compare');

  // Each snapshot's Overview: chap's exact used and free figures for its own core.
  // Compare chooses its own A and B: the single-snapshot picker is not shown there.
  const picker = page.getByTestId('snapshot-picker');
  await expect(picker).toHaveCount(0);
  await page.getByRole('tab', { name: 'Overview' }).click();
  await expect(picker.locator('option')).toHaveText(['1. core.phase1 (process)', '2. core.phase2 (process)']);
  await expectFigures(page, 2);
  await expect(page.getByTestId('snapshot-parts')).toHaveText(
    'core.phase2.gz (core) · core.phase2.list_used (list used) · core.phase2.list_free (list free) · heapgen (binary) · libwidgets.so (binary)',
  );
  await picker.selectOption({ label: '1. core.phase1 (process)' });
  await expectFigures(page, 1);
  await screenshot(page, 'snapshots-overview-phase1');

  // The inspector of a row of snapshot B reads B's core.
  await picker.selectOption({ label: '2. core.phase2 (process)' });
  await expectFigures(page, 2);
  await page.getByTestId('largest-row').first().click();
  await expect(page.getByTestId('insp-snapshot')).toHaveText('core.phase2');
  await expect(page.getByTestId('hexdump')).toBeVisible();
  await page.getByRole('button', { name: 'Close inspector' }).click();

  // The CLI's `summary` of the same files says what the browser shows, snapshot by snapshot.
  await expectSameAsCli(page, files.map((f) => f.path));
});

test('chap lists of both heapgen phases without their cores: two snapshots, the same in the browser and the CLI', async ({ page }) => {
  const missing = sharedMissing('fixtures/heapgen/core.phase2.list_free');
  test.skip(!!missing, `skipped: ${missing}`);
  await page.goto('/');
  const files = ['core.phase2.list_free', 'core.phase1.list_used', 'core.phase2.list_used', 'core.phase1.list_free'].map(heapgen);
  await dropFiles(page, files);
  await expect(page.getByRole('tab', { name: 'Compare' })).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('tab', { name: 'Overview' }).click();
  await expectSameAsCli(page, files.map((f) => f.path));
});

test("chap's OneLeaked core with its list used, list free and list leaked: chap's figures, each allocation once", async ({ page }) => {
  const dir = 'peer/chap-suite/ELF64/OneLeaked';
  const missing = sharedMissing(dir);
  test.skip(!!missing, `skipped: ${missing}`);
  await page.goto('/');
  await dropFiles(page, ['core.20675', 'core.20675.ref.list_used', 'core.20675.ref.list_free', 'core.20675.ref.list_leaked'].map((f) => ({ path: shared(dir, f) })));
  await expect(page.getByTestId('stat-used-count')).toHaveText('2');
  await expect(page.getByTestId('stat-used-bytes')).toHaveText('48');
  await expect(page.getByTestId('stat-free-count')).toHaveText('1');
  await expect(page.getByTestId('snapshot-name')).toHaveText('core.20675');
  await expect(page.getByTestId('snapshot-parts')).toContainText('core.20675.ref.list_leaked (list leaked)');
  await expect(page.getByTestId('assembly-note')).toHaveCount(0);
  await screenshot(page, 'snapshots-oneleaked');
  await expectSameAsCli(page, ['core.20675', 'core.20675.ref.list_used', 'core.20675.ref.list_free', 'core.20675.ref.list_leaked'].map((f) => shared(dir, f)));
});

test('a tracemalloc snapshot gets only the views that mean something for it: no heap map, no free figures, no addresses', async ({ page }) => {
  const missing = sharedMissing('fixtures/tracemalloc/after.tracemalloc');
  test.skip(!!missing, `skipped: ${missing}`);
  await page.goto('/');
  await dropFiles(page, [{ path: shared('fixtures/tracemalloc/after.tracemalloc') }]);
  await expect(page.getByRole('tab', { name: 'tracemalloc' })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Heap map' })).toHaveCount(0);
  await expect(page.getByRole('tab', { name: 'Callers' })).toHaveCount(0);
  await expect(page.getByTestId('stat-free-count')).toHaveCount(0);
  await expect(page.getByTestId('largest')).toHaveCount(0);
  await expect(page.getByTestId('stat-used')).toContainText('traces');
});

test('save → reopen from the library: the same snapshots, the same figures and the same "footers detected" state', async ({ page }) => {
  test.setTimeout(180_000);
  const missing = sharedMissing('peer/chap-suite/ELF64/SpinningThreads/core.SpinningThreads.bz2');
  test.skip(!!missing, `skipped: ${missing}`);
  await page.goto('/');
  // A core without malloc_tracer footers: "not detected" live, and after reopening too.
  await dropFiles(page, [{ path: shared('peer/chap-suite/ELF64/SpinningThreads/core.SpinningThreads.bz2') }]);
  await page.getByRole('tab', { name: 'Callers' }).click();
  await expect(page.getByTestId('attribution-source')).toContainText('No malloc_tracer footers found');
  await page.getByRole('tab', { name: 'Overview' }).click();
  const used = await page.getByTestId('stat-used-count').textContent();
  await page.keyboard.press('s');
  const save = page.getByTestId('save-dialog');
  await save.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(save.getByTestId('save-confirmation')).toBeVisible();
  await save.getByRole('button', { name: 'Open the library' }).click();
  await page.getByTestId('library-row').first().getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByTestId('input').first()).toContainText('saved');
  await expect(page.getByTestId('stat-used-count')).toHaveText(used!);
  await page.getByRole('tab', { name: 'Callers' }).click();
  await expect(page.getByTestId('attribution-source')).toContainText('No malloc_tracer footers found');
});
