#!/usr/bin/env node
// Thin launcher: the CLI lives in the compiled TypeScript (built by `npm install` through `prepare`).
import { main, wasInterrupted } from '../dist/src/cli/main.js';

const code = await main(process.argv);
// An interrupted command has recorded what it knows: a connection that a stalled server still
// holds open must not keep the process alive until its timeout.
if (wasInterrupted()) process.exit(code);
process.exitCode = code;
