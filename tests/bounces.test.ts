import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCampaign, sampleWithLetters, tempDir } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { bounceFixtures, sentOnCampaignMorning, toMbox } from './helpers/mbox.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * `relais bounces` on files (the IMAP side is in bounces-imap.test.ts): a campaign sends to seven
 * town halls through a real SMTP server on 127.0.0.1, then reads the corpus of bounce fixtures.
 */
interface Entry {
  commune: string;
  departement: string;
  recipient: string;
  status: string | null;
  diagnostic: string;
}
interface Report {
  ok: boolean;
  lus: number;
  enregistres: number;
  dejaLus: number;
  retours: Entry[];
  retards: Entry[];
  sansCorrespondance: Array<{ ref: string; address: string | null; reason: string; explanation: string }>;
  messagesSansCorrespondance: number;
  misDeCote: { reponsesAutomatiques: number; reponses: number; autres: number };
  illisibles: Array<{ ref: string; reason: string }>;
}

const SENT = ['45001', '45004', '45005', '45006', '45008', '45010', '45234'];
const BOUNCED = ['45004', '45005', '45006', '45008', '45010', '45234'];

let smtp: TestSmtp;
let dir: string;
let mbox: string;
const env = () => ({ RELAIS_SMTP_URL: smtp.url, RELAIS_SMTP_RETRY_MS: '20' });

function rows(): Array<Record<string, unknown>> {
  const db = new Database(join(dir, '.relais/journal.sqlite'), { readonly: true });
  try {
    return db.prepare("SELECT commune, recipient, status, last_reply, bounce_status, bounce_diagnostic, delay_diagnostic, updated_at FROM deliveries WHERE destination = 'server' ORDER BY commune").all() as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  smtp = await startSmtp({ dsn: true });
  // Its letters drawn already: the print file is what the last test reads.
  dir = await sampleWithLetters();
  writeFileSync(join(dir, 'campagne.yaml'), readFileSync(join(dir, 'campagne.yaml'), 'utf8').replace('  repondre_a: renfort-covid@', '  retour: retours@ars-centre-val-de-loire.example\n  repondre_a: renfort-covid@'));
  const sent = await relaisJson<{ sent: number }>(['-C', dir, 'send', '--commune', SENT.join(','), '--yes'], { env: env() });
  expect(sent.code, sent.stderr).toBe(0);
  expect(sent.json.sent).toBe(SENT.length);
  sentOnCampaignMorning(dir);
  mbox = join(tempDir(), 'retours.mbox');
  writeFileSync(mbox, toMbox([...bounceFixtures().values()]));
}, 120_000);

afterAll(async () => {
  await smtp?.close();
});

describe('send asks for bounces where relais reads them', () => {
  it('the envelope sender is expediteur.retour, with DSN requested (NOTIFY=FAILURE,DELAY, RET=HDRS, ENVID)', async () => {
    const orleans = smtp.received.find((m) => m.to === 'mairie@orleans.example')!;
    expect(orleans.mailFrom).toBe('retours@ars-centre-val-de-loire.example');
    // The ENVID: the Message-ID without its brackets and domain (campaign, commune, the message's hash).
    expect(orleans.dsn).toMatchObject({ ret: 'HDRS', envid: expect.stringMatching(/^appel-a-volontaires-renfort-covid-2020-04-10\.45234\.[0-9a-f]{12}$/), notify: ['FAILURE', 'DELAY'] });
    // The From the town hall sees is unchanged.
    expect((await smtp.parsed('mairie@orleans.example')).from?.value[0]?.address).toBe('communication@ars-centre-val-de-loire.example');
  });

  it('a server that does not advertise DSN gets no DSN parameter; without retour the envelope sender is the From', async () => {
    const plain = await startSmtp();
    try {
      const r = await relaisJson<{ sent: number }>(['-C', sampleCampaign(), 'send', '--commune', '45002', '--yes'], { env: { RELAIS_SMTP_URL: plain.url } });
      expect(r.code, r.stderr).toBe(0);
      expect(plain.received).toHaveLength(1);
      expect(plain.received[0]).toMatchObject({ mailFrom: 'communication@ars-centre-val-de-loire.example', dsn: {} });
    } finally {
      await plain.close();
    }
  });
});

describe('relais bounces <mbox>', () => {
  it('records the bounces and the delay, sets the rest aside, lists what it cannot match; every message accounted for', async () => {
    const { code, json, stderr } = await relaisJson<Report>(['-C', dir, 'bounces', mbox]);
    expect(code, stderr).toBe(0);
    expect(json.lus).toBe(bounceFixtures().size);
    expect(json.retours.map((b) => b.commune).sort()).toEqual(BOUNCED);
    expect(json.retours.find((b) => b.commune === '45234')).toMatchObject({ departement: '45', recipient: 'mairie@orleans.example', status: '5.1.1' });
    // Postfix's delay for Adon. Exim's for Amilly is not a delay still running: its failure for
    // good is in the same mailbox (it stays bounced, and no server retries it any more).
    expect(json.retards).toMatchObject([{ commune: '45001', status: '4.4.1' }]);
    expect(json.misDeCote).toEqual({ reponsesAutomatiques: 2, reponses: 1, autres: 1 });
    expect(json.sansCorrespondance.map((u) => [u.address, u.reason]).sort()).toEqual([
      ['mairie@orleans.example', 'other-campaign'],
      ['personne@inconnu.example', 'unknown-address'],
    ]);
    expect(json.illisibles).toHaveLength(1);
    expect(json.illisibles[0]!.reason).toContain('tronqué');
    expect(json.enregistres + json.dejaLus + json.messagesSansCorrespondance + json.misDeCote.reponsesAutomatiques + json.misDeCote.reponses + json.misDeCote.autres + json.illisibles.length).toBe(json.lus);

    const journal = rows();
    expect(journal.filter((r) => r.status === 'bounced').map((r) => r.commune)).toEqual(BOUNCED);
    expect(journal.find((r) => r.commune === '45234')).toMatchObject({ status: 'bounced', bounce_status: '5.1.1' });
    expect(String(journal.find((r) => r.commune === '45234')!.bounce_diagnostic)).toContain('User unknown');
    // A delay is no failure: the message is still on its way.
    expect(journal.find((r) => r.commune === '45001')).toMatchObject({ status: 'sent' });
    expect(String(journal.find((r) => r.commune === '45001')!.delay_diagnostic)).toContain('Connection timed out');
  });

  it('reading the same bounces again changes nothing', async () => {
    const before = rows();
    const again = await relaisJson<Report>(['-C', dir, 'bounces', mbox]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json).toMatchObject({ enregistres: 0, dejaLus: 8, retours: [], retards: [] });
    expect(rows()).toEqual(before);
    // The same notices as .eml files: the same notices, still nothing new.
    const human = await relais(['-C', dir, 'bounces', join(import.meta.dirname, 'fixtures', 'bounces')]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('15 messages lus');
    expect(human.stdout).toContain('0 retour définitif enregistré');
    expect(human.stdout).toContain('8 messages déjà lus');
    expect(human.stdout).toContain('personne@inconnu.example — adresse à laquelle cette campagne n’a rien envoyé');
    expect(human.stdout).toContain('retour d\'une autre campagne (vaccination-2021-01-10)');
    expect(rows()).toEqual(before);
  });

  it('status shows them per département with their reason, counts them under bounced, and exports them', async () => {
    const json = await relaisJson<{ departements: Array<{ code: string; courriels: { serveur: Record<string, number> }; retours: Array<{ commune: string; raison: string }>; retards: unknown[] }> }>(['-C', dir, 'status']);
    expect(json.code, json.stderr).toBe(0);
    const loiret = json.json.departements.find((d) => d.code === '45')!;
    expect(loiret.courriels.serveur).toMatchObject({ sent: 1, bounced: 6 });
    expect(loiret.retours.find((r) => r.commune === '45234')!.raison).toContain('User unknown');
    expect(loiret.retards).toHaveLength(1);
    const human = await relais(['-C', dir, 'status']);
    expect(human.stdout).toContain('1 envoyé, 6 revenus en erreur (par courrier)');
    expect(human.stdout).toMatch(/↩ 45234 mairie@orleans\.example : 550 5\.1\.1 .*User unknown.* — lettre par courrier/);
    expect(human.stdout).toContain('… 45001 accueil@adon.example : remise retardée');
    const csv = join(tempDir(), 'retours.csv');
    const failed = await relais(['-C', dir, 'status', '--failed', '--csv', csv]);
    expect(failed.code, failed.stderr).toBe(0);
    const lines = readFileSync(csv, 'utf8').trim().split(/\r?\n/);
    expect(lines[0]).toContain('code_retour');
    expect(lines.filter((l) => l.includes('bounced'))).toHaveLength(6);
    expect(lines.find((l) => l.startsWith('45234'))).toMatch(/mairie@orleans\.example.*bounced.*User unknown.*5\.1\.1/);
  });

  it('send does not write to a bounced address again; a corrected address is written to, and leaves the bounced list', async () => {
    const before = smtp.received.length;
    const again = await relaisJson<{ sent: number; bounced: number; byPost: number; warnings: string[] }>(['-C', dir, 'send', '--commune', SENT.join(','), '--yes'], { env: env() });
    expect(again.code, again.stderr).toBe(0);
    expect(again.json).toMatchObject({ sent: 0, bounced: 6, byPost: 6 });
    expect(again.json.warnings.join('\n')).toContain('6 mairies dont le courriel est revenu en erreur');
    const human = await relais(['-C', dir, 'send', '--commune', SENT.join(','), '--yes'], { env: env() });
    expect(human.stdout).toContain('Serveur SMTP, selon le journal : 1 envoyé, 0 échec, 0 non confirmé, 6 revenus en erreur (par courrier), 0 pas encore envoyé');
    expect(smtp.received.length).toBe(before);

    // The town hall's address corrected in the directory export the sample uses.
    const data = join(dir, 'data', 'annuaire-mairies.json');
    const exported = readFileSync(data, 'utf8');
    expect(exported.split('mairie@orleans.example')).toHaveLength(2);
    writeFileSync(data, exported.replace('mairie@orleans.example', 'courrier@orleans.example'));
    const corrected = await relaisJson<{ sent: number; bounced: number }>(['-C', dir, 'send', '--commune', SENT.join(','), '--yes'], { env: env() });
    expect(corrected.code, corrected.stderr).toBe(0);
    expect(corrected.json).toMatchObject({ sent: 1, bounced: 5 });
    expect(smtp.received.at(-1)!.to).toBe('courrier@orleans.example');
    expect(rows().find((r) => r.commune === '45234')).toMatchObject({ status: 'sent', recipient: 'courrier@orleans.example', bounce_status: null });
    // The old notice read again is about the old address: nothing changes.
    const reread = await relaisJson<Report>(['-C', dir, 'bounces', mbox]);
    expect(reread.json.enregistres).toBe(0);
    expect(rows().find((r) => r.commune === '45234')).toMatchObject({ status: 'sent' });
  });

  it('letters puts the bounced town halls in the print file', async () => {
    const { code, json, stderr } = await relaisJson<{ impression: Array<{ departement: string; lettres: number; retours: number }> }>(['-C', dir, 'letters', '--dep', '45']);
    expect(code, stderr).toBe(0);
    // 24 town halls of the Loiret have no email; 5 more bounced (Orléans was corrected and sent again).
    expect(json.impression.find((p) => p.departement === '45')).toMatchObject({ lettres: 24 + 5, retours: 5 });
    const human = await relais(['-C', dir, 'letters', '--dep', '45']);
    expect(human.stdout).toContain('impression-45.pdf : 29 lettres à imprimer (dont 5 courriels revenus en erreur)');
  }, 120_000);
});

describe('relais bounces: bad inputs', () => {
  it('a file that is not an mbox is refused, saying what is expected', async () => {
    const notMbox = join(tempDir(), 'retours.txt');
    writeFileSync(notMbox, 'commune;adresse\n45234;mairie@orleans.example\n');
    const r = await relais(['-C', dir, 'bounces', notMbox]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("n'est pas une boîte mbox");
    expect(r.stderr).not.toContain('erreur inattendue');
  });

  it('a mailbox of 0 messages reads 0 messages', async () => {
    const empty = join(tempDir(), 'vide.mbox');
    writeFileSync(empty, '');
    const r = await relaisJson<Report>(['-C', dir, 'bounces', empty]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ lus: 0, enregistres: 0, retours: [] });
  });

  it('no source and no RELAIS_IMAP_URL is a usage error; an unreadable RELAIS_IMAP_URL too, at start', async () => {
    const none = await relais(['-C', dir, 'bounces'], { env: { RELAIS_IMAP_URL: '' } });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('RELAIS_IMAP_URL');
    const wrong = await relais(['-C', dir, 'bounces'], { env: { RELAIS_IMAP_URL: 'pop3://mail.example' } });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('RELAIS_IMAP_URL : protocole « pop3 » inconnu');
  });

  it('a missing file is named', async () => {
    const r = await relais(['-C', dir, 'bounces', join(dir, 'absent.mbox')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('absent.mbox');
  });
});
