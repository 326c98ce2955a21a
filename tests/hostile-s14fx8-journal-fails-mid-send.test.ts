import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleLoiret } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { failingJournal } from './helpers/failing-journal.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * The journal refuses every « envoyé » after the third of a send of 12 town halls (a disk filling
 * up, as a trigger plays it), while 3 SMTP connections are at work: the two messages under way on
 * the other connections are accepted by the server too, and cannot be noted either. relais kept
 * only the first failure: it said « le dernier message, pour la commune … » and left the two others
 * unnamed, its counts not adding up to 12. A préfecture agent expects every message accounted for:
 * sent and noted + unconfirmed (each named) + left to send = the 12 selected, and the next run
 * sending exactly those left, none of the accepted ones again.
 */
let server: TestSmtp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('relais send when the journal fails on several connections at once', () => {
  it('names every accepted message it could not note, and its counts add up to the selection', async () => {
    server = await startSmtp();
    const smtp = server;
    const dir = sampleLoiret();
    const env = { RELAIS_SMTP_URL: smtp.url, RELAIS_SMTP_RETRY_MS: '20' };
    // The journal exists (one town hall's email), then refuses « envoyé » once 3 more are noted.
    await failingJournal(dir, env, "CREATE TRIGGER full_after_three BEFORE UPDATE OF status ON deliveries WHEN NEW.status = 'sent' AND (SELECT count(*) FROM deliveries WHERE status = 'sent') >= 4 BEGIN SELECT RAISE(ABORT, 'write failed'); END");

    const run = await relais(['-C', dir, 'send', '--limit', '12', '--yes'], { env });
    expect(run.code).toBe(1);
    const said = run.stderr.replace(/\s+/g, ' ');
    expect(said).not.toContain('erreur inattendue');
    expect(said).not.toContain('le dernier');
    expect(said).not.toContain('Corrigez cela');
    expect(said).toContain('SQLITE_CONSTRAINT_TRIGGER');
    const counts = /sur (\d+) messages à envoyer : (\d+) messages? envoyés? et notés? ; (\d+) messages? non confirmés? .*? ; (\d+) messages? (?:restent|reste) à envoyer/.exec(said);
    expect(counts, said).not.toBeNull();
    const [selected, sent, unconfirmed, left] = counts!.slice(1).map(Number) as [number, number, number, number];
    expect(selected).toBe(12);
    expect(sent + unconfirmed + left).toBe(12);

    const file = join(dir, '.relais', 'journal.sqlite');
    const rows = new Database(file, { readonly: true });
    const byStatus = (status: string) => (rows.prepare("SELECT commune FROM deliveries WHERE channel = 'courriel' AND status = ? AND commune <> '45001'").all(status) as Array<{ commune: string }>).map((r) => r.commune);
    const sentRows = byStatus('sent');
    const sending = byStatus('sending');
    rows.close();
    expect(sentRows).toHaveLength(sent);
    expect(sending).toHaveLength(unconfirmed);
    // Several connections: more than one message accepted and not noted, each named.
    expect(sending.length).toBeGreaterThan(1);
    for (const commune of sending) expect(said).toContain(commune);
    // Every message the server took is either noted sent or unconfirmed.
    expect(smtp.received.length - 1).toBe(sent + unconfirmed);

    // Once the journal writes again, the next run sends those left and none accepted already.
    const fixed = new Database(file);
    fixed.exec('DROP TRIGGER full_after_three');
    fixed.close();
    const again = await relaisJson<{ sent: number; unconfirmedList: Array<{ commune: string }> }>(['-C', dir, 'send', '--limit', String(left), '--yes'], { env });
    expect(again.json.sent).toBe(left);
    expect(again.json.unconfirmedList.map((u) => u.commune).sort()).toEqual([...sending].sort());
    const to = smtp.received.map((m) => m.to);
    expect(new Set(to).size).toBe(to.length);
  });

  it('a message refused after DATA whose refusal cannot be noted is unconfirmed, not « à envoyer »', async () => {
    server = await startSmtp({ rejectDataFor: { 'mairie@orleans.example': { code: 550, message: '5.6.0 contenu refusé' } } });
    const smtp = server;
    const dir = sampleLoiret();
    const env = { RELAIS_SMTP_URL: smtp.url, RELAIS_SMTP_RETRY_MS: '20' };
    await failingJournal(dir, env, "CREATE TRIGGER no_refusal BEFORE UPDATE OF status ON deliveries WHEN NEW.status LIKE 'failed-%' BEGIN SELECT RAISE(ABORT, 'write failed'); END");

    const run = await relais(['-C', dir, 'send', '--commune', '45234', '--yes'], { env });
    expect(run.code).toBe(1);
    const said = run.stderr.replace(/\s+/g, ' ');
    // Handed over, then refused: its row says `sending`, the next send calls it unconfirmed.
    expect(said).toMatch(/sur 1 message à envoyer : 0 message envoyé et noté ; 1 message non confirmé \(1 refusé par le serveur après l'envoi sans que le refus ait pu être noté ; commune 45234\).* ; 0 message reste à envoyer/);
    const again = await relaisJson<{ sent: number; unconfirmedList: Array<{ commune: string }> }>(['-C', dir, 'send', '--commune', '45234', '--yes'], { env });
    expect(again.json).toMatchObject({ sent: 0, unconfirmedList: [{ commune: '45234' }] });
  });
});
