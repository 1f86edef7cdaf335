/**
 * The fuzz campaign: builds cases from the seeds (`seeds.ts`) and mutations
 * (`mutate.ts`), runs each in a child process (`child.ts`) under a time and a
 * memory limit, and reports per target what ended normally, what was refused
 * with an InputError, what was cancelled, and every finding:
 *
 * - crash: any error other than InputError / CancelledError, or the process dying;
 * - hang: the case ran past `timeoutMs`;
 * - blow-up: the process's resident memory grew past `rssLimitMb` over its idle
 *   size (polled every 20 ms), or V8 ran out of heap;
 * - not-cancellable: the shared cancel flag was set and the case went on for
 *   more than `cancelGraceMs`.
 *
 * A finding is minimised (mutations dropped one at a time while it still fails
 * the same way, then the input cut shorter) and written, with a JSON note
 * saying how to replay it, under `outDir/<target>/`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { CaseReply, CaseRequest, Outcome } from './child.ts';
import { applyAll, generateMutations, sizeCap, type Mutation } from './mutate.ts';
import { caseSeed, Rng } from './rng.ts';
import { bzip2, bzip2Async, casesOf, gatherSeeds, TARGETS, type Seed, type SeedSet, type TargetName } from './seeds.ts';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'child.ts');
const CANCELLABLE: ReadonlySet<TargetName> = new Set(['chap-list', 'core', 'core-gzip', 'core-bzip2', 'glibc', 'python', 'tracemalloc', 'meliae', 'mprof']);

export type FindingKind = 'crash' | 'hang' | 'blow-up' | 'not-cancellable';

export interface CampaignOptions {
  targets?: readonly TargetName[];
  /** Cases per target. */
  cases?: number;
  /** Campaign seed: the same seed gives the same cases. */
  seed?: number;
  /** Child processes run at once. */
  jobs?: number;
  timeoutMs?: number;
  /** Resident memory a case may add to its child's idle size. */
  rssLimitMb?: number;
  /** V8 heap limit of a child. */
  heapLimitMb?: number;
  /** Share of cases that get the cancel flag set during the run. */
  cancelShare?: number;
  cancelGraceMs?: number;
  /** Where reproducers go. */
  outDir?: string;
  minimize?: boolean;
  /** No new cases are started after this long (the report says how many ran). */
  timeBudgetMs?: number;
  log?: (line: string) => void;
  seeds?: SeedSet;
}

export interface Finding {
  target: TargetName;
  kind: FindingKind;
  message: string;
  seed: string;
  mutations: Mutation[];
  bytes: number;
  /** Path of the reproducer (the input bytes). */
  file?: string;
}

export interface TargetReport {
  target: TargetName;
  seeds: number;
  cases: number;
  ok: number;
  refused: number;
  cancelled: number;
  findings: Finding[];
  slowestMs: number;
  slowest: string;
  peakRssMb: number;
  /** CPU time of all its cases (a figure that does not depend on how loaded the machine is). */
  cpuMs: number;
  /** Seeds that are refused or fail before any mutation (each says why). */
  badSeeds: string[];
}

export interface CampaignReport {
  targets: TargetReport[];
  findings: Finding[];
  notes: string[];
  /** Cases the mutator failed to build (bugs of the campaign itself; the campaign.test fails on any). */
  harness: string[];
  ms: number;
}

interface Case {
  target: TargetName;
  seed: Seed;
  mutations: Mutation[];
  /** Mutate the decoded bytes (then compress) or the compressed stream itself. */
  mode: 'inner' | 'outer';
  cancelAfterMs?: number;
  label: string;
}

interface Result {
  outcome: Outcome | FindingKind;
  message: string;
  ms: number;
  /** CPU time the child spent on the case (user + system), when it answered. */
  cpuMs: number;
  rssMb: number;
}

async function wrap(seed: Seed, inner: Uint8Array): Promise<Uint8Array> {
  if (seed.wrap === 'gzip') return new Uint8Array(gzipSync(inner, { level: 1 }));
  if (seed.wrap === 'bzip2') return bzip2Async(inner);
  return inner;
}

const wrappedSeeds = new WeakMap<Seed, Uint8Array>();
function wrappedSeed(seed: Seed): Uint8Array {
  let w = wrappedSeeds.get(seed);
  if (!w) {
    w = seed.wrap === 'gzip' ? new Uint8Array(gzipSync(seed.bytes)) : seed.wrap === 'bzip2' ? (bzip2(seed.bytes) ?? seed.bytes) : seed.bytes;
    wrappedSeeds.set(seed, w);
  }
  return w;
}

/** The input bytes of a case. */
export async function caseBytes(c: Pick<Case, 'seed' | 'mutations' | 'mode'>): Promise<Uint8Array> {
  const { seed } = c;
  if (!seed.wrap) return applyAll(seed.bytes, c.mutations, sizeCap(seed.bytes.length));
  if (c.mode === 'inner') return c.mutations.length ? wrap(seed, applyAll(seed.bytes, c.mutations, sizeCap(seed.bytes.length))) : wrappedSeed(seed);
  const outer = wrappedSeed(seed);
  return applyAll(outer, c.mutations, sizeCap(outer.length));
}

/** A seed picked by its weight (bombs less often: each of their cases costs seconds). */
function pickSeed(r: Rng, seeds: readonly Seed[]): Seed {
  const total = seeds.reduce((n, s) => n + (s.weight ?? 1), 0);
  let x = (r.u32() / 4294967296) * total;
  for (const s of seeds) if ((x -= s.weight ?? 1) < 0) return s;
  return seeds[seeds.length - 1];
}

function makeCase(target: TargetName, seeds: Seed[], campaignSeed: number, i: number, cancelShare: number): Case {
  const r = new Rng(caseSeed(campaignSeed, target, i));
  const seed = pickSeed(r, seeds);
  const mode = seed.wrap && r.chance(0.4) ? 'outer' : 'inner';
  const mutations = generateMutations(mode === 'outer' ? 'binary' : seed.kind, r, seed.heap);
  const cancelAfterMs = CANCELLABLE.has(target) && r.chance(cancelShare) ? r.int(30) : undefined;
  return { target, seed, mutations, mode, cancelAfterMs, label: `${target}#${i} (${seed.name}, ${mode})` };
}

function rssMb(pid: number): number {
  try {
    const statm = readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ');
    return (Number(statm[1]) * 4096) / 2 ** 20;
  } catch {
    return 0;
  }
}

/** One child process and what it is running. */
class Slot {
  child!: ChildProcess;
  idleMb = 0;
  private ready!: Promise<void>;
  private stderr = '';
  private nextId = 1;
  private readonly file: string;

  constructor(
    dir: string,
    k: number,
    private readonly heapLimitMb: number,
  ) {
    this.file = join(dir, `case-${k}.bin`);
    this.spawn();
  }

  private spawn(): void {
    this.stderr = '';
    this.child = fork(CHILD, [], { execArgv: ['--import', 'tsx', `--max-old-space-size=${this.heapLimitMb}`], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    this.child.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    this.ready = new Promise((resolve, reject) => {
      const onMsg = (m: { ready?: boolean }): void => {
        if (m.ready) {
          this.child.off('message', onMsg);
          this.idleMb = rssMb(this.child.pid!);
          resolve();
        }
      };
      this.child.on('message', onMsg);
      this.child.once('exit', (code) => reject(new Error(`fuzz child exited during start-up (${code}): ${this.stderr}`)));
    });
    this.ready.catch(() => undefined);
  }

  private restart(): void {
    this.child.removeAllListeners();
    this.child.kill('SIGKILL');
    this.spawn();
  }

  async run(target: TargetName, name: string, bytes: Uint8Array, opts: { timeoutMs: number; rssLimitMb: number; cancelAfterMs?: number; cancelGraceMs: number }): Promise<Result> {
    await this.ready;
    writeFileSync(this.file, bytes);
    const id = this.nextId++;
    const req: CaseRequest = { id, target, file: this.file, name, cancelAfterMs: opts.cancelAfterMs };
    const child = this.child;
    const t0 = performance.now();
    let peak = 0;
    return new Promise<Result>((resolve) => {
      let done = false;
      const finish = (r: Result, restart: boolean): void => {
        if (done) return;
        done = true;
        clearInterval(poll);
        clearTimeout(timer);
        child.off('message', onMsg);
        child.off('exit', onExit);
        if (restart) this.restart();
        resolve({ ...r, rssMb: Math.max(r.rssMb, peak) });
      };
      const limitMs = opts.cancelAfterMs !== undefined ? Math.min(opts.timeoutMs, opts.cancelAfterMs + opts.cancelGraceMs) : opts.timeoutMs;
      const timer = setTimeout(() => {
        const ms = performance.now() - t0;
        const kind: FindingKind = opts.cancelAfterMs !== undefined && ms < opts.timeoutMs ? 'not-cancellable' : 'hang';
        finish({ outcome: kind, message: kind === 'hang' ? `still running after ${Math.round(ms)} ms` : `still running ${Math.round(ms - opts.cancelAfterMs!)} ms after the cancel flag was set`, ms, cpuMs: 0, rssMb: 0 }, true);
      }, limitMs);
      const poll = setInterval(() => {
        const grown = rssMb(child.pid!) - this.idleMb;
        peak = Math.max(peak, grown);
        if (grown > opts.rssLimitMb) finish({ outcome: 'blow-up', message: `resident memory grew by ${Math.round(grown)} MiB (limit ${opts.rssLimitMb} MiB)`, ms: performance.now() - t0, cpuMs: 0, rssMb: grown }, true);
      }, 20);
      const onMsg = (m: CaseReply): void => {
        if (m.id !== id) return;
        finish({ outcome: m.outcome, message: m.outcome === 'crash' ? `${m.message}\n${m.stack ?? ''}` : (m.message ?? ''), ms: m.ms, cpuMs: m.cpuMs, rssMb: 0 }, m.outcome === 'crash' && m.message?.startsWith('uncaught') === true);
      };
      const onExit = (code: number | null, signal: string | null): void => {
        const oom = /heap out of memory|Allocation failed|Invalid array length/.test(this.stderr);
        finish({ outcome: oom ? 'blow-up' : 'crash', message: `the process died (${signal ?? code}) ${this.stderr.slice(-600)}`, ms: performance.now() - t0, cpuMs: 0, rssMb: 0 }, true);
      };
      child.on('message', onMsg);
      child.once('exit', onExit);
      child.send(req);
    });
  }

  close(): void {
    this.child.removeAllListeners();
    this.child.kill('SIGKILL');
  }
}

/** A pool of child processes taking cases as they free up. */
class Pool {
  private readonly slots: Slot[];
  private readonly free: Slot[];
  private readonly queue: ((s: Slot) => void)[] = [];
  readonly dir: string;

  constructor(jobs: number, heapLimitMb: number) {
    this.dir = join(tmpdir(), `heapscope-fuzz-${process.pid}-${Date.now()}`);
    mkdirSync(this.dir, { recursive: true });
    this.slots = Array.from({ length: jobs }, (_, k) => new Slot(this.dir, k, heapLimitMb));
    this.free = [...this.slots];
  }

  async with<T>(fn: (s: Slot) => Promise<T>): Promise<T> {
    const slot = this.free.pop() ?? (await new Promise<Slot>((r) => this.queue.push(r)));
    try {
      return await fn(slot);
    } finally {
      const next = this.queue.shift();
      if (next) next(slot);
      else this.free.push(slot);
    }
  }

  close(): void {
    for (const s of this.slots) s.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const isFinding = (o: Result['outcome']): o is FindingKind => o === 'crash' || o === 'hang' || o === 'blow-up' || o === 'not-cancellable';

/** Runs the campaign; never throws for findings (they are in the report). */
export async function runCampaign(opts: CampaignOptions = {}): Promise<CampaignReport> {
  const t0 = Date.now();
  const log = opts.log ?? (() => {});
  const o = {
    cases: opts.cases ?? 200,
    seed: opts.seed ?? 1,
    jobs: opts.jobs ?? 2,
    timeoutMs: opts.timeoutMs ?? 30_000,
    rssLimitMb: opts.rssLimitMb ?? 768,
    heapLimitMb: opts.heapLimitMb ?? 1536,
    cancelShare: opts.cancelShare ?? 0.1,
    cancelGraceMs: opts.cancelGraceMs ?? 5000,
    outDir: opts.outDir ?? join(process.cwd(), 'reports', 'fuzz'),
    minimize: opts.minimize ?? true,
    timeBudgetMs: opts.timeBudgetMs ?? Infinity,
  };
  const seedSet = opts.seeds ?? (await gatherSeeds());
  const notes = [...seedSet.notes];
  const harness: string[] = [];
  const targets = (opts.targets ?? TARGETS).filter((t) => {
    if ((seedSet.seeds[t] ?? []).length > 0) return true;
    notes.push(`${t}: no seeds, not run`);
    return false;
  });
  const reports = new Map<TargetName, TargetReport>(
    targets.map((t) => [t, { target: t, seeds: seedSet.seeds[t]!.length, cases: 0, ok: 0, refused: 0, cancelled: 0, findings: [], slowestMs: 0, slowest: '', peakRssMb: 0, cpuMs: 0, badSeeds: [] }]),
  );
  const pool = new Pool(o.jobs, o.heapLimitMb);
  const run = (c: Case, bytes: Uint8Array): Promise<Result> =>
    pool.with((s) => s.run(c.target, c.seed.name, bytes, { timeoutMs: o.timeoutMs, rssLimitMb: o.rssLimitMb, cancelAfterMs: c.cancelAfterMs, cancelGraceMs: o.cancelGraceMs }));

  const minimize = async (c: Case, kind: FindingKind): Promise<Case> => {
    if (!o.minimize) return c;
    let best = c;
    let attempts = kind === 'crash' ? 40 : 6;
    const same = async (m: Case): Promise<boolean> => {
      attempts--;
      return (await run(m, await caseBytes(m))).outcome === kind;
    };
    for (let i = best.mutations.length - 1; i >= 0 && attempts > 0 && best.mutations.length > 1; i--) {
      const fewer = { ...best, mutations: best.mutations.filter((_, k) => k !== i) };
      if (await same(fewer)) best = fewer;
    }
    if (kind === 'crash') {
      // Cut the input shorter while it still crashes.
      for (let frac = 0.5; attempts > 0 && frac > 0.001; frac /= 2) {
        const cut = { ...best, mutations: [...best.mutations, { op: 'truncate' as const, at: 1 - frac }] };
        if (await same(cut)) best = cut;
      }
    }
    return best;
  };

  const record = async (c: Case, r: Result): Promise<void> => {
    const rep = reports.get(c.target)!;
    rep.cases++;
    rep.cpuMs += r.cpuMs;
    if (r.ms > rep.slowestMs && !isFinding(r.outcome)) {
      rep.slowestMs = r.ms;
      rep.slowest = c.label;
    }
    rep.peakRssMb = Math.max(rep.peakRssMb, r.rssMb);
    if (r.outcome === 'ok') rep.ok++;
    else if (r.outcome === 'refused') rep.refused++;
    else if (r.outcome === 'cancelled') rep.cancelled++;
    else {
      const kind = r.outcome;
      log(`FINDING ${kind} in ${c.label}: ${r.message.split('\n')[0]}`);
      const small = await minimize(c, kind);
      const bytes = await caseBytes(small);
      const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
      const file = join(o.outDir, c.target, `${kind}-${hash}.bin`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, bytes);
      const f: Finding = { target: c.target, kind, message: r.message, seed: `${c.seed.name} (${c.seed.origin})`, mutations: small.mutations, bytes: bytes.length, file };
      writeFileSync(`${file.slice(0, -4)}.json`, `${JSON.stringify({ ...f, mode: small.mode, cancelAfterMs: small.cancelAfterMs, replay: `npm run fuzz -- --replay ${file} --target ${c.target}` }, null, 2)}\n`);
      rep.findings.push(f);
    }
  };

  try {
    // Every seed must read as it is: a seed that is refused would make its cases test nothing.
    await Promise.all(
      targets.flatMap((t) =>
        seedSet.seeds[t]!.map(async (seed) => {
          const r = await run({ target: t, seed, mutations: [], mode: 'inner', label: `${t} seed ${seed.name}` }, await caseBytes({ seed, mutations: [], mode: 'inner' }));
          const as = seed.refused ? r.outcome === 'refused' && seed.refused.test(r.message) : r.outcome === 'ok';
          if (!as) reports.get(t)!.badSeeds.push(`${seed.name}: ${r.outcome} ${r.message.split('\n')[0]}${seed.refused ? ` (should be refused: ${seed.refused})` : ''}`);
        }),
      ),
    );
    // Round robin over the targets, so a time budget cuts every target alike.
    const all: Case[] = [];
    for (let i = 0; i < o.cases; i++) for (const t of targets) if (i < casesOf(t, o.cases)) all.push(makeCase(t, seedSet.seeds[t]!, o.seed, i, o.cancelShare));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < all.length && Date.now() - t0 < o.timeBudgetMs) {
        const c = all[next++];
        let bytes: Uint8Array;
        try {
          bytes = await caseBytes(c);
        } catch (e) {
          // A bug of the mutator, not of a reader: said, and the campaign goes on.
          harness.push(`${c.label}: building the case failed: ${(e as Error).stack?.split('\n').slice(0, 2).join(' ') ?? e}`);
          continue;
        }
        await record(c, await run(c, bytes));
      }
    };
    await Promise.all(Array.from({ length: o.jobs }, worker));
    if (next < all.length) notes.push(`time budget of ${o.timeBudgetMs} ms reached: ${next} of ${all.length} cases ran`);
  } finally {
    pool.close();
  }
  const list = [...reports.values()];
  return { targets: list, findings: list.flatMap((r) => r.findings), notes, harness, ms: Date.now() - t0 };
}

/** Runs one input file through a target in a child, with the campaign's limits. */
export async function replay(target: TargetName, file: string, opts: CampaignOptions = {}): Promise<Result> {
  const pool = new Pool(1, opts.heapLimitMb ?? 1536);
  try {
    const bytes = new Uint8Array(readFileSync(file));
    return await pool.with((s) => s.run(target, file.split('/').pop()!, bytes, { timeoutMs: opts.timeoutMs ?? 30_000, rssLimitMb: opts.rssLimitMb ?? 768, cancelGraceMs: opts.cancelGraceMs ?? 5000 }));
  } finally {
    pool.close();
  }
}

/** The report as a table, one line per target, then the findings. */
export function formatReport(r: CampaignReport): string {
  const lines = [`fuzz campaign: ${r.targets.reduce((n, t) => n + t.cases, 0)} cases in ${(r.ms / 1000).toFixed(1)} s`];
  lines.push('target        seeds  cases     ok  refused  cancelled  crash  hang  blow-up  not-cancel  slowest ms  CPU s  peak +RSS MiB');
  for (const t of r.targets) {
    const k = (kind: FindingKind): number => t.findings.filter((f) => f.kind === kind).length;
    lines.push(
      `${t.target.padEnd(12)} ${String(t.seeds).padStart(6)} ${String(t.cases).padStart(6)} ${String(t.ok).padStart(6)} ${String(t.refused).padStart(8)} ${String(t.cancelled).padStart(10)} ${String(k('crash')).padStart(6)} ${String(k('hang')).padStart(5)} ${String(k('blow-up')).padStart(8)} ${String(k('not-cancellable')).padStart(11)} ${t.slowestMs.toFixed(0).padStart(11)} ${(t.cpuMs / 1000).toFixed(1).padStart(6)} ${t.peakRssMb.toFixed(0).padStart(14)}`,
    );
  }
  for (const t of r.targets) for (const b of t.badSeeds) lines.push(`seed not read as it is (${t.target}): ${b}`);
  for (const n of r.notes) lines.push(`note: ${n}`);
  for (const h of r.harness) lines.push(`HARNESS ERROR: ${h}`);
  for (const f of r.findings) lines.push(`${f.kind} in ${f.target} (${f.seed}; ${f.mutations.length} mutation(s), ${f.bytes} bytes): ${f.message.split('\n')[0]}\n  reproducer: ${f.file}`);
  return lines.join('\n');
}
