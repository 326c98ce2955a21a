import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { schemaKeysAt } from '../src/campaign/zod-shape.js';
import { keysAt } from '../src/campaign/schema.js';
import { buildHeaderValue, detectMimeType, foldLines, MimeNode } from '../src/delivery/mime.js';

/**
 * Contracts of the adapters that reach into a library's internals. Each assertion is something
 * relais relies on and the library does not promise: a new version that changes it fails here.
 */
describe('zod adapter (schema internals)', () => {
  const schema = z.strictObject({
    titre: z.string(),
    options: z.strictObject({ a: z.string(), b: z.number() }).optional(),
    defaut: z.strictObject({ c: z.string() }).default({ c: 'x' }),
    nullable: z.strictObject({ n: z.string() }).nullable(),
    source: z.union([z.string(), z.strictObject({ fichier: z.string(), colonnes: z.record(z.string(), z.string()).optional() })]),
    code: z.union([z.string(), z.number()]).transform((v) => String(v)),
    parDep: z.record(z.string(), z.strictObject({ prefet: z.strictObject({ nom: z.string(), genre: z.enum(['F', 'M']) }) })),
    modeles: z.partialRecord(z.enum(['lettre', 'sms']), z.string()).optional(),
    transforme: z.strictObject({ t: z.string() }).transform((v) => v),
  });

  it('lists the keys of an object, through optional, default, nullable, a union and a transform', () => {
    expect(schemaKeysAt(schema, [])).toEqual(['titre', 'options', 'defaut', 'nullable', 'source', 'code', 'parDep', 'modeles', 'transforme']);
    expect(schemaKeysAt(schema, ['options'])).toEqual(['a', 'b']);
    expect(schemaKeysAt(schema, ['defaut'])).toEqual(['c']);
    expect(schemaKeysAt(schema, ['nullable'])).toEqual(['n']);
    expect(schemaKeysAt(schema, ['source'])).toEqual(['fichier', 'colonnes']);
    expect(schemaKeysAt(schema, ['transforme'])).toEqual(['t']);
  });

  it('goes through a record to its values, and lists an enumerated record key', () => {
    expect(schemaKeysAt(schema, ['parDep', '45', 'prefet'])).toEqual(['nom', 'genre']);
    expect(schemaKeysAt(schema, ['modeles'])).toEqual(['lettre', 'sms']);
  });

  it('says nothing where any key or none is accepted', () => {
    expect(schemaKeysAt(schema, ['titre'])).toEqual([]);
    expect(schemaKeysAt(schema, ['code'])).toEqual([]);
    expect(schemaKeysAt(schema, ['source', 'colonnes'])).toEqual([]);
    expect(schemaKeysAt(schema, ['inconnu', 'x'])).toEqual([]);
  });

  it('on the campaign schema itself', () => {
    expect(keysAt(['campagne'])).toEqual(['identifiant', 'titre', 'objet', 'date', 'plateforme', 'liens', 'volontaires']);
    expect(keysAt(['modeles'])).toEqual(['lettre', 'courriel_objet', 'courriel_texte', 'courriel_html', 'twitter', 'facebook', 'linkedin', 'sms']);
    expect(keysAt(['departements', '45', 'prefet'])).toEqual(['prenom', 'nom', 'genre', 'titre', 'signature']);
  });
});

describe('nodemailer adapter (nodemailer/lib internals)', () => {
  it('folds a header line at 76 characters, continuation lines starting with a space', () => {
    const line = `Subject: ${'mot '.repeat(30).trim()}`;
    const folded = foldLines(line, 76);
    expect(folded.split('\r\n').every((l) => l.length <= 76)).toBe(true);
    expect(folded.split('\r\n').slice(1).every((l) => l.startsWith(' '))).toBe(true);
    expect(folded.replace(/\r\n/g, '')).toBe(line);
  });

  it('encodes a non-ASCII parameter as RFC 2231 and keeps an ASCII one quoted or plain', () => {
    expect(buildHeaderValue({ value: 'application/pdf', params: { name: 'lettre-45234-orleans.pdf' } })).toBe('application/pdf; name=lettre-45234-orleans.pdf');
    expect(buildHeaderValue({ value: 'attachment', params: { filename: 'fiche synthèse.pdf' } })).toBe("attachment; filename*0*=utf-8''fiche%20synth%C3%A8se.pdf");
  });

  it('knows the types of the files relais attaches', () => {
    expect(detectMimeType('pdf')).toBe('application/pdf');
    expect(detectMimeType('png')).toBe('image/png');
    expect(detectMimeType('mp4')).toBe('video/mp4');
  });

  it('encodes a French subject as encoded words and an address with its display name', () => {
    const node = new MimeNode();
    expect(node.encodeHeaderValue('Subject', 'Lettre aux maires')).toBe('Lettre aux maires');
    const subject = node.encodeHeaderValue('Subject', 'Appel à volontaires — Orléans');
    expect(subject).toMatch(/^=\?UTF-8\?Q\?.*\?=$/);
    expect(subject).not.toMatch(/[^\x20-\x7e]/);
    expect(node.encodeHeaderValue('From', { name: 'Préfecture du Loiret', address: 'campagne@loiret.gouv.fr' } as never)).toBe('=?UTF-8?Q?Pr=C3=A9fecture_du_Loiret?= <campagne@loiret.gouv.fr>');
    expect(node.encodeHeaderValue('To', 'mairie@orleans.fr')).toBe('mairie@orleans.fr');
  });
});

describe('twitter-api-v2 adapter (the cause of a request error)', () => {
  it('finds the network error beneath a failed request, which the public getter does not give', async () => {
    const { createServer } = await import('node:net');
    const { ApiRequestError, TwitterApi } = await import('twitter-api-v2');
    const { requestCause } = await import('../src/delivery/twitter-errors.js');
    // A port that was just free: the connection is refused at once, before any byte leaves.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const client = new TwitterApi({ appKey: 'k', appSecret: 's', accessToken: 't', accessSecret: 'a' }, {
      plugins: [{ onBeforeRequestConfig: ({ params }) => void (params.url = params.url.replace(/^https:\/\/api\.(twitter|x)\.com/, `https://127.0.0.1:${port}`)) }],
    });
    const err = await client.v2.post('tweets', { text: 'x' }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ApiRequestError);
    // What relais works around: the pinned version's getter gives nothing.
    expect((err as InstanceType<typeof ApiRequestError>).requestError).toBeUndefined();
    expect((requestCause(err as InstanceType<typeof ApiRequestError>) as Error & { code?: string }).code).toBe('ECONNREFUSED');
  });
});

describe('the adapters are the only doors', () => {
  it('no other source file imports nodemailer/lib/*, reads zod internals or twitter-api-v2 internals', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join, relative } = await import('node:path');
    const root = join(import.meta.dirname, '..', 'src');
    const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => join(root, f));
    const users = (pattern: RegExp) => files.filter((f) => pattern.test(readFileSync(f, 'utf8'))).map((f) => relative(root, f).split('\\').join('/'));
    expect(users(/['"]nodemailer\/lib\//)).toEqual(['delivery/mime.ts']);
    expect(users(/\._zod\b/)).toEqual(['campaign/zod-shape.ts']);
    expect(users(/\._options\b/)).toEqual(['delivery/twitter-errors.ts']);
  });

  it('only the journal opens the database; the posts and media go through its interface', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join, relative } = await import('node:path');
    const root = join(import.meta.dirname, '..', 'src');
    const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => join(root, f));
    const users = (pattern: RegExp) => files.filter((f) => pattern.test(readFileSync(f, 'utf8'))).map((f) => relative(root, f).split('\\').join('/'));
    // The journal's own modules: the file opened and upgraded (for writing, or only to read it:
    // the look at which campaigns it holds before the campaign loads goes through it too), the
    // shared connection, the deliveries; and the run locks (lock.ts), whose own small files SQLite
    // locks for the kernel to release when a run dies: none of them the journal's database.
    expect(users(/from 'better-sqlite3'/).sort()).toEqual(['delivery/journal-schema.ts', 'delivery/journal-tables.ts', 'delivery/journal.ts', 'delivery/lock.ts']);
    expect(users(/\.database\b/)).toEqual([]);
  });
});
