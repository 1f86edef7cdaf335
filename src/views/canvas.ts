/** Canvas helpers shared by the canvas views (flame graph, treemap, heap map). */
import { useEffect, useState, type RefObject } from 'react';

/** The element's width in CSS pixels, kept up to date (at least `min`). */
export function useContainerWidth(ref: RefObject<HTMLElement | null>, min = 200, initial = 1000): number {
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(min, el.clientWidth)));
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref, min]);
  return width;
}

/** Sizes `c` for the device pixel ratio and returns a cleared 2D context in CSS pixels. */
export function prepareCanvas(c: HTMLCanvasElement, width: number, height: number, font?: string): CanvasRenderingContext2D {
  const dpr = window.devicePixelRatio || 1;
  c.width = Math.round(width * dpr);
  c.height = Math.round(height * dpr);
  const ctx = c.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  if (font) ctx.font = font;
  return ctx;
}
