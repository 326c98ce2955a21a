/**
 * `npm run fuzz`: the robustness suite at full strength — every reader fuzzed twenty times as
 * long as in `npm test`, every command against every broken input and every trapped name (the
 * sweeps `npm test` samples), the interruptions, the stalled servers and the secrets — then one table
 * of what was tried and what failed. Each test records what it tried once its assertions held;
 * vitest's JSON report says which tests failed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/paths.js';

/** Each test file, under the name its tallies are recorded with. */
const GROUPS: Record<string, { file: string; label: string }> = {
  'fuzz-readers': { file: 'tests/fuzz.test.ts', label: 'lecteurs' },
  'fuzz-files': { file: 'tests/fuzz-files.test.ts', label: 'formats de fichiers' },
  interruptions: { file: 'tests/interruptions.test.ts', label: 'interruptions' },
  robustness: { file: 'tests/robustness.test.ts', label: 'pannes' },
  paths: { file: 'tests/paths.test.ts', label: 'chemins et injections' },
  secrets: { file: 'tests/secrets.test.ts', label: 'secrets' },
  directory: { file: 'tests/directory.test.ts', label: 'annuaire des mairies' },
  'native-scan': { file: 'tests/native-scan.test.ts', label: 'lecteur natif de l’annuaire' },
  sweep: { file: 'tests/sweep.test.ts', label: 'commandes contre entrées cassées' },
  bounces: { file: 'tests/bounces-read.test.ts', label: 'retours de courriels' },
  // No tally of its own (its failures are listed below the table): the report's escaping, fuzzed.
  tracker: { file: 'tests/tracker.test.ts', label: 'suivi des inscriptions' },
};
const FILES = Object.values(GROUPS).map((g) => g.file);
const report = mkdtempSync(join(tmpdir(), 'relais-fuzz-'));
const results = join(report, 'vitest.json');
const run = spawnSync(process.execPath, [join(packageRoot(), 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...FILES, '--reporter=default', '--reporter=json', `--outputFile.json=${results}`], {
  cwd: packageRoot(),
  stdio: 'inherit',
  env: { ...process.env, RELAIS_FUZZ_RUNS: process.env.RELAIS_FUZZ_RUNS ?? '20', RELAIS_FUZZ_REPORT: report },
});

const rows: Array<[string, string, number]> = [];
for (const f of readdirSync(report).filter((n) => n.endsWith('.json') && n !== 'vitest.json').sort()) {
  for (const [what, n] of JSON.parse(readFileSync(join(report, f), 'utf8')) as Array<[string, number]>) rows.push([f.replace(/\.json$/, ''), what, n]);
}
const failed: string[] = [];
/** Failed tests per test file (a failed test records no tally row: it is listed below the table). */
const failedIn = new Map<string, number>();
if (existsSync(results)) {
  const json = JSON.parse(readFileSync(results, 'utf8')) as { testResults: Array<{ name: string; message?: string; assertionResults: Array<{ fullName: string; status: string }> }> };
  for (const file of json.testResults) {
    const mine = file.assertionResults.filter((a) => a.status === 'failed').map((a) => a.fullName);
    if (!file.assertionResults.length && file.message) mine.push(`${file.name} : ${file.message}`);
    failed.push(...mine);
    failedIn.set(file.name.replace(/\\/g, '/').replace(/^.*\/tests\//, 'tests/'), mine.length);
  }
} else failed.push('vitest n’a pas produit de rapport');

process.stdout.write('\n| domaine | essai | cas | tests en échec dans ce domaine |\n|---|---|---|---|\n');
for (const [group, what, n] of rows) {
  const g = GROUPS[group];
  process.stdout.write(`| ${g?.label ?? group} | ${what} | ${n.toLocaleString('fr-FR')} | ${g ? (failedIn.get(g.file) ?? '?') : '?'} |\n`);
}
process.stdout.write(failed.length ? `\nÉchecs (${failed.length}) :\n${failed.map((f) => `- ${f}`).join('\n')}\n` : '\nÉchecs : aucun.\n');
rmSync(report, { recursive: true, force: true });
process.exitCode = failed.length || run.status !== 0 ? 1 : 0;
