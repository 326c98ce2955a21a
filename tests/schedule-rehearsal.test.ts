import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { BIN, relais, relaisJson } from './helpers/cli.js';
import { ensureDebianPackage } from './helpers/debian.js';
import { linkedinPublisher } from '../src/delivery/social.js';
import { readEnvironment } from '../src/settings.js';
import { socialEnv, startSocial, TOKENS, type SocialServer } from './servers/social.js';
import { waitFor } from './helpers/wait.js';

/**
 * A rehearsal (no credentials: the local outbox) is never a publication; a post long past due is
 * never published by surprise; an API that stops answering stops the run; two runs at once
 * publish each post once.
 */
interface Post {
  id: number;
  channel: string;
  text: string;
  status: string;
  destination: string | null;
  outbox_path: string | null;
  remote_id: string | null;
}
interface RunJson {
  ok: boolean;
  published: Array<{ id: number; channel: string; destination: string }>;
  rehearsed: Array<{ id: number; path: string; late: boolean }>;
  late: Array<{ id: number }>;
  deferred: unknown[];
  outage: { channel: string; attempts: number } | null;
  bilan: { publiees: number; prevues: number; repetees: number };
}

let server: SocialServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function withoutPublications(dir: string): string {
  const yaml = join(dir, 'campagne.yaml');
  writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/\npublications:\n(?: {2}.*\n)+/, '\n'));
  return dir;
}

const list = async (dir: string, env: Record<string, string> = {}) => (await relaisJson<Post[]>(['-C', dir, 'schedule', 'list'], { env })).json;
const add = (dir: string, channel: string, text: string, env: Record<string, string> = {}) => relais(['-C', dir, 'schedule', 'add', '--channel', channel, '--at', 'now', '--text', text], { env });
/**
 * Several posts due now, queued by one `schedule import` rather than one `schedule add` each (a
 * relais process costs about a second of CPU): for the tests whose subject is what comes after.
 */
async function queue(dir: string, posts: Array<[channel: string, text: string]>): Promise<void> {
  const file = join(dir, 'a-publier.csv');
  writeFileSync(file, ['canal;date;texte', ...posts.map(([channel, text]) => `${channel};now;"${text.replaceAll('"', '""')}"`)].join('\n'));
  const r = await relais(['-C', dir, 'schedule', 'import', file]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain(`${posts.length} publications importées`);
}

describe('the README guide: rehearsal without credentials, then publication with them', () => {
  it('publishes the sample campaign’s posts exactly once, the late ones only when asked', async () => {
    server = await startSocial();
    const env = socialEnv(server);
    // The sample campaign as it is: its three publications are dated April 2020.
    const dir = sampleCampaign();

    const rehearsal = await relaisJson<RunJson>(['-C', dir, 'schedule', 'run'], {});
    expect(rehearsal.code, rehearsal.stderr).toBe(0);
    expect(rehearsal.json.published).toEqual([]);
    expect(rehearsal.json.rehearsed.map((r) => r.path).sort()).toEqual(['out/publications/1-twitter.txt', 'out/publications/2-linkedin.txt', 'out/publications/3-facebook.txt']);
    // Late posts are written as of today in the outbox, their planned time kept beside.
    const copy = JSON.parse(readFileSync(join(dir, 'out/publications/1-twitter.json'), 'utf8')) as { date: string; prevue: string };
    expect(copy.prevue).toBe('2020-04-11T07:00:00.000Z');
    expect(Date.parse(copy.date)).toBeGreaterThan(Date.parse(copy.prevue) + 365 * 86_400_000);
    expect(rehearsal.json.rehearsed.every((r) => r.late)).toBe(true);
    expect(rehearsal.json.bilan).toMatchObject({ publiees: 0, prevues: 3, repetees: 3 });
    expect((await list(dir)).map((p) => p.status)).toEqual(['queued', 'queued', 'queued']);

    // A second rehearsal writes nothing again.
    const again = await relaisJson<RunJson>(['-C', dir, 'schedule', 'run'], {});
    expect(again.json.rehearsed).toEqual([]);

    // With credentials: the late posts wait, and say how to publish them.
    const held = await relais(['-C', dir, 'schedule', 'run'], { env });
    expect(held.code).toBe(1);
    expect(held.stdout).toContain('prévue le 2020-04-11 09:00 Europe/Paris, il y a plus de 24 h — pas publiée');
    expect(held.stdout).toContain('--publish-late');
    expect(server.received).toEqual([]);

    const real = await relaisJson<RunJson>(['-C', dir, 'schedule', 'run', '--publish-late'], { env });
    expect(real.code, real.stderr).toBe(0);
    expect(real.json.ok).toBe(true);
    expect(real.json.published.map((p) => p.channel).sort()).toEqual(['facebook', 'linkedin', 'twitter']);
    expect(server.published.map((p) => p.network).sort()).toEqual(['facebook', 'linkedin', 'twitter']);
    const posts = await list(dir, env);
    expect(posts.map((p) => p.status)).toEqual(['published', 'published', 'published']);
    // Both facts are kept: the rehearsal and the publication.
    expect(posts.map((p) => [p.destination, p.outbox_path])).toEqual([
      ['twitter', 'out/publications/1-twitter.txt'],
      ['linkedin:urn:li:organization:4242', 'out/publications/2-linkedin.txt'],
      ['facebook:123', 'out/publications/3-facebook.txt'],
    ]);
    const shown = await relais(['-C', dir, 'schedule', 'list'], { env });
    expect(shown.stdout).toContain('publié sur twitter : https://x.com/i/web/status/');
    expect(shown.stdout).toContain('répétition : out/publications/1-twitter.txt');

    const last = await relaisJson<RunJson>(['-C', dir, 'schedule', 'run', '--publish-late'], { env });
    expect(last.json.published).toEqual([]);
    expect(server.received).toHaveLength(3);
  });
});

describe('journals written before this version', () => {
  it('a post a format-3 journal says was "published" to the outbox is published for real once credentials are set', async () => {
    server = await startSocial();
    const env = socialEnv(server);
    const dir = withoutPublications(sampleCampaign());
    expect((await add(dir, 'facebook', 'Merci aux maires')).code).toBe(0);
    // What relais wrote before format 4: the outbox copy as status published, no destination column.
    const db = new Database(join(dir, '.relais', 'journal.sqlite'));
    db.exec(`UPDATE posts SET status = 'published', remote_id = 'outbox:1-facebook', published_at = '2026-01-01T10:00:00.000Z', attempts = 1;
      ALTER TABLE posts DROP COLUMN destination; ALTER TABLE posts DROP COLUMN outbox_at; ALTER TABLE posts DROP COLUMN outbox_path; ALTER TABLE posts DROP COLUMN claim;
      DROP TABLE deliveries;
      CREATE TABLE deliveries (
        campaign TEXT NOT NULL, channel TEXT NOT NULL, commune TEXT NOT NULL,
        departement TEXT NOT NULL, recipient TEXT NOT NULL,
        status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
        last_reply TEXT, message_hash TEXT, message_id TEXT,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL, sent_at TEXT,
        PRIMARY KEY (campaign, channel, commune)
      );`);
    db.pragma('user_version = 3');
    db.close();

    expect((await list(dir))[0]).toMatchObject({ status: 'queued', destination: null, remote_id: null, outbox_path: 'out/publications/1-facebook.txt' });
    const run = await relais(['-C', dir, 'schedule', 'run'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(server.published.map((p) => p.form?.get('message'))).toEqual(['Merci aux maires']);
    expect((await list(dir))[0]).toMatchObject({ status: 'published', destination: 'facebook:123' });
  });
});

describe('cancel', () => {
  it('a rehearsed post is cancelled plainly; a published one must be deleted on the network', async () => {
    server = await startSocial();
    const env = socialEnv(server);
    const dir = withoutPublications(sampleCampaign());
    await add(dir, 'x', 'Répété seulement');
    await add(dir, 'linkedin', 'Publié pour de vrai');
    expect((await relais(['-C', dir, 'schedule', 'run'])).code).toBe(0);
    const rehearsed = await relais(['-C', dir, 'schedule', 'cancel', '1']);
    expect(rehearsed.code, rehearsed.stderr).toBe(0);
    expect(rehearsed.stdout).toContain('Publication n° 1 annulée. Sa copie de répétition reste dans out/publications/1-twitter.txt.');
    expect((await relais(['-C', dir, 'schedule', 'run'], { env })).code).toBe(0);
    expect(server.published.map((p) => p.network)).toEqual(['linkedin']);
    const published = await relais(['-C', dir, 'schedule', 'cancel', '2'], { env });
    expect(published.code).toBe(1);
    expect(published.stderr).toContain('la publication n° 2 est déjà publiée sur linkedin (urn:li:organization:4242) : supprimez-la sur le réseau');
  });
});

describe('an API that stops answering', () => {
  it('three answers 503 in a row stop that network for the run (the others go on), say what was published and what remains; the next run resumes', async () => {
    server = await startSocial();
    const env = socialEnv(server);
    const dir = withoutPublications(sampleCampaign());
    await queue(dir, [
      ['x', 'Premier message'],
      ['facebook', 'Deuxième message'],
      ['facebook', 'Troisième message'],
      ['linkedin', 'Quatrième message'],
    ]);
    for (let i = 0; i < 3; i++) server.script.facebook.push({ status: 503, body: { error: { message: 'Service temporarily unavailable', code: 2 } } });
    const run = await relais(['-C', dir, 'schedule', 'run'], { env });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Facebook ne répond pas (3 tentatives de suite : Facebook : erreur du service (503))');
    expect(run.stdout).toContain('2 publications publiées pendant cette exécution, 2 restent à publier');
    expect(run.stdout).toContain('relancez « relais schedule run »');
    // Three requests to the silent API, none to its posts after it; LinkedIn's post goes out all the same.
    expect(server.received.map((r) => r.network)).toEqual(['twitter', 'facebook', 'facebook', 'facebook', 'linkedin']);
    const json = await relaisJson<RunJson>(['-C', dir, 'schedule', 'run'], { env });
    expect(json.code, json.stderr).toBe(0);
    expect(json.json.published.map((p) => p.id)).toEqual([2, 3]);
    expect(server.published).toHaveLength(4);
  });

  it('the outage is reported in --json too, with ok false', async () => {
    server = await startSocial();
    const env = socialEnv(server);
    const dir = withoutPublications(sampleCampaign());
    await add(dir, 'linkedin', 'Un message');
    // 503: the service's own « not done » (a 502/504 gateway answer leaves the post unconfirmed instead).
    for (let i = 0; i < 3; i++) server.script.linkedin.push({ status: 503, body: { message: 'Service Unavailable' } });
    const run = await relaisJson<RunJson>(['-C', dir, 'schedule', 'run'], { env });
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ ok: false, outage: { channel: 'linkedin', attempts: 3 } });
    expect(run.stderr).toContain('LinkedIn ne répond pas');
    expect(run.stderr).toContain('0 publication publiée pendant cette exécution, 1 reste à publier');
  });
});

describe('two runs at once', () => {
  it('publish each post once: each is claimed by one run only', async () => {
    // Every answer takes a while, so both runs are in flight at the same time.
    server = await startSocial(TOKENS, { delayMs: 300 });
    const env = socialEnv(server);
    const dir = withoutPublications(sampleCampaign());
    const texts = ['Un', 'Deux', 'Trois', 'Quatre', 'Cinq', 'Six'].map((t) => `Message ${t}`);
    await queue(dir, texts.map((text, i) => [['x', 'facebook', 'linkedin'][i % 3]!, text]));
    const [a, b] = await Promise.all([relaisJson<RunJson>(['-C', dir, 'schedule', 'run'], { env }), relaisJson<RunJson>(['-C', dir, 'schedule', 'run'], { env })]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(server.received).toHaveLength(6);
    const sent = server.received.map((r) => (r.network === 'facebook' ? r.form?.get('message') : r.network === 'twitter' ? r.json?.text : r.json?.commentary));
    expect(sent.sort()).toEqual([...texts].sort());
    expect([...a.json.published, ...b.json.published].map((p) => p.id).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await list(dir, env)).every((p) => p.status === 'published')).toBe(true);
  });
});

describe('bad input', () => {
  it('an import with an unknown statut is refused with its line, nothing imported; closed statuts are set aside and named', async () => {
    const dir = withoutPublications(sampleCampaign());
    const file = join(dir, 'import.csv');
    writeFileSync(file, 'id;canal;date;texte;statut\n;twitter;2031-01-01 10:00;Bon;\n;facebook;2031-01-02 10:00;Statut inconnu;brouillon\n;linkedin;2031-01-03 10:00;Bon aussi;prévu\n');
    const bad = await relais(['-C', dir, 'schedule', 'import', file]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/import\.csv:3: statut « brouillon » inconnu/);
    expect(bad.stderr).toContain("rien n'a été importé");
    expect(await list(dir)).toEqual([]);
    writeFileSync(file, 'id;canal;date;texte;statut\n;twitter;2031-01-01 10:00;Bon;\n;facebook;2031-01-02 10:00;Déjà fait;published\n;linkedin;2031-01-03 10:00;Bon aussi;prévu\n');
    const ok = await relais(['-C', dir, 'schedule', 'import', file]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('3 lignes lues : 2 publications importées, 1 écartée.');
    expect(ok.stdout).toMatch(/import\.csv:3: statut « published » : publication déjà publiée, pas importée/);
    expect((await list(dir)).map((p) => p.text)).toEqual(['Bon', 'Bon aussi']);
  });

  describe('export', () => {
    // One campaign with a post for the four refusals: a refused export changes nothing.
    let dir: string;
    beforeAll(async () => {
      dir = withoutPublications(sampleCampaign());
      expect((await add(dir, 'x', 'Un message')).code).toBe(0);
    });

    it.each([['campagne.yaml'], ['data/maires.csv'], ['templates/TEMPLATE'], ['.relais/journal.sqlite']])('export refuses to write over %s', async (target) => {
      const path = join(dir, target.replace('TEMPLATE', readdirSync(join(dir, 'templates'))[0]!));
      const before = readFileSync(path);
      const r = await relais(['-C', dir, 'schedule', 'export', path]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("l'export ne l'écrase pas");
      expect(readFileSync(path)).toEqual(before);
    });
  });

  it.each([['RELAIS_X_API_URL'], ['RELAIS_FACEBOOK_API_URL'], ['RELAIS_LINKEDIN_API_URL']])('%s in http:// to another machine is refused before any token leaves', async (name) => {
    server = await startSocial();
    // The sample's own three posts, one per network, would all go out with --publish-late.
    const dir = sampleCampaign();
    const r = await relais(['-C', dir, 'schedule', 'run', '--publish-late'], { env: { ...socialEnv(server), [name]: 'http://api.example.org' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${name} : http:// enverrait les jetons en clair à api.example.org ; utilisez https://`);
    expect(server.received).toEqual([]);
  });
});

describe('tokens never in clear', () => {
  const creds = { RELAIS_LINKEDIN_TOKEN: 't', RELAIS_LINKEDIN_ORGANIZATION: '1' };
  it.each([['http://localhost:8080'], ['http://127.0.0.2:1'], ['http://[::1]:8080'], ['https://api.example.org']])('%s is accepted', (url) => {
    expect(linkedinPublisher(readEnvironment({ ...creds, RELAIS_LINKEDIN_API_URL: url }))?.destination).toBe('linkedin:urn:li:organization:1');
  });
  it.each([['http://10.0.0.1'], ['http://127.0.0.1.example.org'], ['http://localhost.evil.example'], ['http://[::2]']])('%s is refused', (url) => {
    expect(() => linkedinPublisher(readEnvironment({ ...creds, RELAIS_LINKEDIN_API_URL: url }))).toThrow(/RELAIS_LINKEDIN_API_URL : http:\/\/ enverrait les jetons en clair/);
  });
});

describe('late posts on a terminal', () => {
  /** relais in a pseudo-terminal (script, from util-linux), its output collected. */
  function inTerminal(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
    ensureDebianPackage('/usr/bin/script', 'bsdutils');
    const command = `stty cols 120 rows 40; exec ${[process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ')}`;
    const child = spawn('script', ['-qefc', command, '/dev/null'], { env: { ...process.env, ...env, NO_COLOR: '1', CI: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    return { child, output: () => output, exited };
  }

  async function answer(dir: string, env: Record<string, string>, reply: string): Promise<{ code: number | null; output: string }> {
    const t = inTerminal(['-C', dir, 'schedule', 'run'], env);
    try {
      await waitFor(() => t.output().includes('[o/N]'));
      t.child.stdin!.write(`${reply}\r`);
      return { code: await t.exited, output: t.output() };
    } finally {
      t.child.kill('SIGKILL');
    }
  }

  it('asks before publishing them: « n » keeps them, « o » publishes each once', async () => {
    server = await startSocial();
    const env = socialEnv(server);
    const dir = sampleCampaign();
    const no = await answer(dir, env, 'n');
    expect(no.output).toContain('3 publications prévues il y a plus de 24 h');
    expect(no.code).toBe(1);
    expect(server.received).toEqual([]);
    const yes = await answer(dir, env, 'o');
    expect(yes.code).toBe(0);
    expect(yes.output).toContain('3 publiées sur les réseaux');
    expect(server.published.map((p) => p.network).sort()).toEqual(['facebook', 'linkedin', 'twitter']);
  });
});

