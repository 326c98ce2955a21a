#!/usr/bin/env node
// Thin launcher: the CLI lives in the compiled TypeScript (built by `npm install` through `prepare`).
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv);
