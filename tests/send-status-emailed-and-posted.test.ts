import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * A town hall both emailed and noted posted: Audeville (45012) had no address, its letter went
 * into the Loiret's print file; an address turned up, `send` emailed it (« sa lettre était dans le
 * dernier fichier à imprimer … sinon elle aura les deux »); then the mail room posted that print
 * file as it was, and `letters --posted` noted every letter of it, Audeville's too.
 * `send` counted it « par courrier » (its letter posted, « pas de courriel »), while `run` and
 * `status` counted it among the emails sent: 302 + 23 against 301 + 24 for the same journal.
 * One rule now (delivery/state.ts, postedLetter): a server took its email, so it is counted by
 * email, and never written to again.
 */
interface Send {
  sent: number;
  failed: number;
  unconfirmed: number;
  skipped: number;
  alreadySent: number;
  byPost: number;
  warnings: string[];
  state: { sent: number; posted: number; notSent: number };
}
interface Run {
  departements: Array<{ code: string; courriels: { envoyes: number; parCourrier: number; aEnvoyer: number } }>;
}
interface Status {
  departements: Array<{ code: string; mairies: { total: number; parCourriel: number; parCourrier: number; aEnvoyer: number; lettresPostees: number }; courriels: { serveur: { sent: number } } }>;
}

const LOIRET = 325;
const AUDEVILLE = '45012';
let server: TestSmtp;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startSmtp();
  env = { RELAIS_SMTP_URL: server.url };
  dir = await sampleWithLetters();
  // The print file of the Loiret, as `relais letters` wrote it, holds Audeville's letter.
  const directory = join(dir, 'data', 'annuaire-mairies.json');
  const records = JSON.parse(readFileSync(directory, 'utf8')) as Array<{ code_insee_commune: string; adresse_courriel: string[] }>;
  const audeville = records.find((r) => r.code_insee_commune === AUDEVILLE)!;
  expect(audeville.adresse_courriel).toEqual([]);
  audeville.adresse_courriel = ['mairie@audeville.example'];
  writeFileSync(directory, JSON.stringify(records));
});
afterAll(async () => {
  await server.close();
});

describe('a town hall emailed, then its letter noted posted (letters --posted)', () => {
  it('is counted alike by send, run and status: reached by email, once, and not written to again', async () => {
    const first = await relaisJson<Send>(['-C', dir, 'send', '--dep', '45', '--yes'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.json).toMatchObject({ sent: 302, failed: 0, byPost: 23 });
    expect(first.json.warnings.join('\n')).toMatch(/Audeville 45012 : sa lettre était dans le dernier fichier à imprimer/);
    expect(server.received.filter((m) => m.to === 'mairie@audeville.example')).toHaveLength(1);

    // The mail room posted the print file as it was, Audeville's letter in it.
    const posted = await relais(['-C', dir, 'letters', '--posted', '--dep', '45', '--yes']);
    expect(posted.code, posted.stderr).toBe(0);

    const again = await relaisJson<Send>(['-C', dir, 'send', '--dep', '45', '--yes'], { env });
    expect(again.code, again.stderr).toBe(0);
    // Before: byPost 24 and alreadySent 301 (Audeville « lettre postée : pas de courriel »), while
    // its own state (the journal's) said 302 sent.
    expect(again.json).toMatchObject({ sent: 0, alreadySent: 302, byPost: 23, state: { sent: 302, posted: 0 } });
    expect(again.json.sent + again.json.failed + again.json.unconfirmed + again.json.skipped + again.json.byPost).toBe(LOIRET);
    expect(again.json.warnings.join('\n')).not.toMatch(/Audeville/);
    expect(server.received.filter((m) => m.to === 'mairie@audeville.example')).toHaveLength(1);

    const run = await relaisJson<Run>(['-C', dir, 'run', '--dep', '45', '--yes'], { env });
    expect(run.code, run.stderr).toBe(0);
    const status = await relaisJson<Status>(['-C', dir, 'status']);
    expect(status.code, status.stderr).toBe(0);
    const ran = run.json.departements.find((d) => d.code === '45')!.courriels;
    const stood = status.json.departements.find((d) => d.code === '45')!;
    expect(ran).toMatchObject({ envoyes: again.json.alreadySent, parCourrier: again.json.byPost, aEnvoyer: 0 });
    expect(stood.mairies).toMatchObject({ total: LOIRET, parCourriel: again.json.alreadySent, parCourrier: again.json.byPost, aEnvoyer: 0 });
    expect(stood.courriels.serveur.sent).toBe(302);
    // Nothing more left for Audeville.
    expect(server.received.filter((m) => m.to === 'mairie@audeville.example')).toHaveLength(1);
  });
});
