import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleCampaign, sampleWithoutPublications } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { socialEnv, startSocial, type SocialServer } from './servers/social.js';

interface Post {
  id: number;
  channel: string;
  status: string;
  remote_id: string | null;
  last_error: string | null;
  next_attempt_utc: string | null;
  due_utc: string;
  local_time: string;
  destination: string | null;
  outbox_path: string | null;
  outbox_at: string | null;
}

let server: SocialServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});


async function setup() {
  server = await startSocial();
  return { dir: sampleWithoutPublications(), env: socialEnv(server), server };
}

const add = (dir: string, env: Record<string, string>, channel: string, text: string, at = 'now') => relaisJson<Post & { avertissements: string[] }>(['-C', dir, 'schedule', 'add', '--channel', channel, '--at', at, '--text', text], { env });
const list = async (dir: string, env: Record<string, string>) => (await relaisJson<Post[]>(['-C', dir, 'schedule', 'list'], { env })).json;

describe('relais schedule against local API servers', () => {
  it('publishes on all three networks, each once, with what each API requires', async () => {
    const { dir, env, server } = await setup();
    await add(dir, env, 'x', 'Inscrivez-vous sur https://www.renfort-covid.fr #renfortscovid');
    await add(dir, env, 'facebook', 'Message Facebook https://www.renfort-covid.fr');
    await add(dir, env, 'linkedin', '#renfortscovid Infos (détails) sur www.renfort-covid.fr');
    const first = await relaisJson<{ published: Array<{ channel: string; outbox: boolean }> }>(['-C', dir, 'schedule', 'run'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.json.published.map((p) => p.channel).sort()).toEqual(['facebook', 'linkedin', 'twitter']);
    expect(first.json.published.every((p) => !p.outbox)).toBe(true);
    const x = server.published.find((p) => p.network === 'twitter')!;
    expect(x.headers.authorization).toMatch(/^OAuth .*oauth_consumer_key="app-key".*oauth_token="access-token"/);
    expect(x.json).toEqual({ text: 'Inscrivez-vous sur https://www.renfort-covid.fr #renfortscovid' });
    const fb = server.published.find((p) => p.network === 'facebook')!;
    expect(fb.form?.get('message')).toBe('Message Facebook https://www.renfort-covid.fr');
    const li = server.published.find((p) => p.network === 'linkedin')!;
    expect(li.json).toMatchObject({ author: 'urn:li:organization:4242', commentary: '{hashtag|\\#|renfortscovid} Infos \\(détails\\) sur www.renfort-covid.fr', visibility: 'PUBLIC', lifecycleState: 'PUBLISHED' });
    expect(li.headers['linkedin-version']).toMatch(/^\d{6}$/);
    const posts = await list(dir, env);
    expect(posts.map((p) => p.status)).toEqual(['published', 'published', 'published']);
    expect(posts.find((p) => p.channel === 'linkedin')!.remote_id).toMatch(/^urn:li:share:/);
    // The journal knows which account each post went to.
    expect(posts.map((p) => p.destination).sort()).toEqual(['facebook:123', 'linkedin:urn:li:organization:4242', 'twitter']);

    const second = await relaisJson<{ published: unknown[] }>(['-C', dir, 'schedule', 'run'], { env });
    expect(second.json.published).toEqual([]);
    expect(server.published).toHaveLength(3);
  });

  it('an X duplicate is refused with its reason, in French', async () => {
    const { dir, env, server } = await setup();
    server.script.twitter.push({ status: 403, body: { detail: 'You are not allowed to create a Tweet with duplicate content.', type: 'about:blank', title: 'Forbidden', status: 403 } });
    await add(dir, env, 'x', 'Deux fois le même message');
    const run = await relais(['-C', dir, 'schedule', 'run'], { env });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('X refuse un message identique');
    expect((await list(dir, env))[0]).toMatchObject({ status: 'failed' });
  });

  it('a 429 waits for the reset the network gave, then succeeds after it', async () => {
    const { dir, env, server } = await setup();
    // A reset already past when relais reads it is still the time it reports and waits for: the
    // test only waits it out, so it is kept short.
    const reset = Math.floor(Date.now() / 1000) + 2;
    server.script.twitter.push({ status: 429, headers: { 'x-rate-limit-reset': String(reset), 'x-rate-limit-remaining': '0', 'x-rate-limit-limit': '17' }, body: { title: 'Too Many Requests', status: 429 } });
    await add(dir, env, 'x', 'Message limité');
    const first = await relaisJson<{ deferred: Array<{ until: string }> }>(['-C', dir, 'schedule', 'run'], { env });
    expect(first.json.deferred[0]!.until).toBe(new Date(reset * 1000).toISOString());
    expect((await list(dir, env))[0]).toMatchObject({ status: 'queued', next_attempt_utc: new Date(reset * 1000).toISOString() });
    await new Promise((r) => setTimeout(r, Math.max(0, reset * 1000 - Date.now() + 100)));
    const after = await relaisJson<{ published: unknown[] }>(['-C', dir, 'schedule', 'run'], { env });
    expect(after.json.published).toHaveLength(1);
    expect(server.published).toHaveLength(1);
  });

  it('a 401 keeps the post queued and says which credential to renew', async () => {
    const { dir, env, server } = await setup();
    await add(dir, env, 'linkedin', 'Message LinkedIn');
    const run = await relais(['-C', dir, 'schedule', 'run'], { env: { ...env, RELAIS_LINKEDIN_TOKEN: 'expired' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('renouvelez RELAIS_LINKEDIN_TOKEN');
    expect((await list(dir, env))[0]!.status).toBe('queued');
    expect(server.published).toHaveLength(0);
    const fb = await add(dir, env, 'facebook', 'Message Facebook');
    expect(fb.code).toBe(0);
    const badFb = await relais(['-C', dir, 'schedule', 'run'], { env: { ...env, RELAIS_FACEBOOK_PAGE_TOKEN: 'expired' } });
    expect(badFb.stdout).toContain('renouvelez RELAIS_FACEBOOK_PAGE_TOKEN');
  });

  it('a 500 is retried, then succeeds', async () => {
    const { dir, env, server } = await setup();
    server.script.facebook.push({ status: 500, body: { error: { message: 'An unknown error occurred', code: 1 } } });
    await add(dir, env, 'facebook', 'Message après une erreur');
    const run = await relaisJson<{ published: unknown[] }>(['-C', dir, 'schedule', 'run'], { env });
    expect(run.json.published).toHaveLength(1);
    expect(server.received.filter((r) => r.network === 'facebook')).toHaveLength(2);
  });

  it('a timeout after sending: unconfirmed, never retried on its own', async () => {
    const { dir, env, server } = await setup();
    server.script.linkedin.push({ hang: true, status: 0 });
    await add(dir, env, 'linkedin', 'Message sans réponse');
    const run = await relaisJson<{ unconfirmed: unknown[] }>(['-C', dir, 'schedule', 'run'], { env });
    expect(run.code).toBe(1);
    expect(run.json.unconfirmed).toHaveLength(1);
    const again = await relaisJson<{ published: unknown[] }>(['-C', dir, 'schedule', 'run'], { env });
    expect(again.json.published).toEqual([]);
    expect(server.received.filter((r) => r.network === 'linkedin')).toHaveLength(1);
    const shown = await relais(['-C', dir, 'schedule', 'list'], { env });
    expect(shown.stdout).toContain('non confirmé');
    expect(shown.stdout).toContain('vérifiez sur le réseau');
  });

  it('without credentials, posts are rehearsed in out/publications/ and stay queued for their network', async () => {
    const { dir } = await setup();
    await add(dir, {}, 'x', 'Hors ligne');
    const run = await relais(['-C', dir, 'schedule', 'run']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('répétition écrite dans out/publications/1-twitter.txt');
    expect(run.stdout).toContain('0 publiée sur les réseaux, 1 prévue (dont 1 répétée dans out/publications/)');
    expect(readFileSync(join(dir, 'out/publications/1-twitter.txt'), 'utf8')).toBe('Hors ligne\n');
    expect((await list(dir, {}))[0]).toMatchObject({ status: 'queued', destination: null, outbox_path: 'out/publications/1-twitter.txt', remote_id: null });
  });

  it('plans in Europe/Paris and stores the UTC instant; refuses a non-existent local time', async () => {
    const { dir, env } = await setup();
    const summer = await add(dir, env, 'x', 'Été', '2031-07-01 09:00');
    expect(summer.json).toMatchObject({ local_time: '2031-07-01 09:00', due_utc: '2031-07-01T07:00:00.000Z' });
    const winter = await add(dir, env, 'x', 'Hiver', '2031-01-15 09:00');
    expect(winter.json.due_utc).toBe('2031-01-15T08:00:00.000Z');
    const other = await relaisJson<Post>(['-C', dir, 'schedule', 'add', '--channel', 'x', '--at', '2031-01-15 09:00', '--tz', 'America/Cayenne', '--text', 'Guyane'], { env });
    expect(other.json.due_utc).toBe('2031-01-15T12:00:00.000Z');
    const gap = await relais(['-C', dir, 'schedule', 'add', '--channel', 'x', '--at', '2020-03-29 02:30', '--text', 'x'], { env });
    expect(gap.code).toBe(1);
    expect(gap.stderr).toContain("n'existe pas à Europe/Paris");
    const dup = await add(dir, env, 'x', 'Été', '2031-07-03 09:00');
    expect(dup.json.avertissements[0]).toContain('même texte déjà prévu');
  });
});

describe('relais schedule: bad input', () => {
  it('an unknown channel', async () => {
    const { dir, env } = await setup();
    // A mistake of the command line, exit 2, as preview and count say of a wrong --channel.
    const r = await relais(['-C', dir, 'schedule', 'add', '--channel', 'myspace', '--at', 'now', '--text', 'x'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('canal « myspace » inconnu');
    const t = await relais(['-C', dir, 'schedule', 'add', '--channel', 'x', '--at', 'now', '--template', '../../modeles/twitter'], { env });
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('modèle « ../../modeles/twitter » inconnu : twitter (ou x), facebook, linkedin');
    // The SMS of the annex are the town halls' to send: said, not only « inconnu ».
    const sms = await relais(['-C', dir, 'schedule', 'add', '--channel', 'sms', '--at', 'now', '--text', 'x'], { env });
    expect(sms.code).toBe(2);
    expect(sms.stderr).toContain('les SMS ne se programment pas');
    expect(sms.stderr).not.toContain('inconnu');
  });

  it('--at unparsable or in the past', async () => {
    const { dir, env } = await setup();
    const bad = await relais(['-C', dir, 'schedule', 'add', '--channel', 'x', '--at', 'demain matin', '--text', 'x'], { env });
    expect(bad.stderr).toContain('illisible');
    const past = await relais(['-C', dir, 'schedule', 'add', '--channel', 'x', '--at', '2020-04-11 09:00', '--text', 'x'], { env });
    expect(past.code).toBe(1);
    expect(past.stderr).toContain('dans le passé');
  });

  it('a tweet of 281 weighted characters', async () => {
    const { dir, env } = await setup();
    const r = await relais(['-C', dir, 'schedule', 'add', '--channel', 'x', '--at', 'now', '--text', 'a'.repeat(281)], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('281 caractères pondérés : 1 de trop');
  });

  it('an import CSV with a missing column, and one with a bad date and an unknown channel on different lines', async () => {
    const { dir, env } = await setup();
    const missing = join(dir, 'sans-texte.csv');
    writeFileSync(missing, 'id;canal;date\n1;x;2031-01-01T10:00:00+01:00\n');
    const m = await relais(['-C', dir, 'schedule', 'import', missing], { env });
    expect(m.code).toBe(1);
    expect(m.stderr).toContain('colonne manquante : texte');
    const file = join(dir, 'import.csv');
    writeFileSync(file, 'id;canal;date;texte;statut\n;twitter;2031-01-01T10:00:00+01:00;Bon message;\n;twitter;2031-02-30T10:00:00+01:00;Mauvaise date;\n;minitel;2031-01-01T10:00:00+01:00;Mauvais canal;\n;facebook;2031-01-02T10:00:00+01:00;Bon aussi;\n');
    const r = await relais(['-C', dir, 'schedule', 'import', file], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('2 lignes invalides : rien');
    expect(r.stderr).toMatch(/import\.csv:3: .*2031-02-30/);
    expect(r.stderr).toMatch(/import\.csv:4: .*minitel/);
    expect(await list(dir, env)).toEqual([]);
    writeFileSync(file, 'id;canal;date;texte;statut\n;twitter;2031-01-01T10:00:00+01:00;Bon message;\n;facebook;2031-01-02 10:00;Bon aussi;\n');
    expect((await relais(['-C', dir, 'schedule', 'import', file], { env })).code).toBe(0);
    const out = join(dir, 'export.csv');
    await relais(['-C', dir, 'schedule', 'export', out], { env });
    expect(readFileSync(out, 'utf8')).toContain('1;twitter;2031-01-01T09:00:00.000Z;Bon message;queued');
  });

  it('an export imported again gives the same texts, formula-like starts included (neutralised in the file only)', async () => {
    const { dir, env } = await setup();
    const texts = ['@ARS_CVL merci aux maires du Loiret', '+33 2 38 00 00 00 : la plateforme répond', '-20 % de délai grâce à vous', '=1+1 reste du texte'];
    for (const text of texts) expect((await add(dir, env, 'x', text, '2031-01-01 10:00')).code).toBe(0);
    const file = join(dir, 'publications.csv');
    expect((await relais(['-C', dir, 'schedule', 'export', file], { env })).code).toBe(0);
    const csv = readFileSync(file, 'utf8');
    // A spreadsheet opening the file runs none of them.
    for (const text of texts) expect(csv).toContain(`;'${text};`);
    const other = sampleWithoutPublications();
    const r = await relais(['-C', other, 'schedule', 'import', file], { env });
    expect(r.code).toBe(0);
    const imported = (await relaisJson<Array<{ text: string }>>(['-C', other, 'schedule', 'list'], { env })).json;
    expect(imported.map((p) => p.text)).toEqual(texts);
  });

  it('lists n° 9 and n° 10 with their columns in line', async () => {
    const dir = sampleWithoutPublications();
    const file = join(dir, 'publications.csv');
    const rows = Array.from({ length: 11 }, (_, i) => `${i % 2 ? 'facebook' : 'x'};2031-01-${String(i + 1).padStart(2, '0')} 10:00;Message ${i + 1}`);
    writeFileSync(file, ['canal;date;texte', ...rows].join('\n'));
    expect((await relais(['-C', dir, 'schedule', 'import', file])).code).toBe(0);
    const { stdout } = await relais(['-C', dir, 'schedule', 'list']);
    const lines = stdout.split('\n').filter((l) => l.startsWith('n°'));
    expect(lines).toHaveLength(11);
    // The channel, the date and the text start at the same column on every line.
    for (const word of [/ (twitter|facebook) /, /2031-/, /Message /]) expect(new Set(lines.map((l) => l.search(word))).size).toBe(1);
  });

  it('cancel of an unknown id', async () => {
    const { dir, env } = await setup();
    const r = await relais(['-C', dir, 'schedule', 'cancel', '42'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('aucune publication n° 42');
  });

  it.each([
    ['RELAIS_X_API_URL', 'ftp://api.example', 'protocole « ftp » inconnu'],
    ['RELAIS_FACEBOOK_API_URL', 'graph facebook', 'illisible'],
    ['RELAIS_LINKEDIN_API_URL', 'https://moi:motdepasse@api.example', "ne doit pas contenir d'identifiant"],
  ])('%s « %s » is refused before anything is published', async (name, value, message) => {
    const { env, server } = await setup();
    // The sample's own three posts, one per network, would all go out with --publish-late.
    const dir = sampleCampaign();
    const r = await relais(['-C', dir, 'schedule', 'run', '--publish-late'], { env: { ...env, [name]: value } });
    // Settings are validated at start: a usage error.
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^relais : ${name} .*${message}`, 'm'));
    expect(r.stderr).not.toContain('motdepasse');
    expect(server.received).toEqual([]);
  });

  it('credentials set for only part of a network', async () => {
    const { dir } = await setup();
    const r = await relais(['-C', dir, 'schedule', 'run'], { env: { RELAIS_X_APP_KEY: 'k', RELAIS_X_ACCESS_TOKEN: 't' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('identifiants X incomplets : il manque RELAIS_X_APP_SECRET, RELAIS_X_ACCESS_SECRET');
  });
});
