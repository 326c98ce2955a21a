import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * The summary of `relais send` — « Cette exécution : 0 envoyé, 0 échec, 0 non confirmé,
 * 301 ignorés (300 déjà envoyés), 25 par courrier postal » — reads as a sharing out of the
 * département's 325 town halls. It is one when a town hall's email bounced (counted by post only),
 * but a town hall whose address the server refused for good (550), or whose letter was then noted
 * posted (relais letters --posted), is counted twice: among the « ignorés » and « par courrier
 * postal »: 301 + 25 = 326 town halls in a département of 325.
 * Likely cause: src/delivery/send.ts, `skipped` adds plan.permanent and plan.posted, which
 * `plan.byPost += plan.bounced + plan.permanent + plan.posted.length` has already counted.
 */
interface Send {
  sent: number;
  failed: number;
  unconfirmed: number;
  skipped: number;
  alreadySent: number;
  byPost: number;
}

let server: TestSmtp;
let dir: string;
const LOIRET = 325;

beforeAll(async () => {
  server = await startSmtp({ refuse: ['accueil@adon.example'] });
  dir = await sampleWithLetters();
  const first = await relaisJson<Send>(['-C', dir, 'send', '--dep', '45', '--yes'], { env: { RELAIS_SMTP_URL: server.url } });
  if (first.json.sent !== 300 || first.json.failed !== 1) throw new Error(`premier envoi inattendu : ${first.stdout}\n${first.stderr}`);
});
afterAll(async () => {
  await server.close();
});

const total = (s: Send) => s.sent + s.failed + s.unconfirmed + s.skipped + s.byPost;

describe('send, run again after a town hall was refused for good', () => {
  it('counts each of the 325 town halls of the Loiret once in its summary', async () => {
    const { json, stderr } = await relaisJson<Send>(['-C', dir, 'send', '--dep', '45', '--yes'], { env: { RELAIS_SMTP_URL: server.url } });
    expect(json).toMatchObject({ sent: 0, alreadySent: 300, byPost: 25 });
    // Today: skipped 301 (300 already sent + Adon, refused), and Adon again in byPost: 326.
    expect(total(json), stderr).toBe(LOIRET);
  });

  it('the same once Adon\u2019s letter is noted posted (letters, then letters --posted)', async () => {
    expect((await relais(['-C', dir, 'letters', '--dep', '45'])).code).toBe(0);
    // Adon joined the print file after its first version: noting it posted takes the user's word (--yes).
    const posted = await relais(['-C', dir, 'letters', '--posted', '--yes']);
    expect(posted.code, posted.stderr).toBe(0);
    const { json } = await relaisJson<Send>(['-C', dir, 'send', '--dep', '45', '--yes'], { env: { RELAIS_SMTP_URL: server.url } });
    expect(json).toMatchObject({ sent: 0, alreadySent: 300, byPost: 25 });
    expect(total(json)).toBe(LOIRET);
  });
});
