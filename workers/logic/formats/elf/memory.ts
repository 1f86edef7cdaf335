/**
 * The contract between the ELF core reader (`core-file.ts`) and what reads process
 * memory from it (glibc heap walk, footer attribution, vtable names, inspector).
 *
 * Addresses are JS numbers. User-space addresses on the supported targets
 * (x86-64, i386, aarch64 without tags) are below 2^53, so they are exact; the
 * core reader reports and skips any segment that is not.
 */

/** A PT_LOAD segment of the core. */
export interface Segment {
  vaddr: number;
  memsz: number;
  /** Bytes of the segment present in the core file (0 for segments gdb did not dump). */
  filesz: number;
  fileOffset: number;
  /** PF_R = 4, PF_W = 2, PF_X = 1. */
  flags: number;
}

/** A file mapped into the process (NT_FILE note). */
export interface MappedFile {
  start: number;
  end: number;
  /** Offset in the file, in bytes (NT_FILE gives pages; converted). */
  fileOffset: number;
  path: string;
}

export interface ThreadInfo {
  tid: number;
  /** General registers by name (rip/rsp/…, pc/sp/…) as numbers where exact. */
  registers: Record<string, number>;
}

export interface ProcessMemory {
  /** 'x86-64' | 'i386' | 'aarch64' … */
  readonly arch: string;
  /** 8 or 4. */
  readonly pointerSize: number;
  readonly segments: readonly Segment[];
  readonly files: readonly MappedFile[];
  readonly threads: readonly ThreadInfo[];
  readonly auxv: ReadonlyMap<number, number>;
  /**
   * Reads `length` bytes at virtual address `addr`. Returns null when any part of
   * the range is unmapped or its bytes are missing from the (truncated) core.
   * Bytes of a segment beyond its filesz (not dumped) or beyond the end of a
   * truncated core are missing: reads touching them return null; see core-file.ts.
   */
  read(addr: number, length: number): Promise<Uint8Array | null>;
  /**
   * Optional: `read` into a caller's buffer (`dst.length` bytes at `addr`); returns `dst` filled, or null as
   * `read` does. For readers that scan memory window by window and reuse one window.
   */
  readInto?(addr: number, dst: Uint8Array): Promise<Uint8Array | null>;
  /** Optional: bytes a scan of memory should read at once (the input's `ByteSource.windowHint`); unset: about 1 MiB. */
  readonly readWindow?: number;
  /** Reads one pointer-sized little-endian word, or null. */
  readWord(addr: number): Promise<number | null>;
}
