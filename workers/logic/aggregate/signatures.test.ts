import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../test-support/shared.ts';
import { withSource } from '../../../test-support/node-files.ts';
import { openBinary } from '../formats/elf/binary.ts';
import { openCore } from '../formats/elf/core-file.ts';
import { readChapList } from '../formats/chap-list/chap-list.ts';
import { NodeFileSource } from '../../../cli/node-source.ts';
import { loadModules } from '../symbols/modules.ts';
import { findSignatures } from './signatures.ts';
import { readCore } from '../formats/core/read-core.ts';
import { AllocState } from '../../../src/model/allocations.ts';

const DIR = ['fixtures', 'heapgen'];

/** chap's per-signature counts from `... with signature ADDR(Name)` lines of a list file. */
function chapCounts(path: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of readFileSync(path, 'utf8').matchAll(/^\.\.\. with signature ([0-9a-f]+)\((.+)\)$/gm)) {
    const k = `${m[1]} ${m[2]}`;
    out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

describeShared('vtable class names vs chap signatures (heapgen)', DIR, () => {
  for (const phase of [1, 2]) {
    for (const withBinary of [true, false]) {
      it(`phase ${phase}: per-class counts equal chap's (${withBinary ? '_ZTV symbols of libwidgets.so' : 'typeinfo names from the core alone'})`, async () => {
        const core = await openCore(await NodeFileSource.open(sharedPath(...DIR, `core.phase${phase}.gz`)));
        const listPath = sharedPath(...DIR, `core.phase${phase}.list_used`);
        const list = await withSource(listPath, (s) => readChapList(s));
        const bins = withBinary ? [await withSource(sharedPath(...DIR, 'libwidgets.so'), (s) => openBinary(s))] : [];
        const sig = await findSignatures(core, list.table, await loadModules(core, bins));
        const ours = new Map(sig.classes.map((c) => [`${c.signature.toString(16)} ${c.name}`, c.count]));
        const chap = chapCounts(listPath);
        expect(chap.size).toBe(2);
        expect(ours).toEqual(chap);
        await core.close();
      }, 60_000);
    }
  }

  it('the same classes for every row whatever the window of first words (4,100-byte windows: rows straddle their ends, the read-ahead serves thousands)', async () => {
    const core = await openCore(await NodeFileSource.open(sharedPath(...DIR, 'core.phase1.gz')));
    const list = await withSource(sharedPath(...DIR, 'core.phase1.list_used'), (s) => readChapList(s));
    const modules = await loadModules(core, []);
    const wide = await findSignatures(core, list.table, modules);
    const narrow = await findSignatures(Object.create(core, { readWindow: { value: 4100 } }) as typeof core, list.table, modules);
    expect(wide.classes.reduce((n, c) => n + c.count, 0)).toBeGreaterThan(1000);
    expect(narrow.classes).toEqual(wide.classes);
    expect(Buffer.from(narrow.rowClass.buffer, narrow.rowClass.byteOffset, narrow.rowClass.byteLength).equals(Buffer.from(wide.rowClass.buffer, wide.rowClass.byteOffset, wide.rowClass.byteLength))).toBe(true);
    await core.close();
  }, 60_000);

  it('no class found: the rows keep their own all-zero type column (no new column), one that names something gets zeros of its own', async () => {
    const src = await NodeFileSource.open(sharedPath(...DIR, 'core.phase1.gz'));
    const r = await readCore(src);
    const modules = await loadModules(r.core, []);
    // Every row free: only allocations in use are named, so nothing is.
    const free = { ...r.table, state: new Uint8Array(r.table.rows).fill(AllocState.Free) };
    expect(free.type.every((t) => t === 0)).toBe(true);
    const sig = await findSignatures(r.core, free, modules);
    expect(sig.classes).toEqual([]);
    expect(sig.rowClass).toBe(free.type);
    // The same rows in use have classes (the test above): a column of their own.
    expect((await findSignatures(r.core, r.table, modules)).rowClass).not.toBe(r.table.type);
    const named = { ...free, type: free.type.map((_, i) => (i === 5 ? 1 : 0)) };
    const other = await findSignatures(r.core, named, modules);
    expect(other.rowClass).not.toBe(named.type);
    expect(other.rowClass.length).toBe(named.rows);
    expect(other.rowClass.every((t) => t === 0)).toBe(true);
    await r.core.close();
    await src.close();
  }, 60_000);

  it('the words the heap walk saw give every row the class a read of the core gives (module-words.ts)', async () => {
    const src = await NodeFileSource.open(sharedPath(...DIR, 'core.phase1.gz'));
    const r = await readCore(src, undefined, { moduleWords: true });
    const seen = r.moduleWords!;
    // The walk saw most of the heap, and words pointing into modules there (the Rects' and Circles' vtables among them).
    const seenBytes = seen.ends.reduce((n, e, i) => n + e - seen.starts[i], 0);
    expect(seenBytes).toBeGreaterThan(1 << 20);
    expect(seen.addrs.length).toBeGreaterThan(1000);
    const modules = await loadModules(r.core, []);
    const read = await findSignatures(r.core, r.table, modules);
    const fromSeen = await findSignatures(r.core, r.table, modules, undefined, '', seen);
    expect(read.classes.reduce((n, c) => n + c.count, 0)).toBeGreaterThan(1000);
    expect(fromSeen.classes).toEqual(read.classes);
    expect(Buffer.from(fromSeen.rowClass.buffer, fromSeen.rowClass.byteOffset, fromSeen.rowClass.byteLength).equals(Buffer.from(read.rowClass.buffer, read.rowClass.byteOffset, read.rowClass.byteLength))).toBe(true);
    await r.core.close();
    await src.close();
  }, 60_000);
});
