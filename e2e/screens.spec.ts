/**
 * Every view at 1280×800 and 1920×1080 (screenshots under e2e/screenshots/,
 * `screen-<view>-1280.png`, `screen-<view>-1920.png`), and what a user of
 * speedscope or Firefox Profiler expects of them: graphs the full width and as
 * tall as the tree, the top bar on one row, labels legible (contrast measured
 * from the canvas pixels), the diff legend drawn with the graph's colours,
 * shortcuts that work after clicking any control, exports equal to the table.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { SIZES, dropFiles, expectControlsWhole, expectFitsWidth, screens, shared, sharedMissing } from './support.ts';

const CORE = ['core.phase1.gz', 'core.phase1.list_used', 'heapgen', 'libwidgets.so'].map((f) => `fixtures/heapgen/${f}`);

async function openDemo(page: Page) {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/');
  await page.getByRole('button', { name: 'Open demo' }).first().click();
  // The demo is heapgen phase 1 and 2 (the newest shows first): these tests look at phase 1.
  await expect(page.getByTestId('stat-used-count')).toHaveText('25,057');
  await page.getByTestId('snapshot-picker').selectOption({ label: '1. heapgen-phase1.list_used (process)' });
  await expect(page.getByTestId('stat-used-count')).toHaveText('26,343');
  // A select keeps its keys (digits pick options): leave it as a user clicking elsewhere would.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

async function setTheme(page: Page, theme: 'light' | 'dark') {
  await page.getByRole('button', { name: 'More' }).click();
  await page.getByRole('menu').getByRole('button', { name: theme === 'light' ? 'Light' : 'Dark' }).click();
  await page.keyboard.press('Escape');
}

interface LabelContrast {
  row: number;
  x: number;
  w: number;
  bg: number[];
  ratio: number;
}

/**
 * For each cell of a flame-graph or treemap canvas wide enough for a label: its colour and the highest WCAG
 * contrast of any pixel of its label area against it — the text's own colour where the glyphs are solid.
 * Flame graph: rows of `rowH` px, a cell's colour a pixel above its text. Treemap: a cell's top edge is a run of
 * one opaque colour at least 40 px wide whose row 1 px above is one other colour along it (the gap between
 * cells); its label band lies 1 … 13 px under it, where the layout keeps children out, in cells over 15 px tall.
 */
async function labelContrasts(page: Page, testId: string, kind: 'flame' | 'treemap', rowH = 20): Promise<LabelContrast[]> {
  return page.evaluate(
    ([id, k, rh]) => {
      const c = document.querySelector<HTMLCanvasElement>(`[data-testid="${id}"]`)!;
      const dpr = c.width / c.clientWidth;
      const img = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const px = (x: number, y: number) => {
        const i = (Math.floor(y) * c.width + Math.floor(x)) * 4;
        return [img[i], img[i + 1], img[i + 2], img[i + 3]];
      };
      const lin = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      const lum = (p: number[]) => 0.2126 * lin(p[0]) + 0.7152 * lin(p[1]) + 0.0722 * lin(p[2]);
      const ratio = (a: number[], b: number[]) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
      const same = (a: number[], b: number[]) => a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
      /** Highest contrast against `bg` of the pixels in [x0, x1) × [y0, y1). */
      const best = (bg: number[], x0: number, x1: number, y0: number, y1: number) => {
        let b = 1;
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) b = Math.max(b, ratio(px(x, y), bg));
        return b;
      };
      /** Runs of one colour along device row `y`: [start, end, colour]. */
      const runs = (y: number): [number, number, number[]][] => {
        const out: [number, number, number[]][] = [];
        for (let x = 0; x < c.width; ) {
          const p = px(x, y);
          let x1 = x + 1;
          while (x1 < c.width && same(px(x1, y), p)) x1++;
          out.push([x, x1, p]);
          x = x1;
        }
        return out;
      };
      const out: { row: number; x: number; w: number; bg: number[]; ratio: number }[] = [];
      if (k === 'flame') {
        const h = rh * dpr;
        for (let row = 0; (row + 1) * h <= c.height; row++) {
          for (const [x, x1, p] of runs(row * h + 2 * dpr)) {
            if (p[3] < 255 || x1 - x <= 40 * dpr) continue;
            const r = best(p, x + 3 * dpr, x1 - 2 * dpr, row * h + 4 * dpr, row * h + 16 * dpr);
            if (r > 1.05) out.push({ row, x: x / dpr, w: (x1 - x) / dpr, bg: p.slice(0, 3), ratio: r });
          }
        }
        return out;
      }
      const seen = new Set<string>();
      for (let y = dpr; y + 14 * dpr < c.height; y++) {
        for (const [x, x1, p] of runs(y)) {
          const above = px((x + x1) / 2, y - dpr);
          if (p[3] !== 255 || x1 - x <= 40 * dpr || same(above, p) || !same(px(x + 4 * dpr, y - dpr), above) || !same(px(x1 - 4 * dpr, y - dpr), above)) continue;
          const key = `${x}:${p.join(',')}`;
          if (seen.has(key)) continue;
          seen.add(key);
          // The cell's height, down its left edge (left of any label); cells 14 px tall or less carry none.
          let bottom = y;
          while (bottom < c.height && same(px(x + dpr, bottom), p)) bottom++;
          const r = bottom - y > 15 * dpr ? best(p, x + 2 * dpr, x1 - 2 * dpr, y + dpr, y + 13 * dpr) : 1;
          if (r > 1.05) out.push({ row: Math.round(y / dpr), x: x / dpr, w: (x1 - x) / dpr, bg: p.slice(0, 3), ratio: r });
        }
      }
      return out;
    },
    [testId, kind, rowH] as const,
  );
}

/** Distinct colours of the cells (3 px or wider) of a flame-graph canvas below its root row, as #rrggbb. */
async function cellColours(page: Page, testId: string, rowH = 20): Promise<Map<string, number>> {
  const list = await page.evaluate(
    ([id, rh]) => {
      const c = document.querySelector<HTMLCanvasElement>(`[data-testid="${id}"]`)!;
      const dpr = c.width / c.clientWidth;
      const img = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const out: string[] = [];
      for (let row = 1; (row + 1) * rh * dpr <= c.height; row++) {
        const y = Math.floor((row * rh + 2) * dpr);
        let run = 0;
        let prev = '';
        for (let x = 0; x < c.width; x++) {
          const i = (y * c.width + x) * 4;
          const hex = img[i + 3] === 255 ? '#' + [img[i], img[i + 1], img[i + 2]].map((v) => v.toString(16).padStart(2, '0')).join('') : '';
          if (hex === prev) run++;
          else {
            if (prev && run >= 3 * dpr) out.push(prev);
            prev = hex;
            run = 1;
          }
        }
        if (prev && run >= 3 * dpr) out.push(prev);
      }
      return out;
    },
    [testId, rowH] as const,
  );
  const m = new Map<string, number>();
  for (const h of list) m.set(h, (m.get(h) ?? 0) + 1);
  return m;
}

/** Minimal CSV reader (quoted cells with "" escapes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let cell = '';
  let row: string[] = [];
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') q = false;
      else cell += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  return rows;
}

/** A shown cell as its exported value: separators, % and the typographic minus dropped; numbers as numbers (9.0% = 9). */
const asExported = (s: string) => {
  const t = s.replace(/,/g, '').replace(/%$/, '').replace(/^−/, '-').replace(/^\+/, '');
  return /^-?\d+(\.\d+)?$/.test(t) ? String(Number(t)) : t;
};

/** Clicks CSV and JSON and checks both equal the first rows the table shows, cell by cell. */
async function exportEqualsTable(page: Page, testId: string) {
  const rows = page.getByTestId(`${testId}-row`);
  await expect(rows.first()).toBeVisible();
  const headers = (await page.getByTestId(testId).locator('.vhead .vcell').allTextContents()).map((h) => h.replace(/ [▲▼]$/, ''));
  const shown: string[][] = [];
  for (const r of (await rows.all()).slice(0, 12)) shown.push(await r.locator('.vcell').allTextContents());
  // Header and cells line up, and no cell's text is cut (a title carries long names, never numbers).
  const headBoxes = await page.getByTestId(testId).locator('.vhead .vcell').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().left));
  const rowBoxes = await rows.first().locator('.vcell').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().left));
  rowBoxes.forEach((x, i) => expect(Math.abs(x - headBoxes[i]), `${testId} column ${i} lines up`).toBeLessThan(1));
  const cut = await rows.first().locator('.vcell.num').evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent));
  expect(cut, `${testId}: numbers cut`).toEqual([]);
  const [csvDl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'CSV' }).click()]);
  const csv = parseCsv(readFileSync((await csvDl.path())!, 'utf8'));
  const [jsonDl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'JSON' }).click()]);
  const json = JSON.parse(readFileSync((await jsonDl.path())!, 'utf8')) as Record<string, string | number>[];
  expect(csv[0]).toEqual(headers);
  shown.forEach((cells, i) => {
    expect(csv[i + 1].length).toBe(cells.length);
    cells.forEach((text, j) => {
      expect(asExported(csv[i + 1][j]), `${testId} row ${i} ${headers[j]}`).toBe(asExported(text));
      expect(asExported(String(json[i][headers[j]])), `${testId} JSON row ${i} ${headers[j]}`).toBe(asExported(text));
    });
  });
}

/** The function names of heapgen phase 1's heap_total.txt (malloc_tracer's gdb plugin: as gdb demangles them). */
function heapTotalFunctions(): string[] {
  const text = readFileSync(shared('fixtures/heapgen/core.phase1.heap_total.txt'), 'utf8');
  return [...text.matchAll(/^Func: "(.*)": Sizes:/gm)].map((m) => m[1]);
}

/**
 * A table's cell holding a long C++ name: the name is whole in the cell (copied whole), its title and the selection
 * line once the row is clicked; the cell spans its column (cut by the column's width with an ellipsis, never at 48
 * characters); returns the cell's width in px.
 */
async function longNameCell(page: Page, testId: string, col: number, name: string, shownAs = name): Promise<number> {
  const row = page.getByTestId(`${testId}-row`).filter({ hasText: name }).first();
  await expect(row).toBeVisible();
  const cell = row.locator('.vcell').nth(col);
  await expect(cell).toHaveText(shownAs);
  await expect(cell).toHaveAttribute('title', shownAs);
  const head = page.getByTestId(testId).locator('.vhead .vcell').nth(col);
  const [w, hw] = [(await cell.boundingBox())!.width, (await head.boundingBox())!.width];
  expect(Math.abs(w - hw), `${testId}: the name's cell spans its column (${w} of ${hw} px)`).toBeLessThan(1);
  const cut = await cell.evaluate((e) => ({ cut: e.scrollWidth > e.clientWidth, overflow: getComputedStyle(e).textOverflow }));
  expect(cut).toEqual({ cut: true, overflow: 'ellipsis' });
  await row.click();
  const selection = page.getByTestId(`${testId}-selection`);
  await expect(selection).toContainText(name);
  // In view without scrolling, even when the table runs past the window's bottom.
  const box = (await selection.boundingBox())!;
  expect(box.y + box.height, 'the selection line inside the window').toBeLessThanOrEqual(page.viewportSize()!.height + 0.5);
  return w;
}

/** The width of `n` ch in the table's body font (what `.name`'s old 48ch cap came to). */
async function chPx(page: Page, testId: string, n: number): Promise<number> {
  return page.getByTestId(testId).locator('.vbody').evaluate((e, n) => {
    const probe = document.createElement('span');
    probe.style.cssText = `display:inline-block;width:${n}ch`;
    e.appendChild(probe);
    const w = probe.getBoundingClientRect().width;
    probe.remove();
    return w;
  }, n);
}

test.describe('chap lists (the demo: heapgen phase 1 used + free)', () => {
  test('overview, flame graph, treemap, table, histogram, heap map at both sizes; empty state; menu; help', async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto('/');
    await expect(page.getByTestId('empty-state')).toBeVisible();
    await screens(page, 'screen-empty');
    // A bad file keeps the format guidance on screen.
    await dropFiles(page, [{ name: 'garbage.bin', bytes: Buffer.from('not a heap at all\n') }]);
    await expect(page.getByTestId('input-error')).toContainText('garbage.bin');
    await expect(page.getByTestId('empty-state')).toBeVisible();
    await screens(page, 'screen-empty-error');
    await openDemo(page);
    await screens(page, 'screen-overview');
    // The top bar stays on one row at 1280 px, the overview's cards are evenly spaced.
    expect((await page.locator('.topbar').boundingBox())!.height).toBeLessThan(56);
    const cards = await Promise.all(['stat-used', 'stat-free', 'stat-ratio'].map(async (id) => (await page.getByTestId(id).boundingBox())!));
    expect(Math.abs(cards[1].x - (cards[0].x + cards[0].width) - (cards[2].x - (cards[1].x + cards[1].width)))).toBeLessThan(1.5);
    expect(Math.abs(cards[0].width - cards[2].width)).toBeLessThan(1.5);
    await page.getByRole('button', { name: 'More' }).click();
    await expect(page.getByRole('menu')).toBeVisible();
    await screens(page, 'screen-menu');
    await page.keyboard.press('Escape');
    await page.keyboard.press('?');
    await screens(page, 'screen-help');
    await page.keyboard.press('Escape');

    await page.keyboard.press('2');
    await expect(page.getByTestId('flame-canvas')).toBeVisible();
    await screens(page, 'screen-flame');
    // Full width at both sizes; as tall as the tree (3 rows), not a box of empty space.
    for (const size of [
      { width: 1920, height: 1080 },
      { width: 1280, height: 800 },
    ]) {
      await page.setViewportSize(size);
      await expect.poll(async () => (await page.getByTestId('flame-canvas').boundingBox())!.width).toBeGreaterThan(size.width - 80);
      expect((await page.getByTestId('flame-canvas').boundingBox())!.height).toBe(3 * 20);
    }
    await page.keyboard.press('3');
    await expect(page.getByTestId('treemap-canvas')).toBeVisible();
    await expect.poll(async () => (await page.getByTestId('treemap-canvas').boundingBox())!.width).toBeGreaterThan(1280 - 80);
    await screens(page, 'screen-treemap');
    await page.keyboard.press('4');
    await expect(page.getByTestId('group-row').first()).toBeVisible();
    await screens(page, 'screen-table');
    // The table's box is as tall as its three rows (the demo's classes), not a page of empty box, at both sizes.
    await expect(page.getByTestId('group-row')).toHaveCount(3);
    for (const size of SIZES) {
      await page.setViewportSize(size);
      expect((await page.getByTestId('group').locator('.vbody').boundingBox())!.height, `table body at ${size.width}`).toBe(3 * 30);
    }
    await page.setViewportSize(SIZES[0]);
    await page.keyboard.press('5');
    await expect(page.getByTestId('histogram')).toBeVisible();
    // Round binary ticks: never "1.00 KiB", never 195/391/586 KiB.
    const ticks = await page.locator('[data-testid=histogram] text.tick').allTextContents();
    expect(ticks).toContain('1 KiB');
    for (const t of ticks) expect(t).toMatch(/^(0|\d+(\.\d+)? (B|KiB|MiB|GiB))$/);
    await screens(page, 'screen-histogram');
    await page.keyboard.press('9');
    await expect(page.getByTestId('heap-strip').first()).toBeVisible();
    await expect(page.locator('.range-head').first()).toContainText(/used [\d,]+ allocations?, [\d,]+ bytes · free [\d,]+ allocations?, [\d,]+ bytes/);
    await screens(page, 'screen-heap');
  });

  test('table: a size-class row highlights its nodes in the flame graph; exports equal what is shown', async ({ page }) => {
    await openDemo(page);
    await page.keyboard.press('4');
    await exportEqualsTable(page, 'group');
    await page.getByRole('button', { name: 'By size class' }).click();
    await exportEqualsTable(page, 'group');
    await expect(page.getByTestId('group-link-note')).toContainText('a click highlights all of those nodes');
    await page.getByTestId('group-row').filter({ hasText: '40 B (0x28)' }).first().click();
    await page.keyboard.press('2');
    await expect(page.getByTestId('search-share')).toContainText('matched:');
    await expect(page.getByLabel('Search')).toHaveValue('40 B (0x28)');
  });

  test('shortcuts and arrows work without clicking the canvas and after clicking any control', async ({ page }) => {
    await openDemo(page);
    await page.keyboard.press('2');
    // Arrows right away: the focus is on the page, not the canvas.
    await page.keyboard.press('ArrowDown');
    await expect(page.getByTestId('selection-details')).toContainText('(no signature)');
    const controls = [
      page.getByRole('button', { name: 'Count', exact: true }),
      page.getByRole('button', { name: 'Bytes', exact: true }),
      page.getByRole('button', { name: 'By name' }),
      page.getByRole('button', { name: 'By size' }),
      page.getByRole('checkbox', { name: 'inverted' }),
      page.getByRole('checkbox', { name: 'inverted' }),
      page.getByRole('tab', { name: 'Flame graph' }),
    ];
    for (const [i, c] of controls.entries()) {
      await c.click();
      // A control that rebuilds the tree (inverted) clears the selection; the arrows act once the new tree is drawn.
      await expect(page.getByText('Building the tree…')).toHaveCount(0);
      await page.keyboard.press('ArrowDown');
      await expect(page.getByTestId('selection-details'), `arrow after control ${i}`).toBeVisible();
      await page.keyboard.press('3');
      await expect(page.getByRole('tab', { name: 'Treemap' }), `3 after control ${i}`).toHaveAttribute('aria-selected', 'true');
      await page.keyboard.press('2');
      await expect(page.getByRole('tab', { name: 'Flame graph' })).toHaveAttribute('aria-selected', 'true');
    }
    // Other views' controls: the table's grouping, the histogram's checkbox.
    await page.keyboard.press('4');
    await page.getByRole('button', { name: 'By size class' }).click();
    await page.keyboard.press('5');
    await expect(page.getByRole('tab', { name: 'Histogram' })).toHaveAttribute('aria-selected', 'true');
    await page.getByRole('checkbox', { name: 'log scale' }).click();
    await page.keyboard.press('1');
    await expect(page.getByRole('tab', { name: 'Overview' })).toHaveAttribute('aria-selected', 'true');
    // Typing in a text box is not a shortcut.
    await page.keyboard.press('2');
    await page.getByLabel('Search').fill('');
    await page.getByLabel('Search').press('3');
    await expect(page.getByRole('tab', { name: 'Flame graph' })).toHaveAttribute('aria-selected', 'true');
  });
});

test.describe('label contrast measured on the canvas', () => {
  test.use({ deviceScaleFactor: 2 });
  test('every label of the flame graph reaches 4.5:1 against its cell, in both themes', async ({ page }) => {
    await openDemo(page);
    await page.keyboard.press('2');
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(page, theme);
      await page.mouse.move(0, 0);
      await page.waitForTimeout(200);
      const labels = await labelContrasts(page, 'flame-canvas', 'flame');
      expect(labels.length, theme).toBeGreaterThan(5);
      for (const l of labels) expect(l.ratio, `${theme} row ${l.row} at ${Math.round(l.x)} px on rgb(${l.bg})`).toBeGreaterThanOrEqual(4.5);
      // Dark text on light cells and light text on dark ones: a cell's luminance tells which.
      await screens(page, `screen-flame-${theme}`);
    }
  });

  test('every label of the treemap reaches 4.5:1 against its cell, in both themes', async ({ page }) => {
    await openDemo(page);
    await page.keyboard.press('3');
    await expect(page.getByTestId('treemap-canvas')).toBeVisible();
    for (const theme of ['light', 'dark'] as const) {
      await setTheme(page, theme);
      await page.mouse.move(0, 0);
      await page.waitForTimeout(200);
      const labels = await labelContrasts(page, 'treemap-canvas', 'treemap');
      expect(labels.length, theme).toBeGreaterThan(5);
      for (const l of labels) expect(l.ratio, `${theme} cell at ${Math.round(l.x)},${l.row} px on rgb(${l.bg})`).toBeGreaterThanOrEqual(4.5);
      await screens(page, `screen-treemap-${theme}`);
    }
  });
});

test.describe('a core with malloc_tracer footers and its binaries', () => {
  test.beforeEach(() => {
    const missing = sharedMissing(CORE[0]);
    test.skip(!!missing, `skipped: ${missing}`);
  });

  test('callers, flame graph with transforms and sandwich, treemap, overview with callers, heap map, inspector', async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto('/');
    await dropFiles(page, CORE.map((p) => ({ path: shared(p) })));
    await expect(page.getByTestId('stat-used-bytes')).toHaveText('3,413,480');
    // Share takes the analysis as it is when it opens: wait for the footer attribution (Callers' rows), then back.
    await page.keyboard.press('8');
    await expect(page.getByTestId('attribution-row').first()).toBeVisible({ timeout: 60_000 });
    await page.keyboard.press('1');
    await expect(page.getByTestId('stat-used-bytes')).toHaveText('3,413,480');
    // Share: function names apart from address-only sites; addresses can be left out.
    await page.getByRole('button', { name: 'Share…' }).click();
    const dlg = page.getByTestId('share-dialog');
    await expect(dlg.getByTestId('up-functions')).toContainText('app::churn(long)');
    await expect(dlg.getByTestId('up-functions')).not.toContainText('+0x');
    await expect(dlg.getByTestId('upload-addresses')).toContainText('included');
    await dlg.getByLabel(/Leave addresses out/).check();
    await expect(dlg.getByTestId('upload-addresses')).toContainText('not included');
    await expect(dlg.getByTestId('up-raw-addresses')).toHaveCount(0);
    await screens(page, 'screen-share-dialog');
    await page.keyboard.press('Escape');
    await expect(dlg).toHaveCount(0);
    await page.keyboard.press('8');
    await expect(page.getByTestId('attribution-source')).toContainText('malloc_tracer footers');
    // Sorted by User, largest first; the note explains User / Mem / Chunk.
    await expect(page.getByTestId('attribution-row').first()).toBeVisible();
    await expect(page.getByTestId('attribution').locator('[aria-sort=descending]')).toHaveText(/User/);
    await expect(page.locator('.table-note')).toContainText('User');
    await exportEqualsTable(page, 'attribution');
    await screens(page, 'screen-callers');
    await page.getByRole('button', { name: 'Function', exact: true }).click();
    // A long demangled name (as heap_total.txt prints it) shows as far as its column goes at 1920, cut there with an
    // ellipsis, whole in its title, its text and the selection line, which copies it whole.
    await page.setViewportSize(SIZES[1]);
    const mapBase = heapTotalFunctions().find((f) => f.startsWith('std::__detail::_Map_base<long, std::pair<long const, std::vector<char'))!;
    expect(mapBase.length).toBeGreaterThan(300);
    const w = await longNameCell(page, 'attribution', 1, mapBase);
    expect(w, 'wider than the old 48ch cap').toBeGreaterThan(1.5 * (await chPx(page, 'attribution', 48)));
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByTestId('attribution-selection').getByRole('button', { name: /Copy/ }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`/srv/heapgen/heapgen · ${mapBase}`);
    await screens(page, 'screen-callers-long-name');
    // A filter matching nothing says so; the one row of make_shapes takes one row's height.
    await page.getByLabel('Filter rows').fill('no such function');
    await expect(page.getByTestId('attribution-row')).toHaveCount(0);
    await expect(page.getByTestId('attribution')).toContainText('No row matches the filter.');
    await page.getByLabel('Filter rows').fill('make_shapes');
    await expect(page.getByTestId('attribution-row')).toHaveCount(1);
    expect((await page.getByTestId('attribution').locator('.vbody').boundingBox())!.height).toBe(30);
    await page.getByTestId('attribution-row').first().click();
    await page.getByLabel('sizes as the gdb plugin prints them').check();
    await exportEqualsTable(page, 'attribution');
    await screens(page, 'screen-callers-functions');
    // With the plugin's sizes (PerAllocMean the last column) every level fits the window at both sizes: no sideways
    // scroll of the page or the table, the last column's right edge inside the window, no header label spilling over.
    await page.getByLabel('Filter rows').fill('');
    for (const level of ['Library', 'Return address', 'Function']) {
      await page.getByRole('button', { name: level, exact: true }).click();
      await expect(page.getByTestId('attribution').locator('.vhead')).toContainText('PerAllocMean');
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await expectFitsWidth(page, `Callers by ${level} with the plugin's sizes at ${size.width}`, 'attribution');
        if (level === 'Library') continue;
        // The library path gives way before the function's name: it takes no more of the row than the name.
        const [lib, func] = await page.getByTestId('attribution').locator('.vhead .vcell').evaluateAll((els) => els.slice(0, 2).map((e) => e.getBoundingClientRect().width));
        expect(lib, `Callers by ${level} at ${size.width}: Library ${lib} px, Function ${func} px`).toBeLessThanOrEqual(func);
      }
      if (level === 'Return address') await screens(page, 'screen-callers-sites-plugin');
    }
    await page.setViewportSize(SIZES[0]);
    // The click selected the function in the flame graph.
    await page.keyboard.press('2');
    await expect(page.getByTestId('selection-details')).toContainText('libwidgets.so › widgets::make_shapes(unsigned long)');
    const canvas = page.getByTestId('flame-canvas');
    expect((await canvas.boundingBox())!.height).toBe(4 * 20);
    // The tooltip names the whole path and the figures in units.
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + 30, box.y + 3 * 20 + 10);
    await expect(page.getByTestId('flame-tooltip')).toContainText('→');
    await expect(page.getByTestId('flame-tooltip')).toContainText(/KiB|MiB/);
    await screens(page, 'screen-core-flame');
    await page.mouse.move(0, 0);
    // Transforms: collapse the library, then drop it; merge the function; all in the URL.
    await page.getByRole('button', { name: /^Collapse libwidgets\.so$/ }).click();
    await expect(page.getByTestId('transforms')).toContainText('Collapse: /srv/heapgen/libwidgets.so');
    await expect(page).toHaveURL(/tf=c\./);
    expect((await canvas.boundingBox())!.height).toBe(4 * 20);
    await screens(page, 'screen-core-flame-collapsed');
    await page.getByRole('button', { name: 'Remove Collapse: /srv/heapgen/libwidgets.so' }).click();
    await expect(page.getByTestId('transforms')).toHaveCount(0);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.getByRole('button', { name: 'Sandwich' }).click();
    await expect(page.getByTestId('sandwich')).toBeVisible();
    await expect(page).toHaveURL(/sw=/);
    await screens(page, 'screen-core-sandwich');
    await page.getByRole('button', { name: 'Close sandwich' }).click();
    await page.keyboard.press('3');
    await expect(page.getByTestId('treemap-canvas')).toBeVisible();
    await screens(page, 'screen-core-treemap');
    await page.keyboard.press('1');
    await expect(page.getByTestId('largest-caller').first()).not.toHaveText('—');
    await screens(page, 'screen-core-overview');
    await page.keyboard.press('9');
    await expect(page.getByTestId('arenas')).toBeVisible();
    await screens(page, 'screen-core-heap');
    // The allocator's facts line stands apart from the arena table's header below it (they touched: 0 px apart).
    for (const size of SIZES) {
      await page.setViewportSize(size);
      const facts = (await page.getByTestId('allocator-facts').first().boundingBox())!;
      const arenas = (await page.getByTestId('arenas').first().boundingBox())!;
      expect(arenas.y - (facts.y + facts.height), `facts to arena table at ${size.width}`).toBeGreaterThanOrEqual(6);
    }
    await page.setViewportSize(SIZES[0]);
    await page.getByTestId('heap-strip').first().click({ position: { x: 5, y: 10 } });
    await expect(page.getByTestId('range-rows-row').first()).toBeVisible();
    await expect(page.getByTestId('range-rows').locator('.vhead')).toContainText('Allocated by');
    await screens(page, 'screen-core-heap-range');
    await page.getByTestId('range-rows-row').first().click();
    await expect(page.getByTestId('inspector')).toBeVisible();
    await screens(page, 'screen-inspector');
  });
});

test.describe('tracemalloc', () => {
  test.beforeEach(() => {
    const missing = sharedMissing('fixtures/tracemalloc/after.tracemalloc');
    test.skip(!!missing, `skipped: ${missing}`);
  });

  test('traceback flame graph with frames hidden by pattern and a sandwich; statistics; compare with the legend = the canvas colours', async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto('/');
    await dropFiles(page, [{ path: shared('fixtures/tracemalloc/before.tracemalloc') }, { path: shared('fixtures/tracemalloc/after.tracemalloc') }]);
    await expect(page.getByTestId('input').filter({ hasText: 'after.tracemalloc' })).toContainText('249,810 traces');
    // Two snapshots of one kind dropped together open Compare: wait for it before switching views.
    await expect(page.getByRole('tab', { name: 'Compare' })).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('2');
    const canvas = page.getByTestId('flame-canvas');
    await expect(canvas).toBeVisible();
    await screens(page, 'screen-py-flame');
    const before = (await canvas.boundingBox())!.height;
    await page.getByLabel('Hide frames matching').fill('<frozen importlib._bootstrap');
    await page.getByLabel('Hide frames matching').press('Enter');
    await expect(page.getByTestId('transforms')).toContainText('Hide: <frozen importlib._bootstrap');
    await expect(page).toHaveURL(/tf=h\./);
    await expect.poll(async () => (await canvas.boundingBox())!.height).toBeLessThan(before);
    await screens(page, 'screen-py-flame-hidden');
    // Back and forward: the transform is navigation in the URL.
    await page.goBack();
    await expect(page.getByTestId('transforms')).toHaveCount(0);
    await page.goForward();
    await expect(page.getByTestId('transforms')).toContainText('Hide: <frozen importlib._bootstrap');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.getByRole('button', { name: 'Sandwich' }).click();
    await expect(page.getByTestId('sandwich-callees')).toBeVisible();
    await screens(page, 'screen-py-sandwich');
    await page.getByRole('button', { name: 'Close sandwich' }).click();
    await page.keyboard.press('3');
    await screens(page, 'screen-py-treemap');
    await page.keyboard.press('6');
    await expect(page.getByTestId('py-compare-row').first()).toBeVisible();
    await screens(page, 'screen-py-stats');
    // Its controls whole at both sizes (the fnmatch box's placeholder was cut at both), its table inside the window.
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await expectControlsWhole(page, `tracemalloc at ${size.width}`);
      await expectFitsWidth(page, `tracemalloc at ${size.width}`, 'py-compare');
    }
    await page.setViewportSize(SIZES[0]);

    await page.getByRole('tab', { name: 'Compare' }).click();
    await page.getByRole('button', { name: 'Flame graph', exact: true }).click();
    const diff = page.getByTestId('flame-canvas');
    await expect(diff).toBeVisible();
    await page.mouse.move(0, 0);
    for (const colorblind of [false, true]) {
      if (colorblind) await page.getByLabel('colour-blind-safe colours').check();
      await page.waitForTimeout(200);
      const legend = await page.getByTestId('growth-legend').locator('.gsw').evaluateAll((els) =>
        els.map((e) => {
          const m = getComputedStyle(e).backgroundColor.match(/\d+/g)!.map(Number);
          return { data: e.getAttribute('data-color')!, css: '#' + m.slice(0, 3).map((v) => v.toString(16).padStart(2, '0')).join('') };
        }),
      );
      for (const l of legend) expect(l.css).toBe(l.data);
      const swatches = new Set(legend.map((l) => l.css));
      const seen = await cellColours(page, 'flame-canvas');
      const drawn = [...seen.keys()].filter((c) => !['#d9dde5', '#2e3546'].includes(c));
      for (const c of drawn) expect(swatches, `canvas colour ${c} is a legend swatch`).toContain(c);
      expect(drawn.filter((c) => swatches.has(c)).length).toBeGreaterThanOrEqual(3);
      await screens(page, colorblind ? 'screen-py-compare-flame-cb' : 'screen-py-compare-flame');
    }
    await page.getByRole('button', { name: 'Side by side' }).click();
    await expect(page.getByTestId('flame-a')).toBeVisible();
    await screens(page, 'screen-py-compare-side');
  });
});

test.describe('two cores compared', () => {
  test('compare table, differential flame graph and treemap, side by side in the union order; dark theme', async ({ page }) => {
    const missing = sharedMissing('fixtures/heapgen/core.phase2.gz');
    test.skip(!!missing, `skipped: ${missing}`);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto('/');
    await dropFiles(page, ['core.phase1.gz', 'core.phase2.gz', 'heapgen', 'libwidgets.so'].map((f) => ({ path: shared(`fixtures/heapgen/${f}`) })));
    await expect(page.getByRole('tab', { name: 'Compare' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId('diff-row').first()).toBeVisible();
    await exportEqualsTable(page, 'diff');
    await screens(page, 'screen-compare-table');
    // The Key column's long C++ names: as wide as the column at both sizes (past the old 48ch cap), cut with an
    // ellipsis, whole in the title, the text and the selection line.
    const mapBase = heapTotalFunctions().find((f) => f.startsWith('std::__detail::_Map_base<long, std::pair<long const, std::vector<char'))!;
    for (const size of SIZES) {
      await page.setViewportSize(size);
      const w = await longNameCell(page, 'diff', 0, mapBase, `heapgen › ${mapBase}`);
      expect(w, `wider than the old 48ch cap at ${size.width}`).toBeGreaterThan(await chPx(page, 'diff', 50));
    }
    await screens(page, 'screen-compare-table-selected');
    // No empty band above Compare's controls: its A / B pickers stand where the other views' snapshot row stands.
    const pickers = (await page.getByLabel('Snapshot A (before)').boundingBox())!;
    const controls = (await page.locator('.compare > .toolbar').first().boundingBox())!;
    const inputsEnd = await page.locator('ul.inputs').evaluate((e) => e.getBoundingClientRect().bottom);
    await page.keyboard.press('1');
    const row = (await page.locator('.snapshot-row').boundingBox())!;
    expect(Math.abs(controls.y - row.y), `Compare's controls at ${controls.y}, the snapshot row at ${row.y}`).toBeLessThan(1);
    expect(pickers.y - inputsEnd, 'space above the A / B pickers').toBeLessThan(24);
    await page.keyboard.press('0');
    await expect(page.getByTestId('diff-row').first()).toBeVisible();
    await page.getByRole('button', { name: 'Flame graph', exact: true }).click();
    await expect(page.getByTestId('flame-canvas')).toBeVisible();
    await page.mouse.move(0, 0);
    await screens(page, 'screen-compare-flame');
    const legend = new Set(await page.getByTestId('growth-legend').locator('.gsw').evaluateAll((els) => els.map((e) => e.getAttribute('data-color')!)));
    const drawn = [...(await cellColours(page, 'flame-canvas')).keys()].filter((c) => !['#d9dde5', '#2e3546'].includes(c));
    for (const c of drawn) expect(legend).toContain(c);
    await page.getByRole('button', { name: 'Treemap', exact: true }).click();
    await screens(page, 'screen-compare-treemap');
    await page.getByRole('button', { name: 'Side by side' }).click();
    await expect(page.getByTestId('flame-b')).toBeVisible();
    await screens(page, 'screen-compare-side');
    await setTheme(page, 'dark');
    await page.getByRole('button', { name: 'Flame graph', exact: true }).click();
    await page.mouse.move(0, 0);
    await screens(page, 'screen-compare-flame-dark');
    await page.keyboard.press('1');
    await screens(page, 'screen-overview-dark');
  });
});

test('heap map: strips are drawn as their figures say (SpinningThreads\' thread heaps: 100% free, drawn free)', async ({ page }) => {
  const rel = 'peer/chap-suite/ELF64/SpinningThreads/core.SpinningThreads.bz2';
  const missing = sharedMissing(rel);
  test.skip(!!missing, `skipped: ${missing}`);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/');
  await dropFiles(page, [{ path: shared(rel) }]);
  await expect(page.getByTestId('stat-used-count')).toBeVisible();
  await page.keyboard.press('9');
  const heads = page.locator('.range-head');
  await expect(heads.first()).toBeVisible();
  const n = await heads.count();
  let checked = 0;
  for (let i = 0; i < n; i++) {
    if (!/\(100\.0% free\)/.test((await heads.nth(i).textContent()) ?? '')) continue;
    // The share of the strip's pixels in the free colour.
    const share = await page.getByTestId('heap-strip').nth(i).evaluate((c: HTMLCanvasElement) => {
      const free = getComputedStyle(document.documentElement).getPropertyValue('--free').trim();
      const probe = document.createElement('canvas').getContext('2d')!;
      probe.fillStyle = free;
      probe.fillRect(0, 0, 1, 1);
      const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
      const img = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let hit = 0;
      for (let k = 0; k < img.length; k += 4) if (Math.abs(img[k] - r) + Math.abs(img[k + 1] - g) + Math.abs(img[k + 2] - b) < 24) hit++;
      return hit / (img.length / 4);
    });
    expect(share, `strip ${i}`).toBeGreaterThan(0.9);
    checked++;
  }
  expect(checked).toBeGreaterThanOrEqual(4);
  await screens(page, 'screen-heap-spinning-threads');
});
