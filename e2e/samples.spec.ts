/**
 * The samples kept beside the readers, in the browser, without ../shared: the sample core
 * (workers/logic/formats/core/sample-heap.core.gz, a gcore of fixtures-gen/sample-heap.c under the footer preload)
 * dropped with its executable. The Overview's used and free figures, every function row of Callers and the main
 * arena's figures in the Heap map are the program's truth file, as `heapscope` gives them for the same files (cli/commands/samples.test.ts).
 */
import { expect, test } from '@playwright/test';
import { SAMPLE_CORE, SAMPLE_EXE, expectedAllocations, readSampleTruth } from '../workers/logic/formats/core/sample-heap.test-helper.ts';
import { dropFiles, screenshot } from './support.ts';

const n = (x: number) => x.toLocaleString('en-US');

test('the sample core and its executable: used / free totals, the callers per function and the main arena are the truth', async ({ page }) => {
  const truth = readSampleTruth();
  const rows = expectedAllocations(truth);
  const used = rows.filter((r) => r.used);
  const free = rows.filter((r) => !r.used);
  await page.goto('/');
  await dropFiles(page, [{ path: SAMPLE_CORE }, { path: SAMPLE_EXE }]);
  await expect(page.getByTestId('input').filter({ hasText: 'sample-heap.core.gz' })).toContainText('core dump');
  await expect(page.getByTestId('stat-used-count')).toHaveText(n(used.length));
  await expect(page.getByTestId('stat-used-bytes')).toHaveText(n(used.reduce((s, r) => s + r.size, 0)));
  await expect(page.getByTestId('stat-free-count')).toHaveText(n(free.length));
  await expect(page.getByTestId('stat-free-bytes')).toHaveText(n(free.reduce((s, r) => s + r.size, 0)));

  await page.keyboard.press('8');
  await expect(page.getByTestId('attribution-source')).toContainText(`malloc_tracer footers on ${used.length - 1} of ${used.length}`);
  await page.getByRole('button', { name: 'Function', exact: true }).click();
  const sums = new Map<string, { count: number; user: number; mem: number; chunk: number }>();
  for (const b of truth.blocks.filter((x) => x.kind !== 'F')) {
    const z = sums.get(b.func) ?? { count: 0, user: 0, mem: 0, chunk: 0 };
    sums.set(b.func, { count: z.count + 1, user: z.user + b.requested, mem: z.mem + b.usable - 16, chunk: z.chunk + b.usable });
  }
  const table = page.getByTestId('attribution-row');
  await expect(table).toHaveCount(sums.size + 1); // and Unknown lib's one row: glibc's tcache struct
  const shown = new Map<string, string>();
  for (const r of await table.all()) {
    const c = await r.locator('.vcell').allTextContents();
    shown.set(c[1], c.slice(2, 6).join('|'));
  }
  for (const [func, z] of sums) expect(shown.get(func), func).toBe([z.count, z.user, z.mem, z.chunk].map(n).join('|'));
  await screenshot(page, 'sample-callers');

  // Heap map: the one arena (main), its heap from the first break to the last: the truth's rows inside it; the
  // brk size of the arena is the heap's.
  await page.keyboard.press('9');
  const inHeap = rows.filter((r) => r.addr >= truth.brk0 && r.addr < truth.brk1);
  const u = inHeap.filter((r) => r.used);
  const f = inHeap.filter((r) => !r.used);
  const sum = (x: typeof rows) => n(x.reduce((s, r) => s + r.size, 0));
  const arena = page.getByTestId('arenas').locator('tbody tr');
  await expect(arena).toHaveCount(1);
  await expect(arena.locator('td')).toHaveText([/\(main\)$/, n(truth.brk1 - truth.brk0), /^0x[0-9a-f]+$/, n(u.length), sum(u), n(f.length), sum(f)]);
});
