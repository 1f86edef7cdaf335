// Entry of a validation worker thread (server/validator.ts): tsx's loader first, so the worker runs
// the same TypeScript loader as the rest of the server (its hooks do not reach worker threads).
import { register } from 'tsx/esm/api';

register();
await import('./validate-worker.ts');
