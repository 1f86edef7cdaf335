/**
 * The CLI's files, read and assembled into snapshots exactly as the browser
 * assembles them (`workers/logic/snapshot/assemble.ts`). Cores can be kept open
 * (a `CoreSession`) for the commands that read their memory later. Node only.
 */
import type { Assembly, AssemblyChoices, Snapshot } from '../src/model/snapshot.ts';
import { existsSync } from 'node:fs';
import { openInput } from '../workers/logic/formats/open-input.ts';
import { sniff } from '../workers/logic/formats/sniff.ts';
import { openBinary } from '../workers/logic/formats/elf/binary.ts';
import { openerOf } from '../workers/logic/heaps/python/mapped-files.ts';
import type { InputWarning } from '../workers/logic/io/errors.ts';
import { CoreSession } from '../workers/logic/session/core-session.ts';
import { cliProgress } from './progress.ts';
import { assemble, type AssemblyInput } from '../workers/logic/snapshot/assemble.ts';
import { assemblyInput } from '../workers/logic/snapshot/inputs.ts';
import { applyLeakSets } from '../workers/logic/leaks/snapshot-sets.ts';
import { NodeFileSource } from './node-source.ts';

export interface LoadedFile {
  id: number;
  path: string;
  name: string;
  size: number;
  format: string;
  input: AssemblyInput;
  info: Record<string, unknown>;
  warnings: InputWarning[];
  /** Cores, when opened with `sessions`: the open core (closed by `closeFiles`). */
  session?: CoreSession;
  /** Kept open for sessions: cores and binaries. */
  src?: NodeFileSource;
}

/**
 * Opens a file the process had mapped, at its path on this machine, as gdb does (the
 * reader uses it only when its build-id is the core's): CPython's static type names.
 */
export async function openMappedHere(path: string): Promise<NodeFileSource | null> {
  return existsSync(path) ? NodeFileSource.open(path) : null;
}

export interface LoadOptions {
  /** Keep cores open as sessions (attribution, classes, memory reads). */
  sessions?: boolean;
  /**
   * Also read the files a core's process mapped at their paths on this machine, as gdb does
   * (default true; build-id checked). False: only the files given name what the core lacks,
   * exactly as in the browser.
   */
  localFiles?: boolean;
  /**
   * The command names classes from vtables (default true): the heap walk then keeps the words that point into
   * mapped files (no second read of the heap for class names). False for commands that print no class (`summary`).
   */
  classes?: boolean;
  /**
   * The command computes the leak sets (`addLeakSets`): the heap walk then keeps the words that may point into the
   * heap (no second read of the heap for the reference graph). Default false (memory the other commands do not need).
   */
  leaks?: boolean;
}

/** The ELF binaries among `paths` with their build-ids, kept open until `close`. */
async function givenBinaries(paths: string[]): Promise<{ list: { src: NodeFileSource; buildId: string | null }[]; close(): Promise<void> }> {
  const list: { src: NodeFileSource; buildId: string | null }[] = [];
  for (const path of paths) {
    const src = await NodeFileSource.open(path);
    const role = await sniff(src).then((r) => r.role, () => null);
    const buildId = role === 'elf' ? await openBinary(src).then((b) => b.buildId, () => null) : null;
    if (buildId) list.push({ src, buildId });
    else await src.close();
  }
  return { list, close: async () => void (await Promise.all(list.map((b) => b.src.close()))) };
}

/** Reads every file (in order; ids are 1-based positions). Throws `InputError` naming the first file that cannot be read. */
export async function loadFiles(paths: string[], opts: LoadOptions = {}): Promise<LoadedFile[]> {
  const out: LoadedFile[] = [];
  const given = await givenBinaries(paths);
  const openMapped = openerOf(given.list, opts.localFiles === false ? undefined : openMappedHere);
  try {
    for (const [i, path] of paths.entries()) {
      const src = await NodeFileSource.open(path);
      let keep = false;
      try {
        const role = (await sniff(src)).role;
        if (role === 'core' && opts.sessions) {
          const session = await CoreSession.open(src, cliProgress, { openMappedFile: openMapped, moduleWords: opts.classes !== false, heapWords: opts.leaks === true ? 'compressed' : undefined });
          const facts = { format: 'core', table: session.table, info: session.info as unknown as Record<string, unknown> };
          out.push({ id: i + 1, path, name: src.name, size: src.size, format: 'core', input: assemblyInput(i + 1, src.name, facts), info: facts.info, warnings: session.warnings, session, src });
          keep = true;
        } else {
          const r = await openInput(src, cliProgress, { openMappedFile: openMapped });
          const f: LoadedFile = { id: i + 1, path, name: src.name, size: src.size, format: r.format, input: assemblyInput(i + 1, src.name, r), info: r.info, warnings: r.warnings };
          if (r.format === 'elf' && opts.sessions) {
            f.src = src;
            keep = true;
          }
          out.push(f);
        }
      } finally {
        if (!keep) await src.close();
      }
    }
  } catch (e) {
    await closeFiles(out);
    throw e;
  } finally {
    await given.close();
  }
  return out;
}

/** The snapshots of the files, as the browser assembles them. */
export function assembleFiles(files: LoadedFile[], choices: AssemblyChoices = {}): Assembly {
  return assemble(
    files.map((f) => f.input),
    choices,
  );
}

/** The files of a snapshot, by role. */
export function filesOf(s: Snapshot, files: LoadedFile[]): { core?: LoadedFile; binaries: LoadedFile[]; all: LoadedFile[] } {
  const all = s.parts.map((p) => files.find((f) => f.id === p.input)!);
  return { core: all.find((f) => f.id === s.core), binaries: all.filter((f) => f.format === 'elf'), all };
}

export async function closeFiles(files: LoadedFile[]): Promise<void> {
  for (const f of files) {
    await f.session?.close();
    await f.src?.close();
  }
}

/**
 * Computes chap's leak sets for every snapshot with a core opened as a session
 * (`loadFiles(paths, { sessions: true })`) and marks them in its table; returns
 * the warnings (what could not be read, tables that do not line up).
 */
export async function addLeakSets(a: Assembly, files: LoadedFile[]): Promise<string[]> {
  const out: string[] = [];
  for (const s of a.snapshots) {
    const f = s.core !== null ? files.find((x) => x.id === s.core) : undefined;
    if (!f?.session) continue;
    const l = await f.session.leaks(cliProgress);
    for (const w of l.warnings) out.push(`${w.file}: ${w.message}`);
    const problem = applyLeakSets(s, f.session.table, l.flags);
    if (problem) out.push(problem);
  }
  return out;
}
