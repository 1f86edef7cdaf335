/**
 * Every stage of a big core's pipeline in the browser — the read, the heap walk, class names from vtables, footer
 * attribution, the reference graph and leak sets — shows a named progress line whose time left never rises within
 * the stage (and the stages of seconds show one), the overview shows while later stages run, and Cancel or Esc during each stage stops it, says which
 * stage of which file was cancelled and leaves the page usable (another file dropped is read and shown).
 * The core: fixtures-gen/heapgen-mt.c in bench mode (1.5M allocations, malloc_tracer footers), captured with gcore
 * into e2e/.tmp once (about 1 s); skipped, saying why, where gcc or gcore cannot run. The cancel of a long read (a
 * 300 MB list) is also progress.spec.ts's.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { captureFixture } from '../fixtures-gen/capture.ts';
import { generateChapList } from '../bench/gen-chap-list.ts';
import { screenshot } from './support.ts';

const TMP = join(dirname(fileURLToPath(import.meta.url)), '.tmp');
const N = 1_500_000;

async function bigCore(): Promise<{ core: string } | { skip: string }> {
  const dir = join(TMP, 'stages');
  const cached = existsSync(dir) ? readdirSync(dir).find((f) => f.startsWith('core.bench.')) : undefined;
  if (cached) return { core: join(dir, cached) };
  const cap = await captureFixture(dir, 'bench', N, { footers: true });
  return 'skip' in cap ? cap : { core: cap.core };
}

async function smallList(): Promise<string> {
  mkdirSync(TMP, { recursive: true });
  const path = join(TMP, 'small.list_used');
  if (!existsSync(path)) await generateChapList(path, 1000);
  return path;
}

/** "1.2 s left" / "340 ms left" / "1 min 3 s left" / "finishing" → ms. */
function etaMs(text: string): number {
  if (/finishing/.test(text)) return 0;
  const min = /(\d+) min (\d+) s/.exec(text);
  if (min) return Number(min[1]) * 60_000 + Number(min[2]) * 1000;
  const s = /([\d.]+) s left/.exec(text);
  if (s) return Number(s[1]) * 1000;
  const ms = /(\d+) ms left/.exec(text);
  if (ms) return Number(ms[1]);
  throw new Error(`not a time left: ${text}`);
}

interface Sample {
  stage: string;
  file: string;
  text: string;
  eta: string | null;
  overview: boolean;
}

/** Records every progress line every 30 ms (and at every change of the page) into `window.__samples`. */
async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __samples: Sample[] };
    w.__samples = [];
    const take = (): void => {
      for (const el of document.querySelectorAll<HTMLElement>('[data-testid=stage-progress]')) {
        w.__samples.push({
          stage: el.dataset.stage ?? '',
          file: el.querySelector('[role=progressbar]')?.getAttribute('aria-label') ?? '',
          text: el.querySelector('[data-testid=stage-text]')?.textContent ?? '',
          eta: el.querySelector('[data-testid=stage-eta]')?.textContent ?? null,
          overview: !!document.querySelector('[data-testid=stat-used-count]'),
        });
      }
    };
    setInterval(take, 30);
    new MutationObserver(take).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

/**
 * Presses Cancel (or Esc) the moment the progress line of `stage` shows: from inside the page, so that even a
 * stage of a few hundred ms is caught while it runs. The read's and the walk's Cancel is their input's; the later
 * stages' is on their own line.
 */
async function cancelWhenShown(page: Page, stage: string, how: 'button' | 'esc'): Promise<void> {
  await page.evaluate(
    ({ stage, how }) => {
      const w = window as unknown as { __pressed?: string };
      const obs = new MutationObserver(() => {
        const el = document.querySelector<HTMLElement>(`[data-testid=stage-progress][data-stage=${stage}]`);
        if (!el || w.__pressed) return;
        w.__pressed = el.querySelector('[data-testid=stage-text]')?.textContent ?? '';
        obs.disconnect();
        if (how === 'esc') document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
        else {
          const button = stage === 'walk' || stage === 'read' ? el.closest('[data-testid=input]')?.querySelector<HTMLButtonElement>('button') : el.querySelector<HTMLButtonElement>('button');
          if (button?.textContent !== 'Cancel') throw new Error(`no Cancel button by the ${stage} line`);
          button.click();
        }
      });
      obs.observe(document.body, { subtree: true, childList: true, attributes: true });
    },
    { stage, how },
  );
}

let core = '';
let skip = '';

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const c = await bigCore();
  if ('skip' in c) skip = c.skip;
  else core = c.core;
});

test('each stage of a big core shows named progress whose time left never rises; the overview shows while later stages run', async ({ page }) => {
  test.skip(!!skip, `skipped: ${skip}`);
  test.setTimeout(180_000);
  await page.goto('/');
  await recordProgress(page);
  const name = core.split('/').pop()!;
  await page.getByTestId('file-input').setInputFiles(core);
  await expect(page.locator('[data-testid=stage-progress][data-stage=leaks] [data-testid=stage-eta]')).toBeVisible({ timeout: 150_000 });
  await screenshot(page, 'stages-leaks-progress');
  await expect(page.getByTestId('leak-table')).toBeVisible({ timeout: 150_000 });
  await expect(page.getByTestId('stage-progress')).toHaveCount(0);
  const samples = await page.evaluate(() => (window as unknown as { __samples: Sample[] }).__samples);
  const stages = [...new Set(samples.map((s) => s.stage))];
  for (const st of stages) {
    const mine = samples.filter((s) => s.stage === st);
    console.log(`${st}: ${mine.length} samples; first "${mine[0].text}"; last "${mine[mine.length - 1].text}"`);
  }
  for (const st of ['read', 'walk', 'classes', 'attribution', 'leaks']) expect(stages, `a progress line for ${st}`).toContain(st);
  // Named: the stage and the file; figures: done of total in the stage's unit and a rate.
  const titles: Record<string, string> = { read: 'Reading', walk: 'Walking the heap of', classes: 'Naming classes from vtables in', attribution: 'Attributing footers of', leaks: 'Following references (leak sets) in' };
  for (const [st, title] of Object.entries(titles)) {
    const mine = samples.filter((s) => s.stage === st);
    expect(mine.every((s) => s.file === `${title} ${name}`), `${st} names its stage and file`).toBe(true);
    // A plain core's read is its headers and notes (a few KiB of the file): its line names the file's size, its rate may stay 0.
    const figures = st === 'read' ? / of [\d.]+ MiB · / : st === 'classes' || st === 'attribution' ? / of [\d,]+ allocations · [\d,]+\/s/ : / of [\d.]+ MiB · [\d.]+ (K|M)iB\/s/;
    expect(mine.some((s) => figures.test(s.text)), `${st}: ${mine.map((s) => s.text).join(' | ')}`).toBe(true);
  }
  // The time left only counts down within a stage (a new stage starts its own estimate).
  let etas = 0;
  for (const st of stages) {
    const seq = samples.filter((s) => s.stage === st && s.eta).map((s) => etaMs(s.eta!));
    etas += seq.length;
    for (let i = 1; i < seq.length; i++) expect(seq[i], `${st} time left, samples ${seq.join(', ')}`).toBeLessThanOrEqual(seq[i - 1]);
  }
  expect(etas, 'time left was shown').toBeGreaterThan(3);
  // The stages that take seconds on this core each show their time left (the read and class naming may end first).
  for (const st of ['walk', 'attribution', 'leaks']) expect(samples.some((s) => s.stage === st && s.eta), `${st} shows a time left`).toBe(true);
  // The overview (totals of the heap walk) shows while the later stages run.
  expect(samples.some((s) => s.stage === 'leaks' && s.overview)).toBe(true);
  await expect(page.getByTestId('stat-used-count')).toBeVisible();
});

const CASES = [
  { stage: 'read', how: 'button', says: 'reading was cancelled' },
  { stage: 'walk', how: 'esc', says: 'walking the heap was cancelled' },
  { stage: 'classes', how: 'button', says: 'naming classes from vtables was cancelled' },
  { stage: 'attribution', how: 'esc', says: 'attributing footers was cancelled' },
  { stage: 'leaks', how: 'button', says: 'following references for the leak sets was cancelled' },
] as const;

for (const c of CASES) {
  test(`${c.how === 'esc' ? 'Esc' : 'Cancel'} during the ${c.stage} stage stops it, says so and leaves the page usable`, async ({ page }) => {
    test.skip(!!skip, `skipped: ${skip}`);
    test.setTimeout(150_000);
    await page.goto('/');
    await cancelWhenShown(page, c.stage, c.how);
    const name = core.split('/').pop()!;
    await page.getByTestId('file-input').setInputFiles(core);
    // The read and the walk are the input's (its error line); the later stages are the snapshot's.
    const input = c.stage === 'read' || c.stage === 'walk';
    const said = input ? page.getByTestId('input-error') : page.getByTestId('stage-cancelled');
    await expect(said).toContainText(`${name}: ${c.says}`, { timeout: 120_000 });
    expect(await page.evaluate(() => (window as unknown as { __pressed?: string }).__pressed), 'pressed while the stage ran').toBeTruthy();
    await expect(page.getByTestId('stage-progress')).toHaveCount(0);
    if (!input) {
      // What finished before stays shown: the heap walk's totals.
      await expect(page.getByTestId('stat-used-count')).not.toHaveText('');
    }
    await screenshot(page, `stages-cancelled-${c.stage}`);
    // Usable: another file dropped is read and shown (its own snapshot, the newest).
    await page.getByTestId('file-input').setInputFiles(await smallList());
    await expect(page.getByTestId('stat-used-count')).toHaveText('1,000');
    if (c.stage === 'classes') {
      // And the cancelled core goes on when asked: Run again finishes its stages (classes, footers, leak sets).
      const option = page.getByTestId('snapshot-picker').locator('option', { hasText: name });
      await page.getByTestId('snapshot-picker').selectOption((await option.getAttribute('value'))!);
      await page.getByTestId('stage-cancelled').getByRole('button', { name: 'Run again' }).click();
      await expect(page.getByTestId('leak-table')).toBeVisible({ timeout: 120_000 });
      await expect(page.getByTestId('stage-cancelled')).toHaveCount(0);
    }
  });
}
