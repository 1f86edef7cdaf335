/** Types for the pure block decoder inside `unbzip2-stream` (no Node APIs in these two files). */
declare module 'unbzip2-stream/lib/bzip2.js' {
  type Bits = ((n: number | null) => number | undefined) & { bytesRead: number };
  const bzip2: {
    /** Reads the stream header `BZh1`..`BZh9`; returns the block size digit (1..9). */
    header(bits: Bits): number;
    /** Decodes one block, writing bytes through `write`; returns the running CRC, or null at end of stream. */
    decompress(bits: Bits, write: (b: number) => void, buf: Int32Array, bufsize: number, streamCRC: number | null): number | null;
  };
  export default bzip2;
}
declare module 'unbzip2-stream/lib/bit_iterator.js' {
  const bitIterator: (next: () => Uint8Array | undefined) => ((n: number | null) => number | undefined) & { bytesRead: number };
  export default bitIterator;
}
