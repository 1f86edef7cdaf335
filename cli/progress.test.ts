import { describe, expect, it } from 'vitest';
import { progressText, terminalProgress } from './progress.ts';

function terminal(isTTY: boolean, columns = 200) {
  const writes: string[] = [];
  return { isTTY, columns, writes, write: (s: string) => writes.push(s) };
}

describe('the CLI progress line', () => {
  it('is off when stderr is not a terminal, or HEAPSCOPE_PROGRESS=0', () => {
    expect(terminalProgress(terminal(false), {})).toBeUndefined();
    expect(terminalProgress(terminal(true), { HEAPSCOPE_PROGRESS: '0' })).toBeUndefined();
    expect(terminalProgress(terminal(true), {})).toBeDefined();
  });

  it('names the stage and the file, with done of total, rate and time left', () => {
    expect(progressText({ file: 'core.1', bytesRead: 300_000, totalBytes: 1_500_000, stage: 'classes', unit: 'items' }, 1000, 4000)).toBe(
      'Naming classes from vtables in core.1: 300,000 of 1,500,000 allocations · 300,000/s · 4.0 s left',
    );
    expect(progressText({ file: 'core.1', bytesRead: 64 << 20, totalBytes: 256 << 20, stage: 'walk', unit: 'bytes' }, 500, 1500)).toBe('Walking the heap of core.1: 64.0 MiB of 256 MiB · 128 MiB/s · 1.5 s left');
    expect(progressText({ file: 'core.1', bytesRead: 0, totalBytes: 0, stage: 'walk', unit: 'bytes' }, 10, null)).toBe('Walking the heap of core.1…');
    // Nothing done yet: the stage and its size, no rate of 0/s.
    expect(progressText({ file: 'core.1', bytesRead: 0, totalBytes: 256 << 20, stage: 'walk', unit: 'bytes' }, 30, null)).toBe('Walking the heap of core.1: 0 B of 256 MiB');
    expect(progressText({ file: 'core.1', bytesRead: 0, totalBytes: 1_500_000, stage: 'classes', unit: 'items' }, 30, null)).toBe('Naming classes from vtables in core.1: 0 of 1,500,000 allocations');
    // A narrow terminal: the file name goes first, then the unit's word; the time left stays.
    const p = { file: 'core.bench.12345', bytesRead: 300_000, totalBytes: 1_500_000, stage: 'classes', unit: 'items' } as const;
    expect(progressText(p, 1000, 4000, 90)).toBe('Naming classes from vtables: 300,000 of 1,500,000 allocations · 300,000/s · 4.0 s left');
    expect(progressText(p, 1000, 4000, 75)).toBe('Naming classes from vtables: 300,000 of 1,500,000 · 300,000/s · 4.0 s left');
  });

  it('redraws one line in place at most every 100 ms, its time left never rising, and erases it when the stage ends', () => {
    let t = 0;
    const out = terminal(true, 100);
    const p = terminalProgress(out, {}, () => t)!;
    const report = (done: number, at: number) => {
      t = at;
      p.onProgress!({ file: 'core.1', bytesRead: done, totalBytes: 1000, stage: 'attribution', unit: 'items' });
    };
    report(0, 0);
    report(100, 100);
    report(150, 150); // within 100 ms: not drawn
    report(200, 400);
    report(210, 900); // slower: the estimate would rise, the line's does not
    report(1000, 1000);
    expect(out.writes.length).toBe(5);
    expect(out.writes.slice(0, 4).every((w) => w.startsWith('\r\x1b[2KAttributing footers of core.1: ') && w.length <= 5 + 99)).toBe(true);
    // 100 of 1,000 after 100 ms: 900 ms left; 200 after 400 ms: 1.2 s by the rate, the line's deadline stays (600 ms).
    const left = out.writes.slice(1, 4).map((w) => /· ([\d.]+ m?s) left$/.exec(w)?.[1]);
    expect(left).toEqual(['900 ms', '600 ms', '100 ms']);
    expect(out.writes[4]).toBe('\r\x1b[2K');
    p.clear();
    expect(out.writes.length).toBe(5);
  });
});
