#!/usr/bin/env node
// `npx steady …` from a checkout. Needs Node.js 24+ (it runs the TypeScript sources directly).
import '../src/main.ts';
