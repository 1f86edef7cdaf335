#!/usr/bin/env node
/**
 * Production entry point (`npm start`, Playwright's web server): runs the share
 * server (`server/main.ts`: the built app cross-origin isolated with a strict
 * CSP, plus the analyses API) through tsx's loader, so plain `node` can start it.
 */
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
