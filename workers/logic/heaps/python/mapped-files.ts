/**
 * Bytes of the files mapped into the process that the core does not hold
 * (gcore leaves read-only file pages out: static types' tp_name strings lie in
 * libpython's .rodata). The caller opens files (the binaries the user gave, or
 * the same paths on this machine in the CLI, as gdb does); a file is used only
 * when its GNU build-id equals the one in the core's copy of its ELF headers.
 */
import type { CoreFile } from '../../formats/elf/core-file.ts';
import { openBinary } from '../../formats/elf/binary.ts';
import type { ByteSource } from '../../io/source.ts';

/**
 * Opens the file mapped at `path` in the process, or null. `buildId` is the one the
 * core's copy of its ELF headers holds (null when unknown): an opener may look a
 * file up by it (the binaries a user gave, whatever their names).
 */
export type OpenMappedFile = (path: string, buildId: string | null) => Promise<ByteSource | null>;

/**
 * An opener over given binaries: the one whose build-id is the core's (left open:
 * its owner closes it), else `fallback`'s answer (closed with the `MappedFiles`).
 */
export function openerOf(binaries: { src: ByteSource; buildId: string | null }[], fallback?: OpenMappedFile): OpenMappedFile {
  return async (path, buildId) => {
    const given = binaries.find((b) => buildId && b.buildId === buildId)?.src;
    if (given) return { name: given.name, size: given.size, read: (o: number, n: number) => given.read(o, n) };
    return fallback ? fallback(path, buildId) : null;
  };
}

export class MappedFiles {
  private readonly sources = new Map<string, Promise<ByteSource | null>>();
  constructor(
    readonly core: CoreFile,
    readonly open: OpenMappedFile,
  ) {}

  private source(path: string): Promise<ByteSource | null> {
    let p = this.sources.get(path);
    if (!p) {
      p = (async () => {
        const base = this.core.files.filter((f) => f.path === path && f.fileOffset === 0).map((f) => f.start)[0];
        const inCore = base !== undefined ? await this.core.buildIdAt(base) : null;
        const src = await this.open(path, inCore).catch(() => null);
        if (!src) return null;
        const onDisk = await openBinary(src).then((b) => b.buildId, () => null);
        return inCore && onDisk === inCore ? src : null;
      })();
      this.sources.set(path, p);
    }
    return p;
  }

  /** NUL-terminated printable string at process address `addr` from the file mapped there, or null. */
  async cString(addr: number, max = 256): Promise<string | null> {
    const f = this.core.files.find((m) => addr >= m.start && addr < m.end);
    if (!f) return null;
    const src = await this.source(f.path);
    if (!src) return null;
    const b = await src.read(f.fileOffset + (addr - f.start), max);
    const z = b.indexOf(0);
    if (z < 0) return null;
    let s = '';
    for (let i = 0; i < z; i++) {
      if (b[i] < 0x20 || b[i] > 0x7e) return null;
      s += String.fromCharCode(b[i]);
    }
    return s;
  }

  async close(): Promise<void> {
    for (const p of this.sources.values()) await (await p)?.close?.();
  }
}
