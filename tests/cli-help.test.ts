import { describe, expect, it } from 'vitest';
import { relais, relaisJson } from './helpers/cli.js';

/** Help everywhere: a bare command shows its help, a typo gets a French suggestion. */
describe('help and suggestions', () => {
  it('a bare relais shows the French help on stderr and exits 2', async () => {
    const r = await relais([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('relais : il manque une commande');
    expect(r.stderr).toContain('Utilisation : relais');
    expect(r.stderr).toContain('Commandes :');
    expect(r.stderr).not.toContain('outputHelp');
  });

  it('a bare relais schedule shows the help of schedule, in French at every level', async () => {
    const r = await relais(['schedule']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('il manque une commande après « relais schedule »');
    expect(r.stderr).toContain('Utilisation : relais schedule');
    expect(r.stderr).toContain("affiche l'aide d'une commande");
    expect(r.stderr).not.toMatch(/outputHelp|display help/);
    const sub = await relais(['schedule', 'add', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('Utilisation : relais schedule add');
    expect(sub.stdout).not.toMatch(/display help|Usage|Options:/);
  });

  it('with --json, stdout is one JSON document in French, the help on stderr', async () => {
    const r = await relaisJson<{ ok: boolean; error: { message: string } }>(['schedule']);
    expect(r.code).toBe(2);
    expect(r.json).toEqual({ ok: false, error: { message: 'il manque une commande après « relais schedule »' } });
    expect(r.stderr).toContain('Utilisation : relais schedule');
  });

  it.each([
    [['chek'], 'commande inconnue : chek — vouliez-vous dire « check » ?'],
    [['lettres'], 'commande inconnue : lettres — vouliez-vous dire « letters » ?'],
    [['vérifier'], 'vouliez-vous dire « check » ?'],
    [['schedule', 'ad'], 'commande inconnue : ad — vouliez-vous dire « schedule add » ?'],
    [['check', '--deps', '45'], 'option inconnue : --deps — vouliez-vous dire --dep ?'],
    [['-C', '.', 'letters', '--forse'], 'option inconnue : --forse — vouliez-vous dire --force ?'],
    [['check', '--jsno'], 'vouliez-vous dire --json ?'],
  ])('relais %j suggests the right word', async (args, message) => {
    const r = await relais(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('gives no suggestion when nothing is close', async () => {
    const r = await relais(['xyzzyplugh']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('commande inconnue : xyzzyplugh (relais --help liste les commandes)');
    expect(r.stderr).not.toContain('vouliez-vous dire');
  });

  it('relais help <typo> suggests too, and a missing argument shows the usage', async () => {
    const help = await relais(['help', 'chek']);
    expect(help.code).toBe(2);
    expect(help.stderr).toContain('commande inconnue : chek — vouliez-vous dire « check » ?');
    const missing = await relais(['preview']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('argument manquant : insee (utilisation : relais preview [options] <insee>)');
    const value = await relais(['track', '--by']);
    expect(value.stderr).toContain("valeur manquante pour l'option --by <axe> (utilisation : relais track");
  });

  it('too many arguments names the command and its usage', async () => {
    const r = await relais(['check', 'en-trop']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('trop d\'arguments pour « relais check » (utilisation : relais check [options])');
  });
});

describe('settings from the environment', () => {
  it('refuses a timeout that is not a number, before any command runs, naming the variable', async () => {
    const r = await relaisJson<{ ok: boolean; error: { message: string } }>(['check'], { env: { RELAIS_HTTP_TIMEOUT_MS: 'abc' } });
    expect(r.code).toBe(2);
    expect(r.json.error.message).toContain('RELAIS_HTTP_TIMEOUT_MS : « abc » n\'est pas valable');
    expect((r.json.error as { variables?: string[] }).variables).toEqual([expect.stringMatching(/^RELAIS_HTTP_TIMEOUT_MS : « abc »/)]);
    expect(r.json).not.toHaveProperty('campagne');
  });

  it('names every wrong variable at once, and never repeats a URL that may hold a password', async () => {
    const r = await relais(['check'], { env: { RELAIS_WORKERS: 'deux', RELAIS_SMTP_TIMEOUT_MS: '30 s', RELAIS_DEBUG: 'peut-être', RELAIS_SMTP_URL: 'smtp//user:secret@mail' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("4 variables d'environnement invalides");
    for (const name of ['RELAIS_WORKERS', 'RELAIS_SMTP_TIMEOUT_MS', 'RELAIS_DEBUG', 'RELAIS_SMTP_URL illisible']) expect(r.stderr).toContain(name);
    expect(r.stderr).not.toContain('secret');
  });

  it('an empty -C is a usage error, not the current folder', async () => {
    const r = await relais(['-C', '', 'check']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('-C (--campagne) vide');
  });

  it('help and version still work with a wrong setting', async () => {
    const r = await relais(['--help'], { env: { RELAIS_RETRY_MS: 'x' } });
    expect(r.code).toBe(0);
  });
});

describe('text read from standard input', () => {
  it('counts a CRLF or CR text as the same text with LF', async () => {
    const lf = await relaisJson<{ length: number; parts: number }>(['count', '--channel', 'sms', '-'], { input: 'Bonjour\nMadame la Maire\n' });
    for (const input of ['Bonjour\r\nMadame la Maire\r\n', 'Bonjour\rMadame la Maire\r']) {
      const other = await relaisJson<{ length: number; parts: number }>(['count', '--channel', 'sms', '-'], { input });
      expect(other.json).toEqual(lf.json);
    }
    expect(lf.json.length).toBe(23);
  });
});
