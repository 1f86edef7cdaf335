import { describe, expect, it } from 'vitest';
import {
  colorKey,
  contrast,
  DARK_TEXT,
  GROWTH_STEPS,
  growthBin,
  growthColor,
  growthSwatches,
  groupColor,
  LIGHT_TEXT,
  NEUTRAL,
  paletteSwatches,
  textColorOn,
  TREE_COLORS,
  type Theme,
} from './palette.ts';

const THEMES: Theme[] = ['light', 'dark'];

describe('contrast', () => {
  it('is WCAG 2\'s ratio', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(contrast('#ff0000', '#ff0000')).toBe(1);
  });

  it('every swatch of both themes takes a text colour with at least 4.5:1, dark on light cells and light on dark', () => {
    for (const theme of THEMES) {
      for (const bg of [...paletteSwatches(theme), ...Object.values(TREE_COLORS[theme]).slice(0, 3)]) {
        const fg = textColorOn(bg);
        expect(contrast(fg, bg), `${theme} ${bg}`).toBeGreaterThanOrEqual(4.5);
        expect(fg).toBe(theme === 'light' ? DARK_TEXT : LIGHT_TEXT);
      }
    }
  });

  it('every diff swatch takes a text colour with at least 4.5:1; white text never on a light cell', () => {
    for (const theme of THEMES) {
      for (const cb of [false, true]) {
        for (const bg of growthSwatches(cb, theme)) {
          const fg = textColorOn(bg);
          expect(contrast(fg, bg), `${bg}`).toBeGreaterThanOrEqual(4.5);
          if (contrast(bg, '#ffffff') < 4.5) expect(fg).toBe(DARK_TEXT);
        }
      }
    }
  });
});

describe('group colours', () => {
  it('are keyed by base name: a redacted path keeps its colour; every view computes the same one', () => {
    expect(colorKey('/usr/lib/x86_64-linux-gnu/libc.so.6')).toBe('libc.so.6');
    expect(colorKey('service.py')).toBe('service.py');
    for (const theme of THEMES) {
      expect(groupColor('/srv/heapgen/libwidgets.so', theme, 2, 7)).toBe(groupColor('libwidgets.so', theme, 2, 7));
      expect(paletteSwatches(theme)).toContain(groupColor('anything', theme, 1, 0));
    }
  });

  it('spread over the palette\'s hues', () => {
    const names = Array.from({ length: 200 }, (_, i) => `lib${i}.so`);
    const used = new Set(names.map((n) => groupColor(n, 'light')));
    expect(used.size).toBeGreaterThanOrEqual(10);
  });
});

describe('diff scale', () => {
  it('bins: gone, shrink steps, same, growth steps, new; any change leaves "same"', () => {
    expect(GROWTH_STEPS[growthBin(-1)].label).toBe('gone');
    expect(GROWTH_STEPS[growthBin(1)].label).toBe('new');
    expect(GROWTH_STEPS[growthBin(0)].label).toBe('same');
    expect(growthBin(1e-6)).not.toBe(growthBin(0));
    expect(growthBin(-1e-6)).not.toBe(growthBin(0));
    // +960,008 B over ~20 MB: moderate growth
    expect(GROWTH_STEPS[growthBin(960008 / 20_000_000)].label).toBe('0 … +15%');
    expect(growthBin(NaN)).toBe(4);
  });

  it('the neutral is visibly apart from every tint; steps are distinct; red grows, blue shrinks', () => {
    for (const theme of THEMES) {
      for (const cb of [false, true]) {
        const s = growthSwatches(cb, theme);
        expect(new Set(s).size).toBe(s.length);
        expect(s[4]).toBe(NEUTRAL[theme]);
        expect(contrast(s[3], s[4])).toBeGreaterThan(1.25);
        expect(contrast(s[5], s[4])).toBeGreaterThan(1.25);
      }
    }
    const grow = growthColor(1, false, 'light');
    const shrink = growthColor(-1, false, 'light');
    expect(parseInt(grow.slice(1, 3), 16)).toBeGreaterThan(parseInt(grow.slice(5, 7), 16));
    expect(parseInt(shrink.slice(5, 7), 16)).toBeGreaterThan(parseInt(shrink.slice(1, 3), 16));
  });
});
