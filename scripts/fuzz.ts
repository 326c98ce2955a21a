/**
 * `npm run fuzz`: the robustness suite at full strength — every reader fuzzed twenty times as
 * long as in `npm test`, the interruptions, the stalled servers and the secrets — then one table
 * of what was tried and what failed. Each test records what it tried once its assertions held;
 * vitest's JSON report says which tests failed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/paths.js';

const FILES = ['tests/fuzz.test.ts', 'tests/fuzz-files.test.ts', 'tests/robustness.test.ts', 'tests/paths.test.ts'];
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
if (existsSync(results)) {
  const json = JSON.parse(readFileSync(results, 'utf8')) as { testResults: Array<{ name: string; message?: string; assertionResults: Array<{ fullName: string; status: string }> }> };
  for (const file of json.testResults) {
    for (const a of file.assertionResults) if (a.status === 'failed') failed.push(a.fullName);
    if (!file.assertionResults.length && file.message) failed.push(`${file.name} : ${file.message}`);
  }
} else failed.push('vitest n’a pas produit de rapport');

const LABELS: Record<string, string> = { 'fuzz-readers': 'lecteurs', 'fuzz-files': 'formats de fichiers', robustness: 'interruptions, pannes, secrets', paths: 'chemins et injections' };
process.stdout.write('\n| domaine | essai | cas | échecs |\n|---|---|---|---|\n');
for (const [group, what, n] of rows) process.stdout.write(`| ${LABELS[group] ?? group} | ${what} | ${n.toLocaleString('fr-FR')} | 0 |\n`);
process.stdout.write(failed.length ? `\nÉchecs (${failed.length}) :\n${failed.map((f) => `- ${f}`).join('\n')}\n` : '\nÉchecs : aucun.\n');
rmSync(report, { recursive: true, force: true });
process.exitCode = failed.length || run.status !== 0 ? 1 : 0;
