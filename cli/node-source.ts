/** A `ByteSource` over a file on disk, for the CLI, tests and benchmarks (Node only). */
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ByteSource } from '../workers/logic/io/source.ts';

export class NodeFileSource implements ByteSource {
  private constructor(
    readonly name: string,
    readonly size: number,
    private readonly fh: FileHandle,
  ) {}

  static async open(path: string): Promise<NodeFileSource> {
    const fh = await open(path, 'r');
    const st = await fh.stat();
    return new NodeFileSource(basename(path), st.size, fh);
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const n = Math.max(0, Math.min(length, this.size - offset));
    // Not zero-filled (every byte is overwritten by the read below, or cut off): large windows cost no memset.
    const raw = Buffer.allocUnsafeSlow(n);
    const buf = new Uint8Array(raw.buffer, raw.byteOffset, n);
    let got = 0;
    while (got < n) {
      const { bytesRead } = await this.fh.read(buf, got, n - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got === n ? buf : buf.subarray(0, got);
  }

  async readInto(offset: number, dst: Uint8Array): Promise<number> {
    const n = Math.max(0, Math.min(dst.length, this.size - offset));
    let got = 0;
    while (got < n) {
      const { bytesRead } = await this.fh.read(dst, got, n - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got;
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
