import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inject } from 'vitest';
import { BIN, ROOT } from './cli.js';

/**
 * Which packages a relais command loads, seen through a module hook rather than timed. relais runs
 * bundled (scripts/build.ts): a package's code is then in one of the bundle's files, and the
 * bundle's map (dist/relais/meta.json) says which packages each file holds; a package left out of
 * the bundle is loaded from node_modules under its own name.
 */
// One per worker process, in the run's shared folder (tests/helpers/global-setup.ts) and removed at
// its end: the test files of a worker share this module, loaded once, and a hook of one file would
// remove it under the others.
const dir = join(inject('sharedFixtures'), `loaded-hooks-${process.pid}`);
mkdirSync(dir, { recursive: true });
writeFileSync(
  join(dir, 'hooks.mjs'),
  // Written synchronously to a file: the hooks run on their own thread, and a write to stderr from
  // there can be lost when relais exits right after loading its last module.
  `import { appendFileSync } from 'node:fs';\nexport async function resolve(spec, ctx, next) { const r = await next(spec, ctx); appendFileSync(process.env.HOOK_LOG, r.url + '\\n'); return r; }\n`,
);
writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);

const PACKAGE = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//;

/** Bundle file name → the packages whose code it holds. */
function bundleMap(): Map<string, Set<string>> {
  const meta = JSON.parse(readFileSync(join(ROOT, 'dist', 'relais', 'meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> };
  const map = new Map<string, Set<string>>();
  for (const [output, { inputs }] of Object.entries(meta.outputs)) {
    const packages = new Set<string>();
    for (const [input, { bytesInOutput }] of Object.entries(inputs)) {
      const m = PACKAGE.exec(input);
      if (m && bytesInOutput > 0) packages.add(m[1]!);
    }
    map.set(basename(output), packages);
  }
  return map;
}

let runs = 0;

export function loadedPackages(args: string[], cwd = ROOT): { code: number | null; stdout: string; stderr: string; packages: Set<string> } {
  const log = join(dir, `loaded-${++runs}.log`);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', HOOK_LOG: log } });
  const map = bundleMap();
  const bundle = join(ROOT, 'dist', 'relais');
  const packages = new Set<string>();
  for (const url of readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
    if (!url.startsWith('file:')) continue;
    const path = new URL(url).pathname;
    const m = PACKAGE.exec(path);
    if (m) packages.add(m[1]!);
    else if (path.startsWith(`${bundle}/`)) {
      const held = map.get(basename(path));
      if (!held && existsSync(path)) throw new Error(`${basename(path)} n'est pas dans dist/relais/meta.json : le bundle et sa carte ne vont pas ensemble`);
      for (const p of held ?? []) packages.add(p);
    }
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, packages };
}
