import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { MASK, redact, SECRET_VARIABLES } from '../src/secrets.js';
import { allFiles, sampleCampaign, sampleLoiret, sampleWithLetters } from './helpers/campaign.js';
import { relais, type RunResult } from './helpers/cli.js';
import { fuzzRuns, tallyFor } from './helpers/fuzz.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';
import { socialEnv, startSocial, type SocialServer } from './servers/social.js';

/** What was tried, for the table of `npm run fuzz`. */
const tally = tallyFor('secrets');

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** Every credential relais reads, each set to a value no output could contain by chance. */
const SECRETS: Record<(typeof SECRET_VARIABLES)[number], string> = {
  RELAIS_SMTP_PASSWORD: 'SECRET-SMTP-42',
  RELAIS_IMAP_PASSWORD: 'SECRET-IMAP-42',
  RELAIS_X_APP_KEY: 'SECRET-X-KEY-42',
  RELAIS_X_APP_SECRET: 'SECRET-X-APP-42',
  RELAIS_X_ACCESS_TOKEN: 'SECRET-X-TOKEN-42',
  RELAIS_X_ACCESS_SECRET: 'SECRET-X-ACCESS-42',
  RELAIS_FACEBOOK_PAGE_TOKEN: 'SECRET-FB-42',
  RELAIS_LINKEDIN_TOKEN: 'SECRET-LI-42',
};
/** Passwords given only inside a URL, and a wrong one. */
const URL_SECRET = 'SECRET-URL-42';
const WRONG = 'SECRET-WRONG-42';
const ALL = [...Object.values(SECRETS), URL_SECRET, WRONG];

describe('redact', () => {
  it('masks the password of any URL and every credential of the environment, URL-encoded too', () => {
    const env = { RELAIS_LINKEDIN_TOKEN: 'tok/en+42', RELAIS_SMTP_URL: 'smtps://prefecture:p%40ss@mail.example' };
    expect(redact('connect smtps://prefecture:p%40ss@mail.example:465 failed', env)).toBe('connect smtps://prefecture:***@mail.example:465 failed');
    expect(redact('bad password p@ss for prefecture', env)).toBe(`bad password ${MASK} for prefecture`);
    expect(redact('Bearer tok/en+42, or tok%2Fen%2B42 in a query', env)).toBe(`Bearer ${MASK}, or ${MASK} in a query`);
    expect(redact('http://host:8080/path@x and a@b.fr', env)).toBe('http://host:8080/path@x and a@b.fr');
    // Too short to be searched for without masking ordinary words.
    expect(redact('abc', { RELAIS_SMTP_PASSWORD: 'abc' })).toBe('abc');
  });

  it('no secret survives, whatever text surrounds it (property)', () => {
    const secret = fc.string({ minLength: 4, maxLength: 24 });
    let cases = 0;
    fc.assert(
      fc.property(secret, fc.array(fc.string({ maxLength: 12 }), { minLength: 1, maxLength: 5 }), fc.constantFrom(...SECRET_VARIABLES), (value, pieces, name) => {
        cases++;
        const text = pieces.join(value);
        const out = redact(`${text}${value}`, { [name]: value });
        expect(out.includes(value)).toBe(false);
      }),
      fuzzRuns(2000),
    );
    tally.push(['redact : secret quelconque dans un texte quelconque', cases]);
  });
});

describe('secrets are never shown, written or stored', () => {
  it('every command, on success and failure paths, with --json and RELAIS_DEBUG=1', async () => {
    const smtp: TestSmtp = await startSmtp({ auth: { user: 'prefecture', pass: SECRETS.RELAIS_SMTP_PASSWORD }, echoAuth: true });
    const social: SocialServer = await startSocial({ facebook: SECRETS.RELAIS_FACEBOOK_PAGE_TOKEN, linkedin: SECRETS.RELAIS_LINKEDIN_TOKEN });
    closers.push(() => smtp.close(), () => social.close());
    // Careless APIs: each refusal quotes the credential it received.
    social.script.twitter.push({ status: 403, body: { title: 'Forbidden', detail: `token ${SECRETS.RELAIS_X_ACCESS_TOKEN} may not post` } });
    social.script.facebook.push({ status: 400, body: { error: { message: `(#100) token ${SECRETS.RELAIS_FACEBOOK_PAGE_TOKEN} invalid parameter`, code: 100 } } });
    social.script.linkedin.push({ status: 422, body: { message: `Bearer ${SECRETS.RELAIS_LINKEDIN_TOKEN} cannot post` } });
    const env = { ...socialEnv(social), ...SECRETS, RELAIS_SMTP_USER: 'prefecture', RELAIS_DEBUG: '1' };
    // A local relay without STARTTLS: the password goes in clear only because the user says so (loopback only).
    const withSmtp = { ...env, RELAIS_SMTP_URL: smtp.url, RELAIS_SMTP_ALLOW_PLAIN_AUTH: '1' };
    const dead = { ...env, RELAIS_X_API_URL: 'http://127.0.0.1:9', RELAIS_FACEBOOK_API_URL: 'http://127.0.0.1:9', RELAIS_LINKEDIN_API_URL: 'http://127.0.0.1:9' };

    // The Loiret alone: what is searched is every output, file and row, not the campaign's size.
    const dir = sampleLoiret();
    const fresh = sampleLoiret();
    const broken = sampleCampaign();
    writeFileSync(join(broken, 'campagne.yaml'), 'campagne: [\ntitre: cassé\n');
    writeFileSync(join(dir, 'publications-invalides.csv'), 'id;canal;date;texte;statut\n1;pigeon;demain;Bonjour;prévu\n');
    writeFileSync(join(dir, 'publications-futures.csv'), 'id;canal;date;texte;statut\n1;facebook;2099-01-01 09:00;Bonjour les maires;prévu\n');

    const runs: Array<[string, RunResult, number]> = [];
    const run = async (name: string, args: string[], runEnv: Record<string, string>, expected: number) => {
      runs.push([name, await relais(args, { env: runEnv }), expected]);
    };
    await run('check', ['-C', dir, 'check'], env, 0);
    await run('check --json', ['-C', dir, 'check', '--json'], env, 0);
    await run('check (campagne illisible)', ['-C', broken, 'check', '--json'], env, 1);
    await run('init', ['init', join(dir, 'nouvelle')], env, 0);
    await run('init (dossier existant)', ['init', join(dir, 'nouvelle'), '--json'], env, 1);
    await run('count', ['count', '--channel', 'x', 'Bonjour les maires'], env, 0);
    await run('count (canal inconnu)', ['count', '--channel', 'pigeon', 'Bonjour'], env, 2);
    await run('preview --json', ['-C', dir, 'preview', '45234', '--json'], env, 0);
    await run('preview (commune inconnue : usage)', ['-C', dir, 'preview', '99999'], env, 2);
    await run('posts', ['-C', dir, 'posts'], env, 0);
    await run('posts (département inconnu : usage)', ['-C', dir, 'posts', '--dep', '99', '--json'], env, 2);
    await run('letters', ['-C', dir, 'letters', '--dep', '45'], env, 0);
    await run('letters (commune inconnue : usage)', ['-C', dir, 'letters', '--commune', '00000'], env, 2);
    await run('track --json', ['-C', dir, 'track', '--json'], env, 0);
    await run('track html', ['-C', dir, 'track', '--format', 'html', '--out', 'out/suivi.html'], env, 0);
    await run('track (fichier absent)', ['-C', dir, 'track', 'absent.csv'], env, 1);
    await run('send (boîte locale)', ['-C', dir, 'send', '--dep', '45', '--yes'], env, 0);
    await run('send (mauvais mot de passe, écho du serveur)', ['-C', fresh, 'send', '--yes', '--json', '--commune', '45234'], { ...withSmtp, RELAIS_SMTP_PASSWORD: WRONG }, 1);
    await run('send (mot de passe dans l’URL, serveur absent)', ['-C', fresh, 'send', '--yes', '--commune', '45234'], { ...env, RELAIS_SMTP_PASSWORD: '', RELAIS_SMTP_URL: `smtp://prefecture:${URL_SECRET}@127.0.0.1:9` }, 1);
    await run('send (URL illisible avec mot de passe)', ['-C', fresh, 'send', '--yes', '--commune', '45234'], { ...env, RELAIS_SMTP_URL: `smtp://prefecture:${URL_SECRET}@[::1` }, 2);
    await run('send --json', ['-C', fresh, 'send', '--yes', '--json', '--commune', '45001'], withSmtp, 0);
    await run('status', ['-C', fresh, 'status'], env, 0);
    await run('status --failed --csv', ['-C', fresh, 'status', '--failed', '--csv', 'out/echecs.csv'], env, 0);
    for (const channel of ['x', 'facebook', 'linkedin']) await run(`schedule add ${channel}`, ['-C', dir, 'schedule', 'add', '--channel', channel, '--at', 'now', '--template', channel === 'x' ? 'twitter' : channel], env, 0);
    await run('schedule add (date passée)', ['-C', dir, 'schedule', 'add', '--channel', 'x', '--at', '2020-01-01 09:00', '--text', 'Bonjour'], env, 1);
    await run('schedule run (refus qui citent le jeton)', ['-C', dir, 'schedule', 'run', '--json'], env, 1);
    await run('schedule add (pour un réseau absent)', ['-C', dir, 'schedule', 'add', '--channel', 'linkedin', '--at', 'now', '--text', 'Bonjour les maires'], env, 0);
    // Unreachable networks: the run stops (exit 1), the posts wait for the next run, their reason stored.
    await run('schedule run (réseaux injoignables)', ['-C', dir, 'schedule', 'run'], dead, 1);
    await run('schedule run (identifiants dans l’URL de l’API)', ['-C', dir, 'schedule', 'run', '--json'], { ...env, RELAIS_LINKEDIN_API_URL: `http://prefecture:${URL_SECRET}@127.0.0.1:9` }, 2);
    await run('schedule list', ['-C', dir, 'schedule', 'list'], env, 0);
    await run('schedule list --json', ['-C', dir, 'schedule', 'list', '--json'], env, 0);
    await run('schedule export', ['-C', dir, 'schedule', 'export', 'out/publications.csv'], env, 0);
    await run('schedule import (invalide)', ['-C', dir, 'schedule', 'import', 'publications-invalides.csv'], env, 1);
    await run('schedule import', ['-C', fresh, 'schedule', 'import', join(dir, 'publications-futures.csv'), '--json'], env, 0);
    await run('schedule cancel (inconnue)', ['-C', dir, 'schedule', 'cancel', '999'], env, 1);
    await run('schedule add (plus tard)', ['-C', dir, 'schedule', 'add', '--channel', 'linkedin', '--at', '2099-01-01 09:00', '--text', 'Plus tard', '--json'], env, 0);
    const later = (JSON.parse(runs.at(-1)![1].stdout) as { id: number }).id;
    await run('schedule cancel', ['-C', dir, 'schedule', 'cancel', String(later), '--json'], env, 0);
    await run('status --json', ['-C', dir, 'status', '--json'], env, 0);
    await run('status (sans RELAIS_DEBUG)', ['-C', fresh, 'status', '--failed'], { ...env, RELAIS_DEBUG: '' }, 0);
    await run('run (identifiants dans l’URL de l’API)', ['-C', fresh, 'run', '--yes'], { ...withSmtp, RELAIS_FACEBOOK_API_URL: `https://page:${URL_SECRET}@graph.example` }, 2);
    // The sample's posts are dated 2020: --publish-late publishes them (and passes the tokens) now.
    await run('run', ['-C', await sampleWithLetters(), 'run', '--dep', '45', '--yes', '--publish-late'], withSmtp, 0);

    expect(runs.map(([name, r]) => `${name} → ${r.code}`)).toEqual(runs.map(([name, , expected]) => `${name} → ${expected}`));
    const outputs = runs.map(([, r]) => r.stdout + r.stderr).join('\n');
    // The refusals really quoted the credentials, and were masked.
    expect(outputs).toContain(`X refuse le message (403) : token ${MASK} may not post`);
    expect(outputs).toContain(`Facebook refuse le message : (#100) token ${MASK} invalid parameter`);
    expect(outputs).toContain(`Bearer ${MASK} cannot post`);
    expect(outputs).toContain("RELAIS_FACEBOOK_API_URL : l'adresse ne doit pas contenir d'identifiant");
    // Every file of the three campaigns (out/, .relais/, exports), its bytes searched one by one.
    const leaks: string[] = [];
    for (const file of [dir, fresh, broken].flatMap(allFiles)) {
      const bytes = readFileSync(file);
      for (const value of ALL) if (bytes.includes(value)) leaks.push(`${file}: ${value}`);
    }
    expect(leaks).toEqual([]);
    const db = new Database(join(dir, '.relais/journal.sqlite'), { readonly: true });
    const journal = JSON.stringify([db.prepare('SELECT * FROM deliveries').all(), db.prepare('SELECT * FROM posts').all()]);
    db.close();
    expect(journal).toContain(MASK);
    for (const value of ALL) {
      expect(outputs, value).not.toContain(value);
      expect(journal, value).not.toContain(value);
    }
    tally.push([`secrets (${ALL.length} valeurs × ${runs.length} exécutions : sorties, fichiers, journal)`, ALL.length * runs.length]);
  }, 600_000);
});
