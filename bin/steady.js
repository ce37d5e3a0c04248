#!/usr/bin/env node
// `npx steady …` from a checkout. Needs Node.js 24+ (it runs the TypeScript sources directly),
// so the version is checked before any TypeScript is loaded.
import process from 'node:process';
import { oldNodeMessage } from '../scripts/require-node.js';

const message = oldNodeMessage(process.version);
if (message !== null) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
await import('../src/main.ts');
