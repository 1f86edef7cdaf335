/**
 * A share server in its own process, for tests that kill it (-9) or measure
 * its memory: options come as JSON in HEAPSCOPE_TEST_SERVER, the bound port
 * goes back over IPC. Started by `spawnShareServer` (share-server-process.ts).
 */
import { createShareServer, type ShareServerOptions } from '../server/app.ts';

const opts = JSON.parse(process.env.HEAPSCOPE_TEST_SERVER ?? '{}') as ShareServerOptions;
const app = await createShareServer(opts);
const port = await app.listen(0, '127.0.0.1');
process.send?.({ port });
process.on('message', (m: { close?: boolean }) => {
  if (m.close) void app.close().then(() => process.exit(0));
});
