import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AllocationTableBuilder, AllocState } from '../../../src/model/allocations.ts';
import { describeShared } from '../../../test-support/shared.ts';
import type { Attribution } from '../formats/malloc-tracer/attribution.ts';
import { namePath, nodeByNames, type Hierarchy } from '../../../src/model/hierarchy.ts';
import type { ModuleMap } from '../symbols/modules.ts';
import { attributeHeapgen, HAVE_GLIBC_DEBUG, HEAPGEN, pySize, readHeapTotal, type HeapgenPhase, type TotalRow } from './heap-total.test-helper.ts';
import { attributionHierarchy, baseName, libraryKey, memBytes, NO_FOOTER, offsetKey, OUTSIDE_MODULES } from './site-keys.ts';

function child(h: Hierarchy, parent: number, name: string): number {
  for (let c = h.childStart[parent]; c < h.childStart[parent + 1]; c++) if (h.names[h.name[h.children[c]]] === name) return h.children[c];
  return -1;
}

/** Our node printed the way heap_total prints a row. */
function asRow(h: Hierarchy, n: number): TotalRow {
  return { user: pySize(h.totalRequested[n]), mem: pySize(memBytes(h, n)), chunk: pySize(h.totalBytes[n]), count: h.totalCount[n] };
}

describe('site keys', () => {
  it('cut library paths to base names, keep Unknown lib, print offsets in hex', () => {
    expect(baseName('/lib/x86_64-linux-gnu/libstdc++.so.6')).toBe('libstdc++.so.6');
    expect(libraryKey('/mnt/other/root/lib/x86_64-linux-gnu/libstdc++.so.6')).toBe('libstdc++.so.6');
    expect(libraryKey('Unknown lib')).toBe('Unknown lib');
    expect(baseName('noslash')).toBe('noslash');
    expect(baseName('/ends/with/')).toBe('/ends/with/');
    expect(offsetKey(0x2f)).toBe('+0x2f');
    expect(offsetKey(-5)).toBe('+0x0');
  });
});

/** A hand-made attribution: two libraries at different paths, one unknown address, errors. */
function fakeAttribution(rowSite: number[], errors: { count: number; chunk: number }): Attribution {
  const sz = (count: number, user: number, chunk: number) => ({ count, user, mem: chunk - 16 * count, chunk });
  return {
    total: sz(4, 300, 480),
    errors,
    checked: 4 + errors.count,
    valid: 3,
    detected: true,
    libraries: [
      {
        name: '/opt/a/libfoo.so.1',
        sizes: sz(3, 280, 448),
        functions: [
          { name: 'foo::make(int)', sizes: sz(2, 200, 320), sites: [{ id: 0, addr: 0x7f0000001234, offset: 0x34, sizes: sz(1, 100, 160) }, { id: 1, addr: 0x7f0000001240, offset: 0x40, sizes: sz(1, 100, 160) }] },
          { name: 'libfoo.so.1+0x9000', sizes: sz(1, 80, 128), sites: [{ id: 2, addr: 0x7f0000009000, offset: 0x9000, sizes: sz(1, 80, 128) }] },
        ],
      },
      { name: 'Unknown lib', sizes: sz(1, 20, 32), functions: [{ name: '0xdeadbeef', sizes: sz(1, 20, 32), sites: [{ id: 3, addr: 0xdeadbeef, offset: 0, sizes: sz(1, 20, 32) }] }] },
    ],
    sites: { rows: 0, addr: new Float64Array(0), lib: new Uint32Array(0), func: new Uint32Array(0), offset: new Float64Array(0), exec: new Uint8Array(0), strings: { bytes: new Uint8Array(0), offsets: new Uint32Array(1) } },
    table: { ...new AllocationTableBuilder().freeze(), rows: rowSite.length, site: Uint32Array.from(rowSite), requested: new Float64Array(rowSite.length) },
    rowSite: Uint32Array.from(rowSite),
    rowRequested: new Float64Array(rowSite.length),
    modules: { modules: [], rangeStart: new Float64Array(0), rangeEnd: new Float64Array(0), rangeModule: new Int32Array(0), warnings: [] } as ModuleMap,
    warnings: [],
  };
}

describe('attributionHierarchy on a hand-made attribution', () => {
  it('library base name → function → +0xOFFSET; display path as group; no raw address anywhere', () => {
    const h = attributionHierarchy(fakeAttribution([], { count: 2, chunk: 96 }));
    expect(h.levels).toEqual(['all', 'library', 'function', 'site']);
    expect(h.hasRequested).toBe(true);
    const site = nodeByNames(h, ['libfoo.so.1', 'foo::make(int)', '+0x34']);
    expect(namePath(h, site)).toEqual(['libfoo.so.1', 'foo::make(int)', '+0x34']);
    expect(h.groups[h.group[site]]).toBe('/opt/a/libfoo.so.1');
    expect(h.totalBytes[site]).toBe(160);
    expect(h.totalRequested[site]).toBe(100);
    expect(nodeByNames(h, ['libfoo.so.1', 'libfoo.so.1+0x9000', '+0x9000'])).toBeGreaterThan(0);
    const unknown = nodeByNames(h, ['Unknown lib', OUTSIDE_MODULES]);
    expect(h.depth[unknown]).toBe(2);
    expect(h.totalCount[unknown]).toBe(1);
    expect(h.names.some((n) => /deadbeef|7f0000/i.test(n))).toBe(false);
    // errors become (no footer): the root holds every examined allocation.
    const nf = child(h, 0, NO_FOOTER);
    expect([h.totalCount[nf], h.totalBytes[nf], h.totalRequested[nf]]).toEqual([2, 96, 0]);
    expect([h.totalCount[0], h.totalBytes[0], h.totalRequested[0]]).toEqual([6, 480 + 96, 300]);
    expect(memBytes(h, nodeByNames(h, ['libfoo.so.1']))).toBe(448 - 48);
  });

  it('with the table, (no footer) counts its in-use rows without a site (free rows left out)', () => {
    const tb = new AllocationTableBuilder();
    tb.add(0, 0x1000, 48, AllocState.Used); // site 1
    tb.add(0, 0x2000, 64, AllocState.Used); // no footer
    tb.add(0, 0x3000, 80, AllocState.Free); // free: not counted
    tb.add(0, 0x4000, 24, AllocState.Leaked); // no footer, in use
    const h = attributionHierarchy(fakeAttribution([1, 0, 0, 0], { count: 99, chunk: 99 }), tb.freeze());
    const nf = child(h, 0, NO_FOOTER);
    expect([h.totalCount[nf], h.totalBytes[nf]]).toEqual([2, 88]);
  });

  it('an empty attribution is a lone root; no (no footer) node when nothing failed', () => {
    const a = fakeAttribution([], { count: 0, chunk: 0 });
    a.libraries = [];
    const h = attributionHierarchy(a);
    expect(h.size).toBe(1);
    expect(h.totalBytes[0]).toBe(0);
  });
});

describeShared('attributionHierarchy vs the gdb plugin heap_total (heapgen)', HEAPGEN, () => {
  for (const phase of [1, 2]) {
    describe(`phase ${phase}`, () => {
      let p: HeapgenPhase;
      let h: Hierarchy;
      beforeAll(async () => {
        p = await attributeHeapgen(phase);
        h = attributionHierarchy(p.attribution, p.table);
      }, 60_000);
      afterAll(async () => {
        await p?.close();
      });

      it("the root equals the table's in-use totals and heap_total's total row", () => {
        const ref = readHeapTotal(phase);
        let count = 0;
        let bytes = 0;
        for (let i = 0; i < p.table.rows; i++) {
          if (p.table.state[i] !== AllocState.Free) {
            count++;
            bytes += p.table.size[i];
          }
        }
        expect([h.totalCount[0], h.totalBytes[0]]).toEqual([count, bytes]);
        expect(asRow(h, 0)).toEqual(ref.total);
        expect(ref.errors).toBe('errors: 0, bytes:0');
        expect(child(h, 0, NO_FOOTER)).toBe(-1);
      });

      it('every function row of heapgen and libwidgets.so: count, user, mem, chunk', () => {
        const ref = readHeapTotal(phase);
        expect(ref.functions.size).toBe(2);
        let rows = 0;
        for (const [lib, funcs] of ref.functions) {
          const ln = child(h, 0, libraryKey(lib));
          expect(ln, lib).toBeGreaterThan(0);
          expect(h.groups[h.group[ln]]).toBe(lib);
          expect(asRow(h, ln), lib).toEqual(ref.libraries.get(lib));
          for (const [fn, row] of funcs) {
            const fnode = child(h, ln, fn);
            expect(fnode, fn).toBeGreaterThan(0);
            expect(asRow(h, fnode), fn).toEqual(row);
            rows++;
          }
          // No function of ours that the reference does not list.
          expect(h.childStart[ln + 1] - h.childStart[ln]).toBe(funcs.size);
        }
        expect(rows).toBeGreaterThan(12);
      });

      const full = HAVE_GLIBC_DEBUG;
      if (!full) console.warn('SKIPPED every-library-row check: glibc debug files (libc6-dbg) absent');
      it.skipIf(!full)('every library row (with glibc debug files): keyed by base name, displayed by gdb’s name', () => {
        const ref = readHeapTotal(phase);
        expect(h.childStart[1] - h.childStart[0]).toBe(ref.libraries.size);
        for (const [lib, row] of ref.libraries) {
          const ln = child(h, 0, libraryKey(lib));
          expect(ln, lib).toBeGreaterThan(0);
          expect(h.groups[h.group[ln]]).toBe(lib);
          expect(asRow(h, ln), lib).toEqual(row);
        }
        // The two spellings of libstdc++ stay two libraries (gdb names one by the loader, one by the file).
        expect(child(h, 0, 'libstdc++.so.6')).toBeGreaterThan(0);
        expect(child(h, 0, 'libstdc++.so.6.0.30')).toBeGreaterThan(0);
      });

      it('sites are +0xOFFSET under their function and add up to it', () => {
        const fn = nodeByNames(h, ['libwidgets.so', 'widgets::make_shapes(unsigned long)']);
        expect(h.depth[fn]).toBe(2);
        let sum = 0;
        for (let c = h.childStart[fn]; c < h.childStart[fn + 1]; c++) {
          const s = h.children[c];
          expect(h.names[h.name[s]]).toMatch(/^\+0x[0-9a-f]+$/);
          sum += h.totalBytes[s];
        }
        expect(sum).toBe(h.totalBytes[fn]);
        expect(h.selfBytes[fn]).toBe(0);
      });
    });
  }
});
