import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleCampaign, sampleWithLetters } from './helpers/campaign.js';
import { relais, relaisJson, ROOT } from './helpers/cli.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';
import { socialEnv, startSocial, type SocialServer } from './servers/social.js';

interface RunJson {
  ok: boolean;
  volontaires: number;
  departements: Array<{ code: string; communes: number; lettres: number; courriels: { envoyes: number; echecs: number; nonConfirmes: number; parCourrier: number }; volontaires: number }>;
  envoi: { sent: number; alreadySent: number; transport: string; failed: number };
  publications: { publiees: number; prevues: number; refusees: number };
  fichiers: { impression: string[] };
}

let server: TestSmtp | undefined;
let social: SocialServer | undefined;
afterEach(async () => {
  await server?.close();
  await social?.close();
  server = undefined;
  social = undefined;
});

describe('relais run, end to end', () => {
  it('runs the whole sample campaign against local SMTP and API servers, then again sending and publishing nothing new', async () => {
    server = await startSmtp();
    social = await startSocial();
    const dir = sampleCampaign();
    const env = { RELAIS_SMTP_URL: server.url, ...socialEnv(social) };
    // The sample's posts are dated April 2020: published now only when asked (--publish-late).
    const first = await relaisJson<RunJson>(['-C', dir, 'run', '--yes', '--publish-late'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.json.ok).toBe(true);
    expect(first.json.volontaires).toBeGreaterThanOrEqual(2100);
    expect(first.json.departements.map((d) => [d.code, d.communes, d.lettres])).toEqual([
      ['37', 272, 272],
      ['45', 325, 325],
    ]);
    const byEmail = first.json.departements.reduce((n, d) => n + d.courriels.envoyes, 0);
    const byPost = first.json.departements.reduce((n, d) => n + d.courriels.parCourrier, 0);
    expect(byEmail + byPost).toBe(597);
    expect(first.json.envoi).toMatchObject({ transport: 'smtp', sent: byEmail });
    expect(server.received).toHaveLength(byEmail);
    expect(readdirSync(join(dir, 'out/lettres/45')).filter((f) => f.endsWith('.pdf'))).toHaveLength(326);
    expect(first.json.fichiers.impression).toEqual(['out/lettres/37/impression-37.pdf', 'out/lettres/45/impression-45.pdf']);
    expect(readFileSync(join(dir, 'out/messages/45/annexe.md'), 'utf8')).toContain('271 caractères sur 280');
    expect(first.stderr).toContain('5/6 Courriels aux mairies');
    expect(first.json.publications).toMatchObject({ publiees: 3, refusees: 0 });
    expect(social.published.map((p) => p.network).sort()).toEqual(['facebook', 'linkedin', 'twitter']);
    expect(social.published.find((p) => p.network === 'twitter')!.json!.text).toContain('#renfortscovid');

    const second = await relaisJson<RunJson>(['-C', dir, 'run', '--yes', '--publish-late'], { env });
    expect(second.code).toBe(0);
    expect(second.json.envoi).toMatchObject({ sent: 0, alreadySent: byEmail });
    expect(second.json.publications).toMatchObject({ publiees: 0 });
    expect(server.received).toHaveLength(byEmail);
    expect(social.published).toHaveLength(3);
  });

  it('without SMTP, everything goes to the outbox and it says so; the table ends with the total of its départements', async () => {
    const { code, stdout } = await relais(['-C', await sampleWithLetters(), 'run']);
    expect(code).toBe(0);
    expect(stdout).toContain('Aucun courriel n’a quitté cet ordinateur');
    expect(stdout).toMatch(/^37 +272 +272 +255 +0 +0 +17 +508$/m);
    expect(stdout).toMatch(/^45 +325 +325 +301 +0 +0 +24 +573$/m);
    expect(stdout).toMatch(/^Total +597 +597 +556 +0 +0 +41 +1\u202f081$/m);
  });
});

describe('relais run: one notion of failure', () => {
  it('after a 550, the table shows what the journal says (300 sent, 1 failure), on the next run too; ok and the exit code agree', async () => {
    server = await startSmtp({ refuse: ['mairie@orleans.example'] });
    const dir = await sampleWithLetters();
    const env = { RELAIS_SMTP_URL: server.url, RELAIS_SMTP_RETRY_MS: '20' };
    for (const round of [1, 2]) {
      const { code, json, stderr } = await relaisJson<RunJson>(['-C', dir, 'run', '--dep', '45', '--yes'], { env });
      expect(code, stderr).toBe(1);
      expect(json.ok).toBe(false);
      // The town hall refused for good (550) goes by post, like the 24 without an address.
      expect(json.departements.map((d) => [d.code, d.courriels])).toEqual([['45', { envoyes: 300, echecs: 1, nonConfirmes: 0, retours: 0, aEnvoyer: 0, parCourrier: 25 }]]);
      expect(json.envoi).toMatchObject(round === 1 ? { sent: 300, failed: 1 } : { sent: 0, alreadySent: 300, failed: 0 });
    }
    const human = await relais(['-C', dir, 'run', '--dep', '45', '--yes'], { env });
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/^45 +325 +325 +300 +1 +0 +25 /m);
    expect(human.stdout).toContain('relais status --failed');
    expect(server.received).toHaveLength(300);
  });

  it('a network refusing its token: ok false and exit 1, together', async () => {
    server = await startSmtp();
    social = await startSocial();
    const dir = await sampleWithLetters();
    const env = { RELAIS_SMTP_URL: server.url, ...socialEnv(social), RELAIS_FACEBOOK_PAGE_TOKEN: 'jeton-refusé' };
    const { code, json } = await relaisJson<RunJson>(['-C', dir, 'run', '--dep', '37', '--yes'], { env });
    expect(code).toBe(1);
    expect(json.ok).toBe(false);
    expect(json.envoi).toMatchObject({ sent: 255, failed: 0 });
  });

  it('a dead SMTP server stops the run at the emails, with what went and what is left; the next run finishes', async () => {
    server = await startSmtp({ dieAfter: 10 });
    const dir = await sampleWithLetters();
    const dead = await relais(['-C', dir, 'run', '--dep', '45', '--yes'], { env: { RELAIS_SMTP_URL: server.url, RELAIS_SMTP_RETRY_MS: '20', RELAIS_SMTP_MAX_CONNECTIONS: '1' } });
    expect(dead.code).toBe(1);
    expect(dead.stderr).toContain('Envoi arrêté : 10 messages envoyés pendant cette exécution, 291 messages restent à envoyer');
    expect(dead.stderr).toContain('relancez « relais run » : seuls les messages restants partiront');
    expect(dead.stderr).not.toContain('6/6');
    const dying = server;
    server = await startSmtp();
    try {
      const again = await relaisJson<RunJson>(['-C', dir, 'run', '--dep', '45', '--yes'], { env: { RELAIS_SMTP_URL: server.url, RELAIS_SMTP_RETRY_MS: '20' } });
      expect(again.code, again.stderr).toBe(0);
      expect(again.json.envoi).toMatchObject({ sent: 291, alreadySent: 10 });
      expect(again.json.departements[0]!.courriels.envoyes).toBe(301);
      expect(server.received).toHaveLength(291);
    } finally {
      await dying.close();
    }
  });

  it.each(['run', 'send'])('RELAIS_SMTP_RETRY_MS is read with the SMTP settings by %s', async (command) => {
    const { code, stderr } = await relais(['-C', sampleCampaign(), command, '--yes'], { env: { RELAIS_SMTP_URL: 'smtp://127.0.0.1:9', RELAIS_SMTP_RETRY_MS: 'vite' } });
    // Refused at start, before the command runs: a usage error naming the variable.
    expect(code).toBe(2);
    expect(stderr).toContain('RELAIS_SMTP_RETRY_MS : « vite » n\'est pas valable');
  });
});

describe('relais run: bad input', () => {
  it('a campagne.yaml broken by hand: what to fix, exit 1, nothing sent', async () => {
    const dir = sampleCampaign();
    const path = join(dir, 'campagne.yaml');
    const { writeFileSync, existsSync } = await import('node:fs');
    writeFileSync(path, readFileSync(path, 'utf8').replace('genre: F', 'genre: Madame'));
    const { code, stderr } = await relais(['-C', dir, 'run']);
    expect(code).toBe(1);
    expect(stderr).toContain('campagne.yaml');
    expect(stderr).toContain('F ou M');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('an out/ that cannot be written: a French message, exit 1, nothing sent', async () => {
    const dir = sampleCampaign();
    const { writeFileSync, existsSync } = await import('node:fs');
    writeFileSync(join(dir, 'out'), 'pas un dossier');
    const { code, stderr } = await relais(['-C', dir, 'run']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/impossible d'écrire/);
    expect(existsSync(join(dir, '.relais/journal.sqlite'))).toBe(false);
  });
});

describe('the README tells the truth', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');

  it('its quick start is exactly the commands package.json and CI use', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
    expect(pkg.scripts.start).toBe('node bin/relais.js run');
    expect(pkg.scripts.test).toContain('vitest run');
    expect(pkg.scripts.test).toContain('tsc');
    expect(ci.split('\n').filter((l) => /^\s*npm /.test(l)).map((l) => l.trim())).toEqual(['npm ci', 'npm test']);
  });

  it('every relais command it shows exists', async () => {
    // Commands as the README writes them to be typed: `relais x` or npx relais x.
    const shown = new Set([...readme.matchAll(/(?:npx |`)relais (?:-C \S+ )?([a-z]+)/g)].map((m) => m[1]!));
    expect(shown.size).toBeGreaterThan(8);
    const { stdout } = await relais(['--help']);
    const known = new Set([...stdout.matchAll(/^ {2}(\w+)/gm)].map((m) => m[1]!));
    const missing = [...shown].filter((c) => !known.has(c));
    expect(missing).toEqual([]);
  });
});
