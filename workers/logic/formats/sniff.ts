/**
 * Detects what an input is from its content (magic bytes, first lines), never its name.
 */
import { compressionOf, decodedHead, type Compression } from '../io/stream.ts';
import type { ByteSource } from '../io/source.ts';
import type { Role } from '../../../src/model/inputs.ts';

export interface Sniffed {
  role: Role;
  compression: Compression;
  /** Why the role was chosen or, for `unknown`, what the file looked like. */
  detail: string;
}

const CHAP_LINE =
  /^(?:(?:Used|Free|Leaked|Unreferenced|Anchored|Thread cached free) allocation at [0-9a-f]+ of size [0-9a-f]+|\d+ allocations use 0x[0-9a-f]+ \([\d,]+\) bytes\.)\r?$/m;

/** `mprof run` files: CMDLINE first, or MEM / FUNC / CHLD lines (memory_profiler's mprof.py). */
const MPROF_HEAD = /^(?:CMDLINE .*\r?\n)?(?:MEM -?[\d.]+(?:e[-+]?\d+)? [\d.]+|FUNC \S+ -?[\d.]+ [\d.]+ -?[\d.]+ [\d.]+|CHLD \S+ -?[\d.]+ [\d.]+)\r?$/m;

/** Classifies decoded leading bytes. Exported for tests. */
export function sniffBytes(head: Uint8Array): Omit<Sniffed, 'compression'> {
  if (head.length === 0) return { role: 'unknown', detail: 'the file is empty' };
  if (head.length >= 18 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46) {
    const little = head[5] !== 2;
    const eType = little ? head[16] | (head[17] << 8) : (head[16] << 8) | head[17];
    if (eType === 4) return { role: 'core', detail: 'ELF file of type ET_CORE' };
    return { role: 'elf', detail: `ELF file of type ${eType}` };
  }
  if (head[0] === 0x80 && head[1] >= 2 && head[1] <= 5) {
    const text = latin1(head.subarray(0, Math.min(head.length, 4096)));
    if (text.includes('tracemalloc')) return { role: 'tracemalloc', detail: `pickle protocol ${head[1]} naming tracemalloc` };
    return { role: 'unknown', detail: `a pickle (protocol ${head[1]}) that holds no tracemalloc snapshot` };
  }
  const text = latin1(head.subarray(0, Math.min(head.length, 65536)));
  const trimmed = text.trimStart();
  if ((trimmed.startsWith('{') || trimmed.startsWith('[')) && /"address"\s*:/.test(text) && /"type"\s*:/.test(text)) {
    return { role: 'meliae', detail: 'JSON lines with address and type' };
  }
  if (CHAP_LINE.test(text)) return { role: 'chap-list', detail: 'chap allocation lines' };
  if (MPROF_HEAD.test(text)) return { role: 'mprof', detail: 'memory_profiler run lines (MEM / FUNC / CHLD)' };
  return { role: 'unknown', detail: describeHead(head) };
}

export async function sniff(src: ByteSource): Promise<Sniffed> {
  if (src.size === 0) return { role: 'unknown', compression: 'none', detail: 'the file is empty' };
  const compression = compressionOf(await src.read(0, 4));
  if (compression === 'bzip2') {
    // Only cores are read from bzip2; a bzip2 stream is taken to be one.
    return { role: 'core', compression, detail: 'bzip2 stream (read as a core dump)' };
  }
  let head: Uint8Array;
  try {
    head = await decodedHead(src, 65536);
  } catch (e) {
    return { role: 'unknown', compression, detail: (e as Error).message };
  }
  return { ...sniffBytes(head), compression };
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  return s;
}

function describeHead(head: Uint8Array): string {
  const printable = head.subarray(0, 256).every((c) => c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127) || c >= 128);
  if (!printable) {
    const hex = Array.from(head.subarray(0, 8), (c) => c.toString(16).padStart(2, '0')).join(' ');
    return `binary data this tool does not read (first bytes ${hex})`;
  }
  const first = latin1(head.subarray(0, 200)).split(/\r?\n/)[0].slice(0, 60);
  return `text this tool does not read (first line "${first}")`;
}
