import { expect, it } from 'vitest';
import { currentFilters, pickSnapshots } from './python.ts';

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

it('picks B as the last snapshot dropped and A as the one before, unless chosen', () => {
  const inputs = [{ id: 1, tracemalloc: {} }, { id: 2 }, { id: 3, tracemalloc: {} }, { id: 4, tracemalloc: {} }];
  expect(pickSnapshots(inputs, { oldId: null, newId: null })).toMatchObject({ newer: { id: 4 }, older: { id: 3 } });
  expect(pickSnapshots(inputs, { oldId: 4, newId: 1 })).toMatchObject({ newer: { id: 1 }, older: { id: 4 } });
});
