/**
 * Types for `@openpgp/seek-bzip` (OpenPGP.js's fork of seek-bzip, with Uint8Array in place of Node's Buffer so it
 * runs in a Web Worker). Only its public `decodeBlock` is used: it decodes the one block that starts at a bit
 * position, checking that block's CRC.
 */
declare module '@openpgp/seek-bzip' {
  export interface BzInput {
    /** The next byte (the decoder reads the 4-byte stream header first, then seeks to the block). */
    readByte(): number;
    read(buf: Uint8Array, at: number, length: number): number;
    seek(byte: number): void;
  }
  export interface BzOutput {
    writeByte(b: number): void;
  }
  /** Decodes the block whose magic starts at bit `pos` of `input`, writing its bytes to `output`. */
  export function decodeBlock(input: BzInput, pos: number, output: BzOutput): void;
}
