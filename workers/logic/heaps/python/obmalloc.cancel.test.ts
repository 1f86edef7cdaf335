/**
 * The obmalloc search (every word of the CPython module's writable data) and walk (every pool of every arena) stop
 * at the shared cancel flag, as every loop over a count taken from a file must (issue 13): through the finder
 * registry's context, with `CancelledError` naming the file.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { describeShared, sharedPath } from '../../../../test-support/shared.ts';
import { openCore } from '../../formats/elf/core-file.ts';
import { CancelledError } from '../../io/errors.ts';
import { BytesSource } from '../../io/source.ts';
import { findPython, obmallocFinder } from './index.ts';

describeShared('obmalloc stops at the cancel flag', ['fixtures', 'python-core', 'py3.8.18', 'core.gz'], () => {
  it('a set flag stops the search with CancelledError naming the core, through the registry context too; unset, it finds the arenas', async () => {
    const core = await openCore(new BytesSource('py38.core', new Uint8Array(gunzipSync(readFileSync(sharedPath('fixtures/python-core/py3.8.18/core.gz'))))));
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    const found = await findPython(core, { cancel });
    expect('absent' in found).toBe(false);
    Atomics.store(cancel, 0, 1);
    await expect(findPython(core, { cancel })).rejects.toThrow(new CancelledError('py38.core'));
    await expect(obmallocFinder.find(core, { ctl: { cancel }, opts: {}, below: [] })).rejects.toBeInstanceOf(CancelledError);
  });
});
