/** The handshake of the capture programs: each prints `READY <pid>` once its heap is built, then waits. */
import type { ChildProcess } from 'node:child_process';

/** The pid the child prints in its `READY <pid>` line; rejects with `exited(code)` if it exits first. */
export function waitReady(child: ChildProcess, exited: (code: number | null) => string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(exited(code))));
  });
}
