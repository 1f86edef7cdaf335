/** Starts the share server in a child process (`share-server-child.ts`) and says where it listens. */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ShareServerOptions } from '../server/app.ts';

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  base: string;
  /** Resident memory of the process now, in MiB (Linux). */
  rssMb(): number;
  /** kill -9: no chance to finish anything. */
  kill(): Promise<void>;
  /** Orderly stop (closes the database). */
  stop(): Promise<void>;
}

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'share-server-child.ts');

export function spawnShareServer(opts: ShareServerOptions): Promise<ServerProcess> {
  const child = fork(CHILD, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, HEAPSCOPE_TEST_SERVER: JSON.stringify(opts) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    const early = (code: number | null): void => reject(new Error(`the server process exited at start (${code})`));
    child.once('exit', early);
    child.once('message', (m: { port: number }) => {
      child.off('exit', early);
      resolve({
        child,
        port: m.port,
        base: `http://127.0.0.1:${m.port}`,
        rssMb() {
          return (Number(readFileSync(`/proc/${child.pid}/statm`, 'utf8').split(' ')[1]) * 4096) / 2 ** 20;
        },
        async kill() {
          child.kill('SIGKILL');
          await exited;
        },
        async stop() {
          child.send({ close: true });
          await exited;
        },
      });
    });
  });
}
