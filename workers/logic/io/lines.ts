/**
 * Lines of a text read in chunks, for the line-oriented readers (chap lists, meliae dumps): each whole line is
 * handed over as (bytes, start, end) without its newline, a view into the chunk where it lies whole, else into a
 * copy of its pieces (the caller may reuse a chunk's buffer once `push` returns). A line longer than `maxLineBytes`
 * calls `tooLong`, which throws the reader's own error.
 *
 * `whole`, when given, is offered each line that starts in a chunk before the newline is looked for: it may take the
 * line itself (returning the index just past its newline, which must lie in the chunk) or decline (-1), and then the
 * line goes to `onLine` as usual. A reader whose common lines are short parses them in one pass this way (no search
 * for the newline first, no call per line of the search).
 */
const NL = 0x0a;

export class LineSplitter {
  /** Pieces of a line that has not ended yet (copied), and their total length. */
  private carry: Uint8Array[] = [];
  private carryBytes = 0;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: (bytes: Uint8Array, start: number, end: number) => void,
    private readonly tooLong: () => never,
    private readonly whole: ((bytes: Uint8Array, start: number, n: number) => number) | null = null,
  ) {}

  push(chunk: Uint8Array): void {
    let start = 0;
    if (this.carryBytes > 0) {
      const nl = chunk.indexOf(NL);
      if (nl < 0) {
        this.keep(chunk);
        return;
      }
      this.keep(chunk.subarray(0, nl));
      const line = this.take();
      this.onLine(line, 0, line.length);
      start = nl + 1;
    }
    const n = chunk.length;
    const whole = this.whole;
    while (start < n) {
      if (whole !== null) {
        const next = whole(chunk, start, n);
        if (next >= 0) {
          start = next;
          continue;
        }
      }
      const nl = chunk.indexOf(NL, start);
      if (nl < 0) {
        this.keep(chunk.subarray(start));
        return;
      }
      if (nl - start > this.maxLineBytes) this.tooLong();
      this.onLine(chunk, start, nl);
      start = nl + 1;
    }
  }

  /** The last line when the text does not end with a newline (it is not handed to `onLine`), else null. */
  end(): Uint8Array | null {
    return this.carryBytes > 0 ? this.take() : null;
  }

  private keep(part: Uint8Array): void {
    if (part.length === 0) return;
    this.carryBytes += part.length;
    if (this.carryBytes > this.maxLineBytes) this.tooLong();
    this.carry.push(part.slice());
  }

  private take(): Uint8Array {
    const out = this.carry.length === 1 ? this.carry[0] : new Uint8Array(this.carryBytes);
    if (this.carry.length > 1) {
      let at = 0;
      for (const p of this.carry) {
        out.set(p, at);
        at += p.length;
      }
    }
    this.carry = [];
    this.carryBytes = 0;
    return out;
  }
}
