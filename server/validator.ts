/**
 * A small pool of validation worker threads (`validate-worker.ts`): uploads
 * are decoded and checked there, never on the event loop, so a GET never
 * waits behind a validation. Each job has a time limit; a worker that runs
 * past it, or dies (out of memory), is replaced and its upload refused.
 */
import { Worker } from 'node:worker_threads';
import type { ValidateReply } from './validate-worker.ts';

export type Verdict = { ok: true; bytes: Uint8Array } | { ok: false; error: string };

interface Job {
  id: number;
  bytes: Uint8Array;
  maxDecodedBytes: number;
  resolve(v: Verdict): void;
}

const ENTRY = new URL('./validate-worker.mjs', import.meta.url);

class Slot {
  worker!: Worker;
  job: Job | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly pool: ValidatorPool,
    private readonly heapMb: number,
  ) {
    this.spawn();
  }

  private spawn(): void {
    this.worker = new Worker(ENTRY, { resourceLimits: { maxOldGenerationSizeMb: this.heapMb } });
    this.worker.unref();
    this.worker.on('message', (r: ValidateReply) => {
      const job = this.job;
      if (!job || r.id !== job.id) return;
      this.finish(r.invalid ? { ok: false, error: r.invalid } : r.failed ? { ok: false, error: `upload: could not be validated (${r.failed})` } : { ok: true, bytes: r.bytes });
    });
    this.worker.on('error', (e) => this.died(`upload: validation failed (${e.message})`));
    this.worker.on('exit', () => this.died('upload: validation stopped (the validator ran out of memory)'));
  }

  private died(error: string): void {
    if (this.job) this.finish({ ok: false, error }, true);
    else this.replace();
  }

  private replace(): void {
    this.worker.removeAllListeners();
    void this.worker.terminate();
    if (!this.pool.closed) this.spawn();
  }

  start(job: Job, timeoutMs: number): void {
    this.job = job;
    this.timer = setTimeout(() => this.finish({ ok: false, error: `upload: validation took longer than ${timeoutMs / 1000} s; refused` }, true), timeoutMs);
    this.worker.postMessage({ id: job.id, bytes: job.bytes, maxDecodedBytes: job.maxDecodedBytes }, [job.bytes.buffer as ArrayBuffer]);
  }

  private finish(v: Verdict, replace = false): void {
    const job = this.job!;
    this.job = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (replace) this.replace();
    job.resolve(v);
    this.pool.next(this);
  }
}

export class ValidatorPool {
  closed = false;
  private readonly slots: Slot[];
  private readonly queue: Job[] = [];
  private nextId = 1;

  constructor(
    size: number,
    private readonly timeoutMs: number,
    heapMb = 1024,
  ) {
    this.slots = Array.from({ length: Math.max(1, size) }, () => new Slot(this, heapMb));
  }

  /** Validations running now (for tests and monitoring). */
  get running(): number {
    return this.slots.filter((s) => s.job).length;
  }

  /** Checks `bytes` (transferred to a worker and back: the caller must use `verdict.bytes` after). */
  validate(bytes: Uint8Array, maxDecodedBytes: number): Promise<Verdict> {
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, bytes, maxDecodedBytes, resolve });
      const idle = this.slots.find((s) => !s.job);
      if (idle) this.next(idle);
    });
  }

  /** Gives `slot` the next queued job, if any. */
  next(slot: Slot): void {
    if (slot.job || this.closed) return;
    const job = this.queue.shift();
    if (job) slot.start(job, this.timeoutMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const j of this.queue.splice(0)) j.resolve({ ok: false, error: 'upload: the server is shutting down' });
    await Promise.all(this.slots.map((s) => { s.worker.removeAllListeners(); return s.worker.terminate(); }));
  }
}
