import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/campaign.js';
import { relais, relaisJson, ROOT } from './helpers/cli.js';

describe('the command line', () => {
  it('speaks French in its help', async () => {
    const { code, stdout } = await relais(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Utilisation : relais');
    expect(stdout).toContain('Commandes :');
    expect(stdout).toContain('--campagne <dossier>');
    expect(stdout).not.toMatch(/\b(Usage|Commands|display help)\b/);
  });

  it('prints its version', async () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const { code, stdout } = await relais(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(version);
  });

  it('exits 2 with a French message on an unknown option or command', async () => {
    const a = await relais(['check', '--nope']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('option inconnue : --nope');
    const b = await relais(['envoyer']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('commande inconnue');
  });

  it('keeps stdout to one JSON document with --json, even on a usage error', async () => {
    const { code, json, stderr } = await relaisJson<{ ok: boolean; error: { message: string } }>(['check', '--nope']);
    expect(code).toBe(2);
    expect(json.ok).toBe(false);
    expect(json.error.message).toContain('option inconnue');
    expect(stderr).toContain('option inconnue');
  });

  it('uses the campaign of the current directory when it has one, else the sample', async () => {
    const dir = tempDir();
    const here = await relaisJson<{ campagne: string }>(['check'], { cwd: dir });
    expect(here.json.campagne).toBe(ROOT);
    writeFileSync(join(dir, 'campagne.yaml'), 'campagne: {}\n');
    const local = await relaisJson<{ campagne: string; ok: boolean }>(['check'], { cwd: dir });
    expect(local.json.campagne).toBe(dir);
    expect(local.json.ok).toBe(false);
  });
});

describe('relais init', () => {
  it('copies the sample campaign into a new folder, which then checks clean', async () => {
    const dir = join(tempDir(), 'ma-campagne');
    const { code, stdout } = await relais(['init', dir]);
    expect(code).toBe(0);
    expect(stdout).toContain('Campagne créée');
    expect(existsSync(join(dir, 'campagne.yaml'))).toBe(true);
    expect(existsSync(join(dir, 'data', 'maires.csv'))).toBe(true);
    const check = await relais(['-C', dir, 'check']);
    expect(check.code).toBe(0);
  });

  it('refuses to overwrite an existing campaign, and leaves it untouched', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'campagne.yaml'), 'ma: campagne\n');
    const { code, stderr } = await relais(['init', dir]);
    expect(code).toBe(1);
    expect(stderr).toContain('contient déjà une campagne');
    expect(readFileSync(join(dir, 'campagne.yaml'), 'utf8')).toBe('ma: campagne\n');
  });

  it('refuses a folder that holds other files', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.txt'), 'x');
    const { code, stderr } = await relais(['init', dir]);
    expect(code).toBe(1);
    expect(stderr).toContain("n'est pas vide");
    expect(existsSync(join(dir, 'campagne.yaml'))).toBe(false);
  });

  it('needs a folder argument (usage error)', async () => {
    const { code, stderr } = await relais(['init']);
    expect(code).toBe(2);
    expect(stderr).toContain('argument manquant');
  });
});
