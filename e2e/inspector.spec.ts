/**
 * The inspector on a 64 MiB allocation (issue 14 item 5): its first screen shows the allocation's first bytes and
 * the strings its pointers lead to, and a row scrolled to 8 MiB in shows that place's bytes, read when shown.
 * The core: fixtures-gen/big-alloc.c (one 64 MiB block of { pointer to string k % 2000, k } records starting with
 * "HEAPSCOPE-BIG-ALLOC-START"), captured with gcore into e2e/.tmp once; skipped, saying why, where gcc or gcore
 * cannot run. No timing here: bench/inspector.bench.ts measures the first screen.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { BIG_ALLOC_START, captureBigAlloc, type BigAllocCore } from '../fixtures-gen/big-alloc.ts';
import { screenshot } from './support.ts';

const TMP = join(dirname(fileURLToPath(import.meta.url)), '.tmp');

let big: BigAllocCore | null = null;
let skip = '';

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const r = await captureBigAlloc(join(TMP, 'big-alloc'));
  if ('skip' in r) skip = r.skip;
  else big = r;
});

const hex = (s: string): string => [...Buffer.from(s, 'latin1')].map((b) => b.toString(16).padStart(2, '0')).join('');

test('a 64 MiB allocation opens in the inspector with its first bytes, and a row 8 MiB in shows its own bytes', async ({ page }) => {
  test.skip(!big, `skipped: ${skip}`);
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles(big!.core);
  await expect(page.getByTestId('stat-used-count')).not.toHaveText('');
  // The largest allocation is the 64 MiB block.
  const address = big!.address.toString(16);
  await page.getByTestId('largest-row').first().click();
  const insp = page.getByTestId('inspector');
  await expect(insp).toContainText(`0x${address}`);
  const rows = page.getByTestId('hexdump').locator('.hexrow');
  const first = rows.filter({ has: page.locator('.hoff', { hasText: /^000000$/ }) });
  // The first 16 bytes: the text the program wrote there, in hex and in ASCII.
  await expect(first.locator('.hbytes')).toHaveText(hex(BIG_ALLOC_START.slice(0, 16)));
  await expect(first.getByTestId('hex-ascii')).toHaveText(BIG_ALLOC_START.slice(0, 16));
  // Record 2 at offset 0x20: a pointer to string 2, shown with the string.
  await expect(rows.filter({ has: page.locator('.hoff', { hasText: /^000020$/ }) }).getByRole('button')).toContainText('"big-alloc-string-0002"');
  await screenshot(page, 'inspector-64mib');
  // 8 MiB in: record 0x80000 = { strings[0x80000 % 2000 = 288], 0x80000 }.
  const at = 8 << 20;
  await page.getByTestId('hexdump').evaluate((el, top) => (el.scrollTop = top), (at / 16) * 20);
  const deep = rows.filter({ has: page.locator('.hoff', { hasText: new RegExp(`^${at.toString(16)}$`) }) });
  await expect(deep.getByRole('button')).toContainText('"big-alloc-string-0288"');
  await expect(deep.locator('.hbytes')).toContainText(/0000080000000000$/);
});
