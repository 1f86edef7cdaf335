/**
 * Content-hash id of a saved analysis: SHA-256 (Web Crypto, in browsers and
 * Node alike) of its serialised bytes, as 64 lowercase hex digits. The same
 * bytes always get the same id, so an analysis is stored once.
 */

/** Characters an analysis id is made of, and its length. */
export const ANALYSIS_ID_PATTERN = /^[0-9a-f]{64}$/;

/** True when `id` has the shape of an analysis id (no `/`, `..` or other characters). */
export function isAnalysisId(id: string): boolean {
  return ANALYSIS_ID_PATTERN.test(id);
}

/** SHA-256 of `bytes` as lowercase hex. */
export async function analysisId(bytes: Uint8Array): Promise<string> {
  // digest() refuses views over SharedArrayBuffer: hash a plain copy in that case.
  const plain = bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', plain as Uint8Array<ArrayBuffer>));
  let s = '';
  for (const b of d) s += b.toString(16).padStart(2, '0');
  return s;
}
