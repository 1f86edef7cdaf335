/**
 * Pure helpers of the share dialog and the shared-URL loader: the share URL of
 * an uploaded analysis, and the user-facing message of a share failure.
 */
import { ShareError } from '../storage/share.ts';
import { encodeUrlState, type UrlState } from './url.ts';

/**
 * The URL that opens analysis `id` at view state `view`:
 * `${base}#/a/<id>?v=1&view=…` (`base` is the app's origin + path, e.g.
 * `http://host:4319/`). `src` (the demo marker) is dropped: a shared analysis
 * does not come from the demo files; `cmp` is kept.
 */
export function shareUrl(base: string, id: string, view: UrlState): string {
  return base.replace(/#.*$/, '') + encodeUrlState({ ...view, analysis: id, src: '' });
}

/** The app's base for share URLs: origin + path of the current page, no hash. */
export function appBase(loc: Pick<Location, 'origin' | 'pathname'>): string {
  return loc.origin + loc.pathname;
}

/** What went wrong while uploading, said to the user (status 0 = no answer, 413, 400, other). */
export function uploadErrorMessage(e: unknown, bytes: number): string {
  if (e instanceof ShareError) {
    if (e.status === 0) return `The share server cannot be reached — nothing was uploaded. Check your connection and that Heapscope is served by its share server (npm start). (${e.message})`;
    if (e.status === 413) return `The share server refused the upload: the analysis (${bytes.toLocaleString('en-US')} bytes) is larger than it accepts.`;
    if (e.status === 400) return `The share server refused the analysis as malformed: ${e.message}`;
    return `The upload failed: ${e.message}`;
  }
  return `The upload failed: ${e instanceof Error ? e.message : String(e)}`;
}

/** What went wrong while opening shared analysis `id`, said to the user (404 → not found). */
export function openErrorMessage(e: unknown, id: string): string {
  if (e instanceof ShareError) {
    if (e.status === 404) return `There is no shared analysis with this id (${id}) on this server. The link may be mistyped, or it comes from another Heapscope server.`;
    if (e.status === 0) return `The share server cannot be reached, so shared analysis ${id} cannot be opened. (${e.message})`;
    return `Shared analysis ${id} cannot be opened: ${e.message}`;
  }
  // An InputError (workers/logic/io/errors.ts), thrown here or arriving from the worker as a plain Error that keeps its name.
  if ((e as Error)?.name === 'InputError') return `Shared analysis ${id} is damaged and cannot be opened: ${(e as Error).message}`;
  return `Shared analysis ${id} cannot be opened: ${e instanceof Error ? e.message : String(e)}`;
}
