/**
 * Integers with thousands separators, exactly as `n.toLocaleString('en-US')` writes them (`2,000,029`), without
 * Intl: number formatting through ICU pages in ~7 MiB of its data, which the CLI's small commands (`attribute`,
 * the heap walk's layout lines) would carry for a few figures. Non-integers go to `toLocaleString` itself.
 */
export function groupDigits(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const neg = n < 0;
  const s = String(neg ? -n : n);
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && (s.length - i) % 3 === 0) out += ',';
    out += s[i];
  }
  return neg ? `-${out}` : out;
}
