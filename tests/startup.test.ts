import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { command } from '../bench/measure.js';
import { commandsFor } from '../src/cli/main.js';
import { ROOT } from './helpers/cli.js';
import { loadedPackages } from './helpers/loaded.js';
import { sampleCampaign, sampleWithLetters } from './helpers/campaign.js';

/**
 * Start-up: every command pays for what main.ts loads before it acts. Rather than a timing, the
 * packages loaded are listed (through a module hook, tests/helpers/loaded.ts) and the heavy ones
 * must be absent.
 */
const loaded = (args: string[]) => loadedPackages(args);

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

  it('relais status reads the journal and the plan: it loads nothing that makes or sends a message', () => {
    const r = loaded(['-C', sampleCampaign(), 'status']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Loiret');
    expect(['pdfkit', 'fontkit', 'qrcode', 'nodemailer', 'imapflow', 'exceljs'].filter((p) => r.packages.has(p))).toEqual([]);
  });

  it('relais send on letters already drawn loads neither the font engine nor pdfkit, and a command after it does not parse the video again', async () => {
    // Letters and summary sheet drawn (sampleWithLetters): nothing left to draw.
    const dir = await sampleWithLetters();
    const send = loaded(['-C', dir, 'send', '--dry-run']);
    expect(send.code, send.stderr).toBe(0);
    expect(send.stdout).toContain('556 pas encore écrits');
    // The video's facts, read here, are kept: the campaign has its state folder.
    expect(send.packages.has('mp4box')).toBe(true);
    expect(['pdfkit', 'fontkit', 'qrcode', 'hyphen'].filter((p) => send.packages.has(p))).toEqual([]);
    const check = loaded(['-C', dir, 'check']);
    expect(check.code, check.stderr).toBe(0);
    expect(check.packages.has('mp4box')).toBe(false);
    // The templates compile without source-map (scripts/build.ts, withoutSourceMaps).
    expect(check.packages.has('handlebars')).toBe(true);
    expect(check.packages.has('source-map')).toBe(false);
  });

  it('relais run loads the mailbox side (imapflow, mailparser) only when a mailbox is configured', () => {
    // Read from the bundle's map: what each command's module imports before it runs.
    const meta = JSON.parse(readFileSync(join(ROOT, 'dist', 'relais', 'meta.json'), 'utf8')) as { outputs: Record<string, { imports: Array<{ path: string; kind: string; external?: boolean }>; inputs: Record<string, { bytesInOutput: number }> }> };
    const outputs = new Map(Object.entries(meta.outputs).map(([f, o]) => [basename(f), o]));
    const moduleOf = (source: string) => [...outputs].find(([, o]) => Object.keys(o.inputs).some((i) => i.endsWith(source)))![0];
    const staticPackages = (name: string, seen = new Set<string>()): Set<string> => {
      if (seen.has(name)) return new Set();
      seen.add(name);
      const o = outputs.get(name)!;
      const found = new Set([...Object.keys(o.inputs)].flatMap((i) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(i)?.[1] ?? []));
      for (const i of o.imports) if (i.kind === 'import-statement' && !i.external) for (const p of staticPackages(basename(i.path), seen)) found.add(p);
      return found;
    };
    const run = staticPackages(moduleOf('dist/src/cli/run.js'));
    expect(run.has('nodemailer')).toBe(true);
    expect(['imapflow', 'mailparser', 'libmime'].filter((p) => run.has(p))).toEqual([]);
    expect(staticPackages(moduleOf('dist/src/cli/bounces.js')).has('imapflow')).toBe(true);
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
