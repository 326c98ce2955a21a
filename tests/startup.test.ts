import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { command } from '../bench/measure.js';
import { commandsFor } from '../src/cli/main.js';
import { packageRoot } from '../src/paths.js';

/**
 * Start-up: every command pays for what main.ts loads before it acts. Rather than a timing, the
 * packages loaded are listed (through a module hook) and the heavy ones must be absent.
 */
const dir = mkdtempSync(join(tmpdir(), 'relais-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  join(dir, 'hooks.mjs'),
  // Written synchronously to a file: the hooks run on their own thread, and a write to stderr from
  // there can be lost when relais exits right after loading its last module.
  `import { appendFileSync } from 'node:fs';\nexport async function resolve(spec, ctx, next) { const r = await next(spec, ctx); appendFileSync(process.env.HOOK_LOG, 'CHARGÉ ' + r.url + '\\n'); return r; }\n`,
);
writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);

let runs = 0;
function loaded(args: string[]): { code: number | null; stdout: string; packages: Set<string> } {
  const log = join(dir, `loaded-${++runs}.log`);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, join(packageRoot(), 'bin', 'relais.js'), ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', HOOK_LOG: log } });
  const packages = new Set<string>();
  for (const m of readFileSync(log, 'utf8').matchAll(/^CHARGÉ .*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)) packages.add(m[1]!);
  return { code: r.status, stdout: r.stdout, packages };
}

const HEAVY = ['pdfkit', 'fontkit', 'exceljs', 'better-sqlite3', 'nodemailer', 'imapflow', 'mp4box', 'handlebars', 'yaml', 'zod', 'ora', 'csv-parse', 'qrcode', 'mailparser'];

describe('start-up', () => {
  it('relais --version loads commander alone', () => {
    const r = loaded(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect([...r.packages]).toEqual(['commander']);
  });

  it('relais count loads none of the heavy packages, and still counts', () => {
    const r = loaded(['count', '--channel', 'x', 'Bonjour les maires']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('18 / 280');
    expect(r.packages.has('twitter-text')).toBe(true);
    expect(HEAVY.filter((p) => r.packages.has(p))).toEqual([]);
  });

  it.each([
    [['count', '--channel', 'sms', 'x'], ['count']],
    [['-C', 'check', 'send'], ['send']],
    [['--campagne', 'letters', '--json', 'check'], ['check']],
    [['--json', 'schedule', 'add'], ['schedule']],
    [['-V'], []],
    [['--version', '--json'], []],
  ])('relais %j needs the module of %j only', (args, names) => {
    expect(commandsFor(args)).toEqual(names);
  });

  it.each([[[]], [['--help']], [['help', 'check']], [['chek']], [['-C', 'x']], [['--', 'check']]])('relais %j needs every command (help, suggestions)', (args) => {
    expect(commandsFor(args)).toHaveLength(13);
  });

  it('the bench reads the CPU time and peak memory of the process it runs, and leaves its stderr clean', () => {
    const run = command(['-e', 'process.stderr.write("bonjour"); let x = 0; for (let i = 0; i < 1e6; i++) x += i']);
    expect(run.code).toBe(0);
    expect(run.cpuMs).toBeGreaterThan(0);
    expect(run.peakMb).toBeGreaterThan(1);
    expect(run.stderr).toBe('bonjour');
  });
});
