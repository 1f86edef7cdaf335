/**
 * The colours of every view, as pure functions (tested in palette.test.ts):
 *
 * - `colorKey` / `groupColor`: one calm hue per library, module, file or type,
 *   chosen from the group's *key* (its base name), so the same name has the same
 *   colour in every view, in A and in B, and in a shared copy whose paths were
 *   redacted to base names. Two swatch sets, one per theme: light cells under
 *   dark text (light theme), dark cells under light text (dark theme).
 * - `textColorOn`: dark or light text, whichever contrasts more with a cell
 *   (WCAG relative luminance); every swatch here reaches 4.5:1 with it.
 * - `growthBin` / `growthSwatches`: the stepped diverging scale of the diff
 *   views, with a visible neutral for "same"; the legend draws exactly these.
 */
import { hcl, rgb } from 'd3';

export type Theme = 'light' | 'dark';

/** Text colours drawn on cells. */
export const DARK_TEXT = '#15181e';
export const LIGHT_TEXT = '#f5f7fa';

/** sRGB channel (0–255) → linear. */
function lin(c: number): number {
  const s = c / 255;
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

/** WCAG 2 relative luminance of a CSS colour. */
export function luminance(color: string): number {
  const c = rgb(color);
  return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}

/** WCAG 2 contrast ratio of two CSS colours (1 … 21). */
export function contrast(a: string, b: string): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

const textCache = new Map<string, string>();

/** `DARK_TEXT` or `LIGHT_TEXT`, whichever has the higher contrast with `bg`. */
export function textColorOn(bg: string): string {
  let t = textCache.get(bg);
  if (!t) {
    t = contrast(bg, DARK_TEXT) >= contrast(bg, LIGHT_TEXT) ? DARK_TEXT : LIGHT_TEXT;
    textCache.set(bg, t);
  }
  return t;
}

/** FNV-1a of a string. */
export function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * The part of a group name that picks its colour: the base name of a path
 * (`/usr/lib/x86_64-linux-gnu/libc.so.6` → `libc.so.6`, `/srv/app/service.py` →
 * `service.py`), so a redacted copy (base names kept) has the same colours.
 */
export function colorKey(group: string): string {
  const i = group.lastIndexOf('/');
  return i >= 0 && i < group.length - 1 ? group.slice(i + 1) : group;
}

/** Hues (degrees, CIE LCh) of the categorical palette: 12, spaced so neighbours differ. */
const HUES = [250, 40, 145, 300, 85, 200, 10, 120, 330, 60, 175, 275];
/** Lightness steps (CIE L) per theme: a node's depth and name pick one, so adjacent cells differ. */
const LIGHTNESS: Record<Theme, number[]> = { light: [84, 78, 88], dark: [34, 29, 39] };
const CHROMA: Record<Theme, number> = { light: 26, dark: 22 };

/** Every swatch of the categorical palette of a theme (for tests and legends). */
export function paletteSwatches(theme: Theme): string[] {
  const out: string[] = [];
  for (const h of HUES) for (const l of LIGHTNESS[theme]) out.push(hcl(h, CHROMA[theme], l).formatHex());
  return out;
}

const colorCache = new Map<string, string>();

/** Colour of a cell of `group` at `depth` (`variant`, e.g. the name id, varies the lightness a little). */
export function groupColor(group: string, theme: Theme, depth = 0, variant = 0): string {
  const li = (depth + variant) % 3;
  const cacheKey = `${theme}|${li}|${group}`;
  let c = colorCache.get(cacheKey);
  if (!c) {
    const hv = hashString(colorKey(group));
    c = hcl(HUES[hv % HUES.length], CHROMA[theme], LIGHTNESS[theme][li]).formatHex();
    colorCache.set(cacheKey, c);
  }
  return c;
}

/** Fixed colours of the tree views per theme: root, merged slivers, search non-matches, selection outline. */
export const TREE_COLORS: Record<Theme, { root: string; merged: string; dimmed: string; outline: string; gap: string }> = {
  light: { root: '#c9cfdb', merged: '#d9dde5', dimmed: '#eceef2', outline: '#15181e', gap: '#ffffff' },
  dark: { root: '#3b4356', merged: '#2e3546', dimmed: '#222836', outline: '#ffffff', gap: '#161d2d' },
};

/** One step of the diff scale: growth values in (lo, hi] (both ends inclusive when equal). */
export interface GrowthStep {
  lo: number;
  hi: number;
  label: string;
}

/**
 * Steps of growth = (B − A) / max(A, B) ∈ [−1, 1]: gone, three shrink steps,
 * same, three growth steps, new. Any change, however small, leaves "same".
 */
export const GROWTH_STEPS: GrowthStep[] = [
  { lo: -1, hi: -1, label: 'gone' },
  { lo: -1, hi: -0.5, label: '−50 … −100%' },
  { lo: -0.5, hi: -0.15, label: '−15 … −50%' },
  { lo: -0.15, hi: 0, label: '0 … −15%' },
  { lo: 0, hi: 0, label: 'same' },
  { lo: 0, hi: 0.15, label: '0 … +15%' },
  { lo: 0.15, hi: 0.5, label: '+15 … +50%' },
  { lo: 0.5, hi: 1, label: '+50 … +100%' },
  { lo: 1, hi: 1, label: 'new' },
];

/** Index in `GROWTH_STEPS` of a growth value. */
export function growthBin(g: number): number {
  if (!(g > -1)) return g <= -1 ? 0 : 4; // −1 (and below), NaN → same
  if (g >= 1) return 8;
  if (g === 0) return 4;
  if (g < 0) return g <= -0.5 ? 1 : g <= -0.15 ? 2 : 3;
  return g <= 0.15 ? 5 : g <= 0.5 ? 6 : 7;
}

/** Lightness and chroma (CIE LCh) of each step away from "same": the bigger the change, the stronger. */
const STEP_LC: [number, number][] = [
  [36, 58], // new / gone: dark, saturated (light text)
  [62, 52], // 50 … 100%
  [75, 36], // 15 … 50%
  [87, 20], // 0 … 15%: a tint, still apart from the neutral grey
];
/** Hues of growth and of shrinkage: red / blue, or (colour-blind-safe) orange / purple. */
const HUE = { normal: { grow: 30, shrink: 255 }, colorblind: { grow: 58, shrink: 300 } };
/** The neutral ("same"): a mid grey, visibly apart from the lightest tints on both sides. */
export const NEUTRAL: Record<Theme, string> = { light: '#a9adb5', dark: '#a9adb5' };

const swatchCache = new Map<string, string[]>();

/** The colour of each growth step (in `GROWTH_STEPS` order): red grows / blue shrinks, or orange / purple. */
export function growthSwatches(colorblind: boolean, theme: Theme): string[] {
  const k = `${colorblind}|${theme}`;
  let s = swatchCache.get(k);
  if (!s) {
    const h = colorblind ? HUE.colorblind : HUE.normal;
    const side = (hue: number, i: number) => hcl(hue, STEP_LC[i][1], STEP_LC[i][0]).formatHex();
    s = [side(h.shrink, 0), side(h.shrink, 1), side(h.shrink, 2), side(h.shrink, 3), NEUTRAL[theme], side(h.grow, 3), side(h.grow, 2), side(h.grow, 1), side(h.grow, 0)];
    swatchCache.set(k, s);
  }
  return s;
}

/** Fill of a node whose growth is `g`. */
export function growthColor(g: number, colorblind: boolean, theme: Theme): string {
  return growthSwatches(colorblind, theme)[growthBin(g)];
}
