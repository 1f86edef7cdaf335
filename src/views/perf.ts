/**
 * User Timing measures of the views' own work (`heapscope:<name>` entries), so a
 * profiler, the e2e performance run or a user's DevTools can see layout and
 * draw times. Cheap enough to stay on.
 */
export function timed<T>(name: string, fn: () => T): T {
  const start = performance.now();
  try {
    return fn();
  } finally {
    performance.measure(`heapscope:${name}`, { start, end: performance.now() });
  }
}
