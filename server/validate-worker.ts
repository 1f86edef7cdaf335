/**
 * A validation worker thread: decodes and checks one upload at a time with
 * `loadAnalysis` (every column, every number; see workers/logic/saved/), off
 * the server's event loop, and hands the bytes back.
 */
import { parentPort } from 'node:worker_threads';
import { InputError } from '../workers/logic/io/errors.ts';
import { loadAnalysis } from '../workers/logic/saved/deserialize.ts';

export interface ValidateRequest {
  id: number;
  bytes: Uint8Array;
  maxDecodedBytes: number;
}

export interface ValidateReply {
  id: number;
  bytes: Uint8Array;
  /** InputError message when the upload is not a valid analysis. */
  invalid?: string;
  /** Any other failure (a bug): the upload is refused too. */
  failed?: string;
}

parentPort!.on('message', async ({ id, bytes, maxDecodedBytes }: ValidateRequest) => {
  let reply: ValidateReply;
  try {
    await loadAnalysis(bytes, { name: 'upload', maxDecodedBytes });
    reply = { id, bytes };
  } catch (e) {
    reply = e instanceof InputError ? { id, bytes, invalid: e.message } : { id, bytes, failed: (e as Error)?.message ?? String(e) };
  }
  parentPort!.postMessage(reply, [bytes.buffer as ArrayBuffer]);
});
