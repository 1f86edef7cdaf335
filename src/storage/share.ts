/**
 * Sharing through the Heapscope server (`server/`): upload a saved analysis,
 * fetch one by id. Same-origin requests (the app is served by that server).
 * Before calling `uploadAnalysis`, show the user `describeForUpload(a)`
 * (`workers/logic/saved/describe.ts`), optionally on `redactPaths(a)`.
 */
import type { SavedAnalysis } from '../model/saved.ts';
import { loadAnalysis } from '../../workers/logic/saved/deserialize.ts';
import { isAnalysisId } from '../../workers/logic/saved/id.ts';

/** Where the API lives; tests and other deployments may pass their own origin. */
export const API_PATH = '/api/analyses';

/** A refusal or failure of the share server, with its HTTP status (0 = no answer). */
export class ShareError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ShareError';
  }
}

async function problem(res: Response): Promise<string> {
  try {
    const j = (await res.json()) as { error?: string };
    return j.error ?? res.statusText;
  } catch {
    return res.statusText;
  }
}

/** Uploads saved-analysis bytes; resolves to the id (content hash) the server stored them under. */
export async function uploadAnalysis(bytes: Uint8Array, base = ''): Promise<string> {
  let res: Response;
  try {
    res = await fetch(base + API_PATH, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: bytes.slice() as Uint8Array<ArrayBuffer> });
  } catch (e) {
    throw new ShareError(0, `upload failed: ${(e as Error).message}`);
  }
  if (res.status === 413) throw new ShareError(413, `upload refused: the analysis (${bytes.length} bytes) is larger than the server accepts`);
  if (!res.ok) throw new ShareError(res.status, `upload refused (${res.status}): ${await problem(res)}`);
  const { id } = (await res.json()) as { id: string };
  if (typeof id !== 'string' || !isAnalysisId(id)) throw new ShareError(res.status, 'upload: the server answered without a valid id');
  return id;
}

/** The saved bytes of a shared analysis. */
export async function fetchSharedBytes(id: string, base = ''): Promise<Uint8Array> {
  if (!isAnalysisId(id)) throw new ShareError(400, `"${id}" is not an analysis id`);
  let res: Response;
  try {
    res = await fetch(`${base}${API_PATH}/${id}`);
  } catch (e) {
    throw new ShareError(0, `fetching ${id} failed: ${(e as Error).message}`);
  }
  if (res.status === 404) throw new ShareError(404, `no shared analysis ${id} on this server`);
  if (!res.ok) throw new ShareError(res.status, `fetching ${id} failed (${res.status}): ${await problem(res)}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** Fetches and decodes a shared analysis (`#/a/<id>` URLs); a damaged file raises an `InputError`. */
export async function fetchShared(id: string, base = ''): Promise<SavedAnalysis> {
  return loadAnalysis(await fetchSharedBytes(id, base), { name: `shared analysis ${id}` });
}
