import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { checkJson } from './helpers/check.js';
import { relais, relaisJson } from './helpers/cli.js';

interface Problem {
  file?: string;
  line?: number;
  kind: string;
  message: string;
}

function withTemplate(name: string, source: string): string {
  const dir = sampleCampaign();
  writeFileSync(join(dir, 'templates', name), source);
  return dir;
}

describe('relais count', () => {
  it('counts the seed SMS', async () => {
    const text = readFileSync(join(sampleCampaign(), 'templates', 'sms.hbs'), 'utf8').replace('{{sans_protocole campagne.plateforme.url}}', 'www.renfort-covid.fr').trim();
    const { code, json } = await relaisJson<{ length: number; encoding: string; parts: number; valid: boolean; limit: number }>(['count', '--channel', 'sms', text]);
    expect(code).toBe(0);
    expect(json).toMatchObject({ length: 328, encoding: 'GSM-7', parts: 3, valid: true, limit: 160 });
  });

  it('reads stdin with -, and accepts x for twitter', async () => {
    const { code, json } = await relaisJson<{ weightedLength: number; valid: boolean }>(['count', '--channel', 'x', '-'], { input: `${'é'.repeat(281)}\n` });
    expect(code).toBe(1);
    expect(json).toMatchObject({ weightedLength: 281, valid: false });
  });

  it('prints a French verdict with the GSM-7 suggestion', async () => {
    const { code, stdout } = await relais(['count', '--channel', 'sms', 'Êtes-vous prêts ?']);
    expect(code).toBe(0);
    expect(stdout).toContain('UCS-2');
    expect(stdout).toContain('Suggestion en GSM-7');
    expect(stdout).toContain('Etes-vous prets ?');
  });

  it('refuses an unknown channel with a usage error', async () => {
    const { code, stderr } = await relais(['count', '--channel', 'minitel', 'x']);
    expect(code).toBe(2);
    expect(stderr).toContain('canal « minitel » inconnu');
  });
});

describe('relais posts', () => {
  it('writes every message and a copy-friendly annex per département', async () => {
    const dir = sampleCampaign();
    const { code, json } = await relaisJson<{ fichiers: string[]; departements: Array<{ code: string; messages: Record<string, { length: number }> }> }>(['-C', dir, 'posts']);
    expect(code).toBe(0);
    expect(json.fichiers).toContain('out/messages/45/twitter.txt');
    expect(json.fichiers).toContain('out/messages/37/annexe.md');
    expect(json.departements.map((d) => d.messages.twitter!.length)).toEqual([271, 271]);
    const annex = readFileSync(join(dir, 'out/messages/45/annexe.md'), 'utf8');
    // The annex is for mayors: counts they can use, nothing for Facebook and LinkedIn.
    expect(annex).toContain('## Twitter — 271 caractères sur 280\n');
    expect(annex).toContain('## SMS — 3 SMS\n');
    expect(annex).toContain('## Facebook\n');
    expect(annex).toContain('## LinkedIn\n');
    expect(readFileSync(join(dir, 'out/messages/45/sms.txt'), 'utf8')).toMatch(/^Covid19 Professionnels/);
  });

  it('shows staff the technical counts the mayors do not see', async () => {
    const { code, stdout } = await relais(['-C', sampleCampaign(), 'posts', '--dep', '45']);
    expect(code).toBe(0);
    expect(stdout).toContain('3 SMS, GSM-7, 328 caractères');
    expect(stdout).toMatch(/Facebook\s+309 \/ 63\s206/);
  });

  it('--dep limits the départements', async () => {
    const dir = sampleCampaign();
    const { json } = await relaisJson<{ fichiers: string[] }>(['-C', dir, 'posts', '--dep', '45']);
    expect(json.fichiers.every((f) => f.startsWith('out/messages/45/'))).toBe(true);
    expect(existsSync(join(dir, 'out/messages/37'))).toBe(false);
  });
});

describe('relais preview', () => {
  it('shows the texts of one commune with their counts', async () => {
    const { code, stdout } = await relais(['-C', sampleCampaign(), 'preview', '37261']);
    expect(code).toBe(0);
    expect(stdout).toContain('Tours, le vendredi 10 avril 2020');
    expect(stdout).toContain('MAIRIE DE TOURS');
    expect(stdout).toContain('Twitter : 271 / 280');
    expect(stdout).toContain('SMS : 328 caractères (GSM-7), 3 SMS');
  });

  it('--channel shows one text', async () => {
    const { stdout } = await relais(['-C', sampleCampaign(), 'preview', '45234', '--channel', 'sms']);
    expect(stdout).toContain('Covid19');
    expect(stdout).not.toContain('Objet :');
  });

  it('refuses a commune outside the campaign', async () => {
    const { code, stderr } = await relais(['-C', sampleCampaign(), 'preview', '18033']);
    // The argument is wrong, not the data: a usage error.
    expect(code).toBe(2);
    expect(stderr).toContain("n'est pas un destinataire");
  });
});

describe('templates and channel rules: bad input, exit 1, nothing written', () => {
  /** What check reports (in this process, see helpers/check.ts), then relais posts refusing it. */
  async function rejected(dir: string, file: string, fragment: string, line?: number): Promise<Problem> {
    const check = await checkJson<{ ok: boolean; errors: Problem[] }>(dir);
    expect(check.code).toBe(1);
    const err = check.json.errors.find((e) => e.file === file);
    expect(err, JSON.stringify(check.json.errors)).toBeDefined();
    expect(err!.message).toContain(fragment);
    if (line !== undefined) expect(err!.line).toBe(line);
    const posts = await relais(['-C', dir, 'posts']);
    expect(posts.code).toBe(1);
    expect(posts.stderr).toContain(fragment);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    return err!;
  }

  it('an unknown variable, reported once with the count of recipients', async () => {
    const dir = withTemplate('lettre.hbs', 'Bonjour,\n\n{{commune.nomm}}\n');
    const err = await rejected(dir, 'templates/lettre.hbs', 'variable inconnue « nomm »', 3);
    expect(err.message).toContain('597 destinataires concernés');
  });

  it('an unclosed {{#if}}', async () => {
    await rejected(withTemplate('facebook.hbs', 'a\n{{#if maire}}\nb\n'), 'templates/facebook.hbs', '{{#if}} jamais fermé', 2);
  });

  it('a helper given a wrong type', async () => {
    await rejected(withTemplate('lettre.hbs', 'Le {{date_longue "2020-13-45"}}\n'), 'templates/lettre.hbs', 'date invalide « 2020-13-45 »', 1);
  });

  it('a tweet of 300 weighted characters', async () => {
    const err = await rejected(withTemplate('twitter.hbs', `${'a'.repeat(300)}\n`), 'templates/twitter.hbs', '20 de trop');
    expect(err.message).toContain('300 caractères pondérés');
  });

  it('an emoji in the SMS template', async () => {
    await rejected(withTemplate('sms.hbs', 'Inscrivez-vous 👉 {{campagne.plateforme.url}}\n'), 'templates/sms.hbs', 'émoji');
  });

  it('an empty template', async () => {
    await rejected(withTemplate('linkedin.hbs', '\n'), 'templates/linkedin.hbs', 'modèle vide');
  });

  it('an SMS of 1,000 characters is a warning beyond 6 parts', async () => {
    const dir = withTemplate('sms.hbs', `${'a'.repeat(1000)}\n`);
    const { code, json } = await checkJson<{ ok: boolean; warnings: Problem[] }>(dir);
    expect(code).toBe(0);
    const warning = json.warnings.find((w) => w.file === 'templates/sms.hbs');
    expect(warning?.message).toContain('7 SMS');
  });

  it('a LinkedIn text full of reserved characters is escaped and counted after escaping', async () => {
    const text = '#renfortscovid (inscription) [gratuite] <rapide> *vite* _aide_ ~ | {x} @ARS \\ fin';
    const dir = withTemplate('linkedin.hbs', `${text}\n`);
    const { json } = await relaisJson<{ departements: Array<{ messages: { linkedin: { texte: string; length: number } } }> }>(['-C', dir, 'posts']);
    expect(json.departements[0]!.messages.linkedin.texte).toBe(text);
    // 16 reserved characters gain a backslash; #renfortscovid becomes {hashtag|\#|renfortscovid} (+12).
    expect(json.departements[0]!.messages.linkedin.length).toBe(text.length + 16 + 12);
    const tooLong = withTemplate('linkedin.hbs', `${'()'.repeat(800)}\n`);
    await rejected(tooLong, 'templates/linkedin.hbs', '200 de trop');
  });
});
