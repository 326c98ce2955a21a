/**
 * `npm run build`, after the TypeScript compiler (which writes dist/src, dist/scripts, dist/bench):
 *
 * 1. the compact commune index (dist/cog/communes.json) every command reads instead of the
 *    package's 8.6 MB file (see CompactCommunes in src/data/cog.ts);
 * 2. the command itself, bundled (dist/relais/, what bin/relais.js runs). Loaded as the compiler
 *    writes it, a `relais check` opens some 430 module files (zod's, yaml's, twitter-text's…) and
 *    spends a fifth of its time loading them; bundled by esbuild, a command loads a few files,
 *    split by command so that `relais --version` still loads next to nothing. Packages that read
 *    their own files at run time (pdfkit's font metrics, the commune data, the fonts), a native
 *    one (better-sqlite3), exceljs (read only for a spreadsheet) and twitter-api-v2 stay where npm
 *    put them. The bundle's map (dist/relais/meta.json, esbuild's metafile) says which package's
 *    code is in which file: the start-up tests read it to know what a command loaded.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { COMPACT_COMMUNES, communesSource, compactCommunes, publishedCommunes } from '../src/data/cog.js';
import { packageRoot } from '../src/paths.js';
import { NATIVE_BINARY } from '../src/data/native-scan.js';

const root = packageRoot();

function communeIndex(): void {
  const target = join(root, COMPACT_COMMUNES);
  const { source } = communesSource();
  mkdirSync(dirname(target), { recursive: true });
  // Written aside then renamed: a command started during the build reads a whole index or none.
  writeFileSync(`${target}.tmp`, JSON.stringify(compactCommunes(publishedCommunes(), source)));
  renameSync(`${target}.tmp`, target);
}

/**
 * Left to npm's node_modules: each reads files beside its own code, or is native, or is large and
 * rarely needed — or, for twitter-api-v2, is loaded with `await import()` for its named exports,
 * which Node finds in its CommonJS build and a bundle does not (it gives that build's `default` only).
 */
const UNBUNDLED = ['@etalab/decoupage-administratif', '@expo-google-fonts/source-sans-3', 'better-sqlite3', 'exceljs', 'fontkit', 'pdfkit', 'twitter-api-v2'];

/** The compiled code's identity: what the directory cache names as the code that read a file (campaign/directory-cache.ts). */
function compiledIdentity(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.js')) hash.update(entry.name).update(readFileSync(path));
    }
  };
  walk(dir);
  return hash.digest('hex').slice(0, 16);
}

/**
 * handlebars writes each compiled template through source-map's SourceNode when it can require
 * the package, and through a string of its own otherwise: relais never asks for a source map of a
 * template (no `srcName`), so the package (some 60 KB that every command checking a campaign
 * compiled and ran) is left out and handlebars takes its own way, which gives the same code.
 */
const withoutSourceMaps: Plugin = {
  name: 'handlebars-without-source-map',
  setup(build) {
    build.onResolve({ filter: /^source-map$/ }, (args) => (/[/\\]handlebars[/\\]/.test(args.importer) ? { path: 'source-map', namespace: 'left-out' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'left-out' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

async function bundle(): Promise<void> {
  const out = join(root, 'dist', 'relais');
  const next = `${out}.next`;
  rmSync(next, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    metafile: true,
    entryPoints: ['cli/main.js', 'letters/worker.js', 'v8-tuning.js'].map((f) => join(root, 'dist', 'src', f)),
    // Side by side: the letters' pool starts `./worker.js` beside its own code; bin/relais.js
    // loads v8-tuning.js, then main.js.
    entryNames: '[name]',
    outdir: next,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: UNBUNDLED.flatMap((p) => [p, `${p}/*`]),
    plugins: [withoutSourceMaps],
    define: { RELAIS_BUILD: JSON.stringify(compiledIdentity(join(root, 'dist', 'src'))) },
    // The bundled CommonJS packages call require(); an ES module has none of its own.
    banner: { js: "import { createRequire as relaisRequire } from 'node:module'; const require = relaisRequire(import.meta.url);" },
    // Read only with RELAIS_DEBUG=1 (bin/relais.js): the stack of an unexpected error then names
    // src/…ts, through the compiler's own maps.
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  writeFileSync(join(next, 'meta.json'), JSON.stringify(result.metafile));
  // Put in place in two renames rather than rewritten file by file: a build that fails half-way
  // leaves the last good bundle.
  rmSync(`${out}.old`, { recursive: true, force: true });
  try {
    renameSync(out, `${out}.old`);
  } catch {
    // First build: nothing to set aside.
  }
  renameSync(next, out);
  rmSync(`${out}.old`, { recursive: true, force: true });
}

/**
 * The directory's native scanner (native/directory-scan.c, see src/data/native-scan.ts), built by
 * node-gyp — the one npm carries — against the headers installed with this Node (npm's `nodedir`,
 * or the `include/node` beside this Node's binary), so that nothing is downloaded where they are.
 * Built again when its sources are newer than it, or when it does not load (a file cut short). A
 * machine without python3, make or a C compiler still gets a working relais: the directory is
 * then read in JavaScript, more slowly, and the build says so and why.
 */
function buildNativeScanner(): void {
  const binary = join(root, NATIVE_BINARY);
  const sources = [join(root, 'binding.gyp'), ...readdirSync(join(root, 'native')).map((f) => join(root, 'native', f))];
  const built = existsSync(binary) ? statSync(binary).mtimeMs : 0;
  if (sources.every((f) => statSync(f).mtimeMs <= built) && loads(binary)) return;
  const gyp = process.env.npm_config_node_gyp ?? join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  const prefix = join(dirname(process.execPath), '..');
  const headers = existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
  const run = spawnSync(process.execPath, [gyp, 'rebuild', '--release', ...headers], { cwd: root, encoding: 'utf8' });
  if (run.status !== 0 || !existsSync(binary) || !loads(binary)) {
    process.stderr.write(`relais : lecteur natif de l'annuaire non construit (${buildFailure(run)}) ; relais lira l'annuaire en JavaScript, plus lentement (installez python3, make et g++ puis relancez npm run build)\n`);
  }
}

function loads(binary: string): boolean {
  try {
    createRequire(import.meta.url)(binary);
    return true;
  } catch {
    return false;
  }
}

/** What stopped node-gyp, in a few words: its own last lines say « configure error » or « build error » whatever the cause. */
function buildFailure(run: ReturnType<typeof spawnSync>): string {
  if (run.error) return run.error.message;
  const output = `${run.stdout ?? ''}\n${run.stderr ?? ''}`;
  if (/find any Python|python3?: not found|No such file or directory.*python/i.test(output)) return 'python3 introuvable';
  if (/\bmake\b.*(not found|No such file)|not found: make/i.test(output)) return 'make introuvable';
  if (/\b(cc|gcc|g\+\+|c\+\+)\b.*(not found|No such file|command not found)|not found: (cc|gcc|g\+\+)/i.test(output)) return 'compilateur C introuvable';
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /error:/i.test(l)) ?? lines.find((l) => /error/i.test(l)) ?? `code ${run.status}`;
}

communeIndex();
buildNativeScanner();
await bundle();
