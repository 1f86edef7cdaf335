/**
 * Every stage of a big core's pipeline in the browser — the read, the heap walk, class names from vtables, footer
 * attribution, the reference graph and leak sets — shows a named progress line whose time left never rises within
 * the stage (and the stages of seconds show one), the overview shows while later stages run, and Cancel or Esc during each stage stops it, says which
 * stage of which file was cancelled and leaves the page usable (another file dropped is read and shown).
 * The core: fixtures-gen/heapgen-mt.c in bench mode (1.5M allocations, malloc_tracer footers), captured with gcore
 * into e2e/.tmp once (about 1 s); skipped, saying why, where gcc or gcore cannot run. The cancel of a long read (a
 * 300 MB list) is also progress.spec.ts's.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { captureFixture, gzipOnce } from '../fixtures-gen/capture.ts';
import { generateChapList } from '../bench/gen-chap-list.ts';
import { screenshot } from './support.ts';

const TMP = join(dirname(fileURLToPath(import.meta.url)), '.tmp');
const N = 1_500_000;

async function bigCore(): Promise<{ core: string } | { skip: string }> {
  const dir = join(TMP, 'stages');
  const cached = existsSync(dir) ? readdirSync(dir).find((f) => /^core\.bench\.\d+$/.test(f)) : undefined;
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

/** A chap list of three allocations none of the others hold (the generated lists share their first rows). */
function otherList(): string {
  mkdirSync(TMP, { recursive: true });
  const path = join(TMP, 'other.list_used');
  const rows = [0x18, 0x28, 0x38].map((size, i) => `Used allocation at ${(0x10000010 + i * 0x100).toString(16)} of size ${size.toString(16)}\n\n`);
  writeFileSync(path, `${rows.join('')}3 allocations use 0x78 (120) bytes.\n`);
  return path;
}

/** The big core gzip'd (level 1, cached beside it): its read is the index pass over the compressed bytes (`io/gzip-index.ts`). */
async function bigCoreGz(plain: string): Promise<string> {
  return gzipOnce(plain, join(TMP, 'stages-gz', `${plain.split('/').pop()!}.gz`), 1);
}

/** The binaries the big core maps (the generator and its footer library), for the symbols stage. */
function bigCoreBinaries(plain: string): string[] {
  return ['heapgen-mt', 'footer-preload.so'].map((f) => join(dirname(plain), f)).filter((f) => existsSync(f));
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
  /** performance.now() of the sample. */
  at: number;
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
          at: performance.now(),
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

const TITLES: Record<string, string> = {
  read: 'Reading',
  walk: 'Walking the heap of',
  symbols: 'Reading symbols for',
  classes: 'Naming classes from vtables in',
  attribution: 'Attributing footers of',
  leaks: 'Following references (leak sets) in',
};

/**
 * Drops `files` (the core first), waits for the last stage to end and checks the progress lines recorded: each of
 * `stages` had one, naming the stage and the core, with done of total in its unit and a rate (`figures`); the time
 * left never rose within a stage and was shown by each of `timed` that ran for a second or more (a kept core's later
 * stages can take a few hundred ms); the overview showed while the leak sets ran.
 */
async function checkStages(page: Page, files: string[], stages: string[], figures: Record<string, RegExp>, timed: string[]): Promise<void> {
  await page.goto('/');
  await recordProgress(page);
  const name = files[0].split('/').pop()!;
  await page.getByTestId('file-input').setInputFiles(files);
  // The leak sets' line with its time left, for the screenshot: looked for at every frame (a stage of a few hundred
  // ms can pass between two of Playwright's polls), or the stage is over.
  await page.waitForFunction(() => document.querySelector('[data-testid=stage-progress][data-stage=leaks] [data-testid=stage-eta]') || document.querySelector('[data-testid=leak-table]'), undefined, { timeout: 150_000, polling: 'raf' });
  if (await page.locator('[data-testid=stage-progress][data-stage=leaks]').count()) await screenshot(page, `stages-leaks-progress${name.endsWith('.gz') ? '-gz' : ''}`);
  await expect(page.getByTestId('leak-table')).toBeVisible({ timeout: 150_000 });
  await expect(page.getByTestId('stage-progress')).toHaveCount(0);
  const samples = await page.evaluate(() => (window as unknown as { __samples: Sample[] }).__samples);
  const seen = [...new Set(samples.map((s) => s.stage))];
  for (const st of seen) {
    const mine = samples.filter((s) => s.stage === st);
    console.log(`${name} ${st}: ${mine.length} samples; first "${mine[0].text}"; last "${mine[mine.length - 1].text}"`);
  }
  for (const st of stages) {
    expect(seen, `a progress line for ${st}`).toContain(st);
    // Named: the stage and the file (the binaries have read lines of their own); figures: done of total in the
    // stage's unit and a rate.
    const mine = samples.filter((s) => s.stage === st && s.file === `${TITLES[st]} ${name}`);
    expect(mine.length, `${st} names its stage and file`).toBeGreaterThan(0);
    if (st !== 'read') expect(samples.filter((s) => s.stage === st).length, `${st}: every line names its stage and file`).toBe(mine.length);
    expect(mine.some((s) => figures[st].test(s.text)), `${st}: ${mine.map((s) => s.text).join(' | ')}`).toBe(true);
  }
  // The time left only counts down within a stage of a file (a new stage starts its own estimate).
  for (const line of new Set(samples.map((s) => s.file))) {
    const seq = samples.filter((s) => s.file === line && s.eta).map((s) => etaMs(s.eta!));
    for (let i = 1; i < seq.length; i++) expect(seq[i], `${line}: time left, samples ${seq.join(', ')}`).toBeLessThanOrEqual(seq[i - 1]);
  }
  // The stages that take seconds on this core each show their time left.
  for (const st of timed) {
    const mine = samples.filter((s) => s.file === `${TITLES[st]} ${name}`);
    if (mine.length && mine[mine.length - 1].at - mine[0].at < 1000) continue; // over in less than a second
    expect(mine.filter((s) => s.eta).length, `${st} shows a time left`).toBeGreaterThan(1);
  }
  // The heap walk reads the whole core: it always takes long enough to show one.
  expect(timed.includes('walk')).toBe(true);
  // The overview (totals of the heap walk) shows while the later stages run.
  expect(samples.some((s) => s.stage === 'leaks' && s.overview)).toBe(true);
  await expect(page.getByTestId('stat-used-count')).toBeVisible();
}

const ITEMS = / of [\d,]+ allocations · [\d,]+\/s/;
const HEAP_BYTES = / of [\d.]+ MiB · [\d.]+ (K|M)iB\/s/;

test('each stage of a big core and its binaries shows named progress whose time left never rises; the overview shows while later stages run', async ({ page }) => {
  test.skip(!!skip, `skipped: ${skip}`);
  test.setTimeout(180_000);
  const binaries = bigCoreBinaries(core);
  expect(binaries, 'the generator and its footer library beside the core').toHaveLength(2);
  // A plain core's read is its headers and notes (a few KiB of the file): done of their total and a rate (before
  // its first report the line names the file's size and no rate); the two binaries' symbols are read in a moment.
  await checkStages(page, [core, ...binaries], ['read', 'walk', 'symbols', 'classes', 'attribution', 'leaks'], { read: / of [\d.]+ (K|M)iB · [\d.]+ (K|M)iB\/s/, walk: HEAP_BYTES, symbols: / of 2 binaries · /, classes: ITEMS, attribution: ITEMS, leaks: HEAP_BYTES }, ['walk', 'attribution', 'leaks']);
});

test('a gzip core: the index pass over its compressed bytes and every later stage show named progress whose time left never rises', async ({ page }) => {
  test.skip(!!skip, `skipped: ${skip}`);
  test.setTimeout(240_000);
  const gz = await bigCoreGz(core);
  await checkStages(page, [gz], ['read', 'walk', 'classes', 'attribution', 'leaks'], { read: / of [\d.]+ MiB · [\d.]+ (K|M)iB\/s/, walk: HEAP_BYTES, classes: ITEMS, attribution: ITEMS, leaks: HEAP_BYTES }, ['read', 'walk', 'attribution', 'leaks']);
});

/** Each stage, with Cancel and with Esc: the plain core (with its binaries for the symbols stage) and, for its index pass, the gzip one. */
const CASES = [
  { stage: 'read', says: 'reading was cancelled' },
  { stage: 'walk', says: 'walking the heap was cancelled' },
  { stage: 'symbols', says: 'reading symbols was cancelled', binaries: true },
  { stage: 'classes', says: 'naming classes from vtables was cancelled', again: 'button' },
  { stage: 'attribution', says: 'attributing footers was cancelled', again: 'esc' },
  { stage: 'leaks', says: 'following references for the leak sets was cancelled' },
  { stage: 'read', says: 'reading was cancelled', gz: true },
].flatMap((c) => (['button', 'esc'] as const).map((how) => ({ ...c, how })));

for (const c of CASES) {
  const what = c.gz ? 'index pass (read) of a gzip core' : `${c.stage} stage`;
  test(`${c.how === 'esc' ? 'Esc' : 'Cancel'} during the ${what} stops it, says so, keeps what was loaded and leaves the page usable`, async ({ page }) => {
    test.skip(!!skip, `skipped: ${skip}`);
    test.setTimeout(240_000);
    const file = c.gz ? await bigCoreGz(core) : core;
    const name = file.split('/').pop()!;
    await page.goto('/');
    // What was loaded before: a chap list of 1,000 allocations.
    await page.getByTestId('file-input').setInputFiles(await smallList());
    await expect(page.getByTestId('stat-used-count')).toHaveText('1,000');
    await cancelWhenShown(page, c.stage, c.how);
    await page.getByTestId('file-input').setInputFiles(c.binaries ? [file, ...bigCoreBinaries(core)] : file);
    // The read and the walk are the input's (its error line); the later stages are the snapshot's.
    const input = c.stage === 'read' || c.stage === 'walk';
    const said = input ? page.getByTestId('input-error') : page.getByTestId('stage-cancelled');
    await expect(said).toContainText(`${name}: ${c.says}`, { timeout: 150_000 });
    expect(await page.evaluate(() => (window as unknown as { __pressed?: string }).__pressed), 'pressed while the stage ran').toBeTruthy();
    await expect(page.getByTestId('stage-progress')).toHaveCount(0);
    const picker = page.getByTestId('snapshot-picker');
    const pick = async (file: string): Promise<void> => {
      await picker.selectOption((await picker.locator('option', { hasText: file }).getAttribute('value'))!);
    };
    if (!input) {
      // What finished before stays shown: the heap walk's totals.
      await expect(page.getByTestId('stat-used-count')).not.toHaveText('');
      await expect(page.getByTestId('stat-used-count')).not.toHaveText('1,000');
    } else await expect(page.getByTestId('stat-used-count')).toHaveText('1,000');
    await screenshot(page, `stages-cancelled-${c.gz ? 'gz-' : ''}${c.stage}-${c.how}`);
    // The list loaded before is kept, as it was.
    if (!input) await pick('small.list_used');
    await expect(page.getByTestId('stat-used-count')).toHaveText('1,000');
    // Usable: another file dropped is read and shown (its own snapshot, picked: a snapshot chosen stays shown).
    await page.getByTestId('file-input').setInputFiles(otherList());
    await pick('other.list_used');
    await expect(page.getByTestId('stat-used-count')).toHaveText('3');
    if (c.again === c.how) {
      // And the cancelled core goes on when asked: Run again finishes its stages (to the leak sets).
      await pick(name);
      await page.getByTestId('stage-cancelled').getByRole('button', { name: 'Run again' }).click();
      await expect(page.getByTestId('leak-table')).toBeVisible({ timeout: 120_000 });
      await expect(page.getByTestId('stage-cancelled')).toHaveCount(0);
    }
  });
}
