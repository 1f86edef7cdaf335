/** Helpers for the end-to-end tests: dropping real files on the page, shared fixtures, screenshots. */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page } from '@playwright/test';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, '..');
export const SHARED = process.env.HEAPSCOPE_SHARED ?? resolve(here, '..', '..', 'shared');
export const SCREENSHOTS = join(here, 'screenshots');

export function shared(...parts: string[]): string {
  return join(SHARED, ...parts);
}

export function sharedMissing(...parts: string[]): string | false {
  const p = shared(...parts);
  return existsSync(p) ? false : `${p} is absent`;
}

/** Drops files on the page the way a user's drag and drop does (dragenter, dragover, drop with a DataTransfer). */
export async function dropFiles(page: Page, files: { path?: string; name?: string; bytes?: Buffer }[]): Promise<void> {
  const payload = files.map((f) => ({
    name: f.name ?? basename(f.path!),
    b64: (f.bytes ?? readFileSync(f.path!)).toString('base64'),
  }));
  // The page's drop listener is attached by an effect after its first paint: a drop dispatched before is lost.
  await page.locator('html[data-drop-ready="true"]').waitFor({ state: 'attached' });
  await page.evaluate((items) => {
    const dt = new DataTransfer();
    for (const it of items) {
      const bin = atob(it.b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], it.name));
    }
    const target = document.querySelector('main') ?? document.body;
    for (const type of ['dragenter', 'dragover', 'drop']) {
      target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }
  }, payload);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The two screen sizes every view is looked at in. */
export const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;

/**
 * Screenshots of what the screen shows at 1280×800 and 1920×1080 (`<name>-1280.png`, `<name>-1920.png`), each size
 * checked for what reads badly there: nothing past the window's right edge (the page's or a table's sideways
 * scroll, a header over its neighbour), no control cut (`expectFitsWidth`, `expectControlsWhole`). The viewport is
 * left at 1280×800.
 */
export async function screens(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  for (const size of [SIZES[1], SIZES[0]]) {
    await page.setViewportSize(size);
    // Canvas views follow their container's width on the next frames.
    await page.waitForTimeout(250);
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size.width}.png`) });
    await expectFitsWidth(page, `${name} at ${size.width}`);
    await expectControlsWhole(page, `${name} at ${size.width}`);
  }
}

/**
 * Opens a view by its shortcut once its tab is there: a tab can appear only when a later stage is done (the Leaks
 * tab with the leak sets, the Objects tab once the meliae snapshot is assembled), and a key pressed before is ignored.
 */
export async function openView(page: Page, key: string, tab: string): Promise<void> {
  await expect(page.getByRole('tab', { name: tab, exact: true })).toBeVisible({ timeout: 90_000 });
  await page.keyboard.press(key);
  await expect(page.getByRole('tab', { name: tab, exact: true })).toHaveAttribute('aria-selected', 'true');
}

/**
 * Nothing runs past the window's right edge: the page does not scroll sideways, nor does the table `testId` (a
 * VirtualTable's box; without one, every table shown, and every other box that scrolls, a panel or the hex dump); a
 * table's last column ends inside the table and the window, and no header label is wider than its cell (where it
 * would lie over its neighbour's).
 */
export async function expectFitsWidth(page: Page, what: string, testId?: string): Promise<void> {
  const faults = await page.evaluate((id) => {
    const doc = document.documentElement;
    const out: string[] = [];
    if (doc.scrollWidth > doc.clientWidth) out.push(`the page scrolls sideways by ${doc.scrollWidth - doc.clientWidth} px`);
    const tables = id ? [document.querySelector<HTMLElement>(`[data-testid="${id}"]`)!] : [...document.querySelectorAll<HTMLElement>('.vtable')].filter((t) => t.getBoundingClientRect().width > 0);
    for (const t of tables) {
      const name = t.dataset.testid ?? 'a table';
      const heads = [...t.querySelectorAll<HTMLElement>('.vhead .vcell')];
      const last = heads[heads.length - 1];
      const right = Math.min(t.getBoundingClientRect().right, doc.clientWidth);
      if (t.scrollWidth > t.clientWidth) out.push(`${name} scrolls sideways by ${t.scrollWidth - t.clientWidth} px`);
      if (last && last.getBoundingClientRect().right > right + 0.5) out.push(`${name}'s last column (${last.textContent}) ends at ${last.getBoundingClientRect().right} px, past ${right} px`);
      for (const h of heads) if (h.scrollWidth > h.clientWidth + 1) out.push(`${name}'s header ${h.textContent} is wider than its cell (${h.scrollWidth} > ${h.clientWidth} px)`);
    }
    // Any other box that scrolls sideways (a panel, the hex dump): its content is past its right edge.
    if (!id) {
      for (const e of document.querySelectorAll<HTMLElement>('main *, aside *, section *')) {
        const ox = getComputedStyle(e).overflowX;
        if ((ox === 'auto' || ox === 'scroll') && !e.classList.contains('vtable') && e.getBoundingClientRect().width > 0 && e.scrollWidth > e.clientWidth + 1) {
          // Name the piece that sticks out furthest.
          const edge = e.getBoundingClientRect().left + e.clientLeft + e.clientWidth - parseFloat(getComputedStyle(e).paddingRight);
          let far: Element | null = null;
          for (const c of e.querySelectorAll('*')) if (c.getBoundingClientRect().right > (far?.getBoundingClientRect().right ?? edge)) far = c;
          const what = far ? ` (${far.tagName.toLowerCase()}.${far.className} "${(far.textContent ?? '').slice(0, 60)}")` : '';
          out.push(`${e.dataset.testid ?? e.className} scrolls sideways by ${e.scrollWidth - e.clientWidth} px${what}`);
        }
      }
    }
    return out;
  }, testId);
  expect(faults, `${what}: runs past the window`).toEqual([]);
}

/**
 * Every visible control shows its whole text: an empty text box its whole placeholder (measured in the box's font), a
 * button its label (or, a long name, cut with an ellipsis and whole in its title); none ends past the window's right
 * edge.
 */
export async function expectControlsWhole(page: Page, what: string): Promise<void> {
  const cut = await page.evaluate(() => {
    const ctx = document.createElement('canvas').getContext('2d')!;
    const out: string[] = [];
    const right = document.documentElement.clientWidth;
    const shown = (e: HTMLElement) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';
    };
    for (const e of document.querySelectorAll<HTMLInputElement>('input[placeholder]')) {
      if (!shown(e) || e.value) continue;
      const cs = getComputedStyle(e);
      ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      const room = e.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      const w = ctx.measureText(e.placeholder).width;
      if (w > room + 0.5) out.push(`the placeholder "${e.placeholder}" is ${Math.ceil(w)} px in ${Math.floor(room)} px`);
    }
    for (const e of document.querySelectorAll<HTMLElement>('button, select, input, label')) {
      if (!shown(e)) continue;
      const r = e.getBoundingClientRect();
      const name = `${e.tagName.toLowerCase()} "${(e.textContent ?? '').trim() || e.getAttribute('aria-label') || ''}"`;
      if (r.right > right + 0.5) out.push(`${name} ends at ${Math.round(r.right)} px, past ${right} px`);
      // Cut only as a long name is: at its width, with an ellipsis, whole in its title.
      const named = getComputedStyle(e).textOverflow === 'ellipsis' && e.title === (e.textContent ?? '');
      if (e.tagName === 'BUTTON' && e.scrollWidth > e.clientWidth + 1 && !named) out.push(`${name} is cut (${e.scrollWidth} > ${e.clientWidth} px)`);
    }
    return out;
  });
  expect(cut, `${what}: controls cut`).toEqual([]);
}
