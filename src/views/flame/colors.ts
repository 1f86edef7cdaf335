/**
 * Colours that carry meaning: one hue per group (module, file, type), stable
 * across views and reloads (hash of the group name); search dims non-matches.
 */
function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

const cache = new Map<string, string>();

/** Colour of a node: hue from its group; lightness varies with depth and `variant` so neighbours differ. */
export function groupColor(group: string, depth: number, variant = 0): string {
  const key = `${group}|${depth & 3}|${variant % 5}`;
  let c = cache.get(key);
  if (!c) {
    const hv = hash(group);
    const hue = hv % 360;
    const sat = 55 + ((hv >>> 9) % 20);
    const light = 36 + (depth & 1) * 5 + (variant % 5) * 3;
    c = `hsl(${hue} ${sat}% ${light}%)`;
    cache.set(key, c);
  }
  return c;
}

export const DIMMED = 'hsl(220 12% 28%)';
export const MERGED = 'hsl(220 10% 36%)';
export const ROOT = 'hsl(228 30% 38%)';
