#!/usr/bin/env node
// Entry point of the `heapscope` command: runs the TypeScript CLI through tsx,
// so the CLI shares its readers with the browser workers without a build step.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
