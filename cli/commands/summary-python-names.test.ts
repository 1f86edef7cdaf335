/**
 * Static type names (tp_name lies in libpython's read-only data, which gcore leaves
 * out): the browser names them as the CLI does for the same files. Per shared
 * CPython core: the core alone (the CLI with --no-local-files: only the files given)
 * and the core with the binaries it maps (libpython or the executable, extension modules,
 * at their paths on this machine, build-id checked; skipped when CPython's is not there).
 * The browser's path is the core worker's: the core read alone, then the snapshot's
 * binaries given to `CoreSession.processSnapshot`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeShared, ROOT, sharedPath } from '../../test-support/shared.ts';
import { NodeFileSource } from '../node-source.ts';
import { CoreSession } from '../../workers/logic/session/core-session.ts';
import { openBinary } from '../../workers/logic/formats/elf/binary.ts';
import type { PythonHeapInfo } from '../../src/model/python-heap.ts';
import { StringTable } from '../../src/model/strings.ts';

const BIN = join(ROOT, 'bin', 'heapscope.mjs');

/** A row as `summary --by python-type --json` prints it. */
const printed = (rows: PythonHeapInfo['types']) => rows.map((r) => ({ type: r.type, count: r.count, bytes: r.bytes, ownBytes: r.ownBytes, ownedBytes: r.ownedBytes, dictBytes: r.dictBytes }));

function cli(args: string[]): { rows: ReturnType<typeof printed>; python: { advice: PythonHeapInfo['advice'] } } {
  const out = JSON.parse(execFileSync(process.execPath, [BIN, 'summary', ...args, '--by', 'python-type', '--no-local-files', '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 }));
  return out.snapshots[0];
}

/** What the browser shows: the core read alone (as the core worker reads it), completed with `binaries`. */
async function browser(core: string, binaries: string[]): Promise<{ python: PythonHeapInfo; typeNames: Set<string> }> {
  const src = await NodeFileSource.open(core);
  const s = await CoreSession.open(src);
  const bins = await Promise.all(binaries.map((b) => NodeFileSource.open(b)));
  try {
    const r = await s.processSnapshot(s.table, bins, { classes: false });
    const python = r.python ?? (s.info.python as PythonHeapInfo);
    const strings = new StringTable(r.table.strings);
    const typeNames = new Set<string>();
    for (let i = 0; i < r.table.rows; i++) if (r.table.type[i]) typeNames.add(strings.get(r.table.type[i]));
    return { python, typeNames };
  } finally {
    for (const b of bins) await b.close();
    await s.close();
  }
}

describeShared('static Python type names: browser = CLI', ['fixtures', 'python-core'], () => {
  for (const v of ['py2.7.18', 'py3.8.18', 'py3.12.1']) {
    const core = sharedPath(`fixtures/python-core/${v}/core.gz`);
    it(`${v}, the core alone: the same rows, static types unnamed alike`, async () => {
      const [c, b] = [cli([core]), await browser(core, [])];
      expect(printed(b.python.types)).toEqual(c.rows);
      expect(b.python.advice).toEqual(c.python.advice);
    }, 60_000);
    it(`${v}, the core and the binaries it maps: every static type named, the same rows, the table's type column named alike`, async (ctx) => {
      const alone = await browser(core, []);
      // The core's modules that are on this machine as the same build (libpython or the executable, extension modules, libc…).
      const s = await CoreSession.open(await NodeFileSource.open(core));
      const mapped = s.info.modules ?? [];
      await s.close();
      const here: string[] = [];
      for (const m of mapped) {
        if (!m.buildId || !existsSync(m.path)) continue;
        const f = await NodeFileSource.open(m.path);
        const id = await openBinary(f).then((x) => x.buildId, () => null);
        await f.close();
        if (id === m.buildId) here.push(m.path);
      }
      const module = alone.python.module;
      if (!here.includes(module)) {
        console.warn(`SKIPPED: ${module}, as the core maps it, is not on this machine`);
        ctx.skip();
        return;
      }
      const [c, b] = [cli([core, ...here]), await browser(core, here)];
      expect(printed(b.python.types)).toEqual(c.rows);
      expect(b.python.advice).toEqual(c.python.advice);
      expect(c.rows.filter((r) => r.type.startsWith('<type ')).map((r) => r.type)).toEqual([]);
      expect(alone.python.types.some((r) => r.type.startsWith('<type '))).toBe(true);
      for (const r of c.rows) expect(b.typeNames.has(r.type)).toBe(true);
      expect([...b.typeNames].filter((t) => t.startsWith('<type '))).toEqual([]);
    }, 90_000);
  }
});
