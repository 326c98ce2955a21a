#!/usr/bin/env node
// Thin launcher: the CLI lives in the compiled TypeScript (built by `npm install` through `prepare`).
import module from 'node:module';

// Node 22.1 and later can keep the compiled code of our modules between runs, which shortens
// every start; Node 20 has no such cache and simply goes on. It must be on before the imports.
module.enableCompileCache?.();
// Short runs: V8 optimises fewer functions that would not have paid back (src/v8-tuning.ts).
(await import('../dist/relais/v8-tuning.js')).tuneV8();
// RELAIS_DEBUG=1 shows the stack of an unexpected error: read through the bundle's source maps, it
// names the TypeScript files and lines (taken as written, as main.ts does before the settings).
if (process.env.RELAIS_DEBUG === '1') process.setSourceMapsEnabled(true);
const { main, wasInterrupted } = await import('../dist/relais/main.js');

const code = await main(process.argv);
// An interrupted command has recorded what it knows: a connection that a stalled server still
// holds open must not keep the process alive until its timeout.
if (wasInterrupted()) process.exit(code);
process.exitCode = code;
