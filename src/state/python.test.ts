import { expect, it } from 'vitest';
import { currentFilters, olderSnapshot } from './python.ts';

it('turns the preferences into CPython filters: domain, import exclusions, +include / -exclude patterns', () => {
  expect(currentFilters({ hideImports: true, patterns: '+*/shop/*\n-*json*\n  \nbare.py', domain: 2 })).toEqual([
    { kind: 'domain', inclusive: true, domain: 2 },
    { kind: 'file', inclusive: false, pattern: '<frozen importlib._bootstrap>' },
    { kind: 'file', inclusive: false, pattern: '<unknown>' },
    { kind: 'file', inclusive: true, pattern: '*/shop/*' },
    { kind: 'file', inclusive: false, pattern: '*json*' },
    { kind: 'file', inclusive: true, pattern: 'bare.py' },
  ]);
  expect(currentFilters({ hideImports: false, patterns: '', domain: null })).toEqual([]);
});

it('compares the current tracemalloc snapshot with the one before it, unless another (or none) is chosen', () => {
  const list = [{ snap: { key: 's1', kind: 'tracemalloc' } }, { snap: { key: 's2', kind: 'process' } }, { snap: { key: 's3', kind: 'tracemalloc' } }, { snap: { key: 's4', kind: 'tracemalloc' } }];
  expect(olderSnapshot(list, list[3], '')).toBe(list[2]);
  expect(olderSnapshot(list, list[2], '')).toBe(list[0]);
  expect(olderSnapshot(list, list[0], '')).toBeNull();
  expect(olderSnapshot(list, list[0], 's4')).toBe(list[3]);
  expect(olderSnapshot(list, list[3], 'none')).toBeNull();
});
