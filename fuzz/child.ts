/**
 * A fuzz worker process (started by `campaign.ts` with `node --import tsx`):
 * runs one case at a time as the parent asks, and answers with its outcome.
 * The parent watches the time and this process's memory; when a case hangs or
 * blows up it kills this process and starts another.
 *
 * A case may ask to be cancelled after `cancelAfterMs`: a separate thread
 * sets the shared cancel flag then, as the app's main thread does for a
 * reader worker, so loops that never yield are caught too.
 */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { CancelledError, InputError } from '../workers/logic/io/errors.ts';
import { RUNS } from './targets.ts';
import type { TargetName } from './seeds.ts';

export interface CaseRequest {
  id: number;
  target: TargetName;
  file: string;
  name: string;
  cancelAfterMs?: number;
}

export type Outcome = 'ok' | 'refused' | 'cancelled' | 'crash';

export interface CaseReply {
  id: number;
  outcome: Outcome;
  message?: string;
  stack?: string;
  ms: number;
  cpuMs: number;
}

const canceller = new Worker(
  `const { parentPort } = require('node:worker_threads');
   parentPort.on('message', ({ flag, ms }) => {
     Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
     Atomics.store(new Int32Array(flag), 0, 1);
   });`,
  { eval: true },
);
canceller.unref();

let current: CaseRequest | null = null;
const send = (m: CaseReply | { ready: true }): void => {
  process.send?.(m);
};

function fail(e: unknown): void {
  const err = e as Error;
  if (current) send({ id: current.id, outcome: 'crash', message: `uncaught: ${err?.message ?? String(e)}`, stack: err?.stack, ms: 0, cpuMs: 0 });
  process.exit(70);
}
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

process.on('message', async (req: CaseRequest) => {
  current = req;
  const bytes = new Uint8Array(readFileSync(req.file));
  const flag = new SharedArrayBuffer(4);
  if (req.cancelAfterMs !== undefined) canceller.postMessage({ flag, ms: req.cancelAfterMs });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let reply: CaseReply;
  try {
    await RUNS[req.target](bytes, req.name, { cancel: new Int32Array(flag) });
    reply = { id: req.id, outcome: 'ok', ms: 0, cpuMs: 0 };
  } catch (e) {
    if (e instanceof InputError) reply = { id: req.id, outcome: 'refused', message: e.message, ms: 0, cpuMs: 0 };
    else if (e instanceof CancelledError) reply = { id: req.id, outcome: 'cancelled', message: e.message, ms: 0, cpuMs: 0 };
    else reply = { id: req.id, outcome: 'crash', message: `${(e as Error)?.name ?? 'Error'}: ${(e as Error)?.message ?? String(e)}`, stack: (e as Error)?.stack, ms: 0, cpuMs: 0 };
  }
  reply.ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  reply.cpuMs = (c.user + c.system) / 1000;
  current = null;
  send(reply);
});

send({ ready: true });
