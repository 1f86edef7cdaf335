/** Byte counts as chap prints them: `0x771d40 (7,806,272)`. */
export function fmtBytesChap(n: number): string {
  return `0x${n.toString(16)} (${n.toLocaleString('en-US')})`;
}
