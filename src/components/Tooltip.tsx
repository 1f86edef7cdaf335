/**
 * A tooltip box at a pointer position inside a `position: relative` container,
 * kept inside the container's width (it flips to the pointer's left near the
 * right edge). Views give it their content; see src/views/README.md.
 */
import type { ReactNode } from 'react';

export interface TooltipProps {
  /** Pointer position in the container's CSS pixels. */
  x: number;
  y: number;
  /** The container's width: the box stays inside it. */
  width: number;
  testId?: string;
  children: ReactNode;
}

const BOX_W = 440;

export function Tooltip({ x, y, width, testId, children }: TooltipProps) {
  const left = x + 14 + BOX_W > width ? Math.max(0, x - 14 - BOX_W) : x + 14;
  return (
    <div className="tooltip" data-testid={testId} style={{ left, top: y + 14, width: BOX_W }}>
      {children}
    </div>
  );
}
