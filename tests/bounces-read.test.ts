import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mboxFile } from '../src/bounces/files.js';
import { tempDir } from './helpers/campaign.js';
import { fuzzRuns, tallyFor } from './helpers/fuzz.js';
import { toMbox } from './helpers/mbox.js';
import type { Row } from '../src/delivery/journal.js';
import { Matcher, parseIdentifier, type Outcome } from '../src/bounces/match.js';
import { explain } from '../src/bounces/process.js';
import { readMessage, type Reading } from '../src/bounces/read.js';

/**
 * The corpus of tests/fixtures/bounces/: notices written from RFC 3464 and from what Postfix,
 * Exim, qmail, Exchange and Gmail send, and messages that are not bounces.
 */
const FIXTURES = join(import.meta.dirname, 'fixtures', 'bounces');
const read = (name: string) => readMessage(readFileSync(join(FIXTURES, name)));
const KEY = 'appel-a-volontaires-renfort-covid-2020-04-10';

function bounce(r: Reading): Extract<Reading, { kind: 'bounce' }> {
  if (r.kind !== 'bounce') throw new Error(`not a bounce: ${JSON.stringify(r)}`);
  return r;
}

describe('reading bounces: the corpus', () => {
  it.each([
    ['postfix-dsn.eml', 'dsn', 'mairie@orleans.example', 'failed', '5.1.1', /User unknown in virtual mailbox table/, '45234'],
    ['postfix-delayed.eml', 'dsn', 'accueil@adon.example', 'delayed', '4.4.1', /Connection timed out/, '45001'],
    ['exchange-dsn.eml', 'dsn', 'mairie@ardon.example', 'failed', '5.1.10', /RecipientNotFound/, '45006'],
    ['exim-text.eml', 'text', 'mairie@amilly.example', 'failed', null, /mailbox is full/, '45004'],
    // Exim's delay warning, text only and « Auto-Submitted »: a delay, not an out-of-office reply.
    ['exim-delayed.eml', 'text', 'mairie@amilly.example', 'delayed', '4.3.0', /451 4\.3\.0 Temporary lookup failure/, null],
    ['qmail-text.eml', 'text', 'mairie@andonville.example', 'failed', '5.1.1', /no mailbox here/, '45005'],
    ['gmail-text.eml', 'text', 'mairie@artenay.example', 'failed', '5.1.1', /550 5\.1\.1 The email account/, '45008'],
    ['exchange-text.eml', 'text', 'mairie@ascoux.example', 'failed', '5.1.1', /550 5\.1\.1 User unknown/, null],
  ] as const)('%s: a %s bounce for %s (%s %s)', async (file, format, address, action, status, diagnostic, commune) => {
    const r = bounce(await read(file));
    expect(r.format).toBe(format);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toMatchObject({ address, action, status });
    expect(r.failures[0]!.diagnostic).toMatch(diagnostic);
    const ids = r.messageIds.map(parseIdentifier).filter(Boolean);
    if (commune) expect(ids).toContainEqual({ campaign: KEY, commune });
    else expect(ids).toEqual([]);
  });

  it('the ENVID given at sending comes back as Original-Envelope-Id', async () => {
    expect(bounce(await read('postfix-dsn.eml')).envelopeId).toBe(`${KEY}.45234`);
  });

  it.each([
    ['auto-reply.eml', 'auto-reply'],
    ['absent-du-bureau.eml', 'auto-reply'],
    ['town-hall-reply.eml', 'reply'],
    ['spam.eml', 'other'],
    ['truncated-dsn.eml', 'unreadable'],
  ] as const)('%s is set aside as %s', async (file, kind) => {
    expect((await read(file)).kind).toBe(kind);
  });

  it('a message cut in its headers, or bytes that are no message, are set aside, never thrown', async () => {
    const cut = readFileSync(join(FIXTURES, 'postfix-dsn.eml')).subarray(0, 300);
    expect(['unreadable', 'other']).toContain((await readMessage(cut)).kind);
    expect(['unreadable', 'other']).toContain((await readMessage(Buffer.from([0, 1, 2, 255, 254, 10, 10]))).kind);
  });

  it.each([
    // Exchange's system mailbox, a subject in a language relais has no word for: its first sentence says it.
    ['Não entregue: Appel', 'Delivery has failed to these recipients or groups:\n\nmairie@orleans.example\nThe email address you entered couldn\'t be found.'],
    ['Não entregue: Appel', 'Échec de la remise à ces destinataires ou groupes :\n\nmairie@orleans.example\nL\'adresse de messagerie est introuvable.'],
    // Microsoft 365 in French, typographic apostrophe, the recipient in the sentence; the address before it is not a recipient.
    ['Non remis : Appel', 'Message envoyé par communication@ars-centre-val-de-loire.example :\n\nVotre message à mairie@orleans.example n’a pas pu être remis.\nmairie introuvable.\n\nRemote Server returned \'550 5.1.10 RESOLVER.ADR.RecipientNotFound\''],
  ])('an Exchange text notice (« %s ») names the failed recipient from its first sentence on', async (subject, body) => {
    const raw = `From: Microsoft Exchange <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@prefecture.example>\nTo: retours@ars-centre-val-de-loire.example\nSubject: ${subject}\nMessage-ID: <ndr@prefecture.example>\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n${body}\n`;
    expect(bounce(await readMessage(Buffer.from(raw.replace(/\n/g, '\r\n'), 'utf8'))).failures).toMatchObject([{ address: 'mairie@orleans.example', action: 'failed' }]);
  });

  it('a French notice that names « le message d’origine » in a sentence keeps its diagnostic after it', async () => {
    // Exchange Online in French: the sentence is no heading; the status code comes after it.
    const body = 'Votre message à mairie@orleans.example n’a pas pu être remis.\nLe message d’origine a été renvoyé à l’expéditeur.\n\nInformations de diagnostic pour les administrateurs :\nRemote Server returned \'550 5.1.10 RESOLVER.ADR.RecipientNotFound\'\n\nEn-têtes du message d’origine :\n\nFrom: communication@ars-centre-val-de-loire.example\n';
    const raw = `From: Microsoft Exchange <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@prefecture.example>\nTo: retours@ars-centre-val-de-loire.example\nSubject: Non remis : Appel\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n${body}`;
    expect(bounce(await readMessage(Buffer.from(raw.replace(/\n/g, '\r\n'), 'utf8'))).failures).toMatchObject([{ address: 'mairie@orleans.example', status: '5.1.10' }]);
  });

  it.each(['Original message headers:', 'En-têtes du message d’origine :', "En-têtes du message d'origine :", '----- Original message -----', '-----Original Message-----', '-------- Message d’origine --------', '-------- Message original --------'])(
    'the original headers quoted under « %s » end the failed recipients, and give the original Message-ID',
    async (title) => {
      const raw = `From: postmaster@prefecture.example\nTo: retours@ars-centre-val-de-loire.example\nSubject: Undeliverable: Appel\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nDelivery has failed to these recipients or groups:\n\nmairie@orleans.example\n\n${title}\n\nFrom: ARS <communication@ars-centre-val-de-loire.example>\nReply-To: volontaires@ars-centre-val-de-loire.example\nTo: mairie@orleans.example\nMessage-ID: <${KEY}.45234.aaaaaaaaaaaa@x>\n`;
      const r = bounce(await readMessage(Buffer.from(raw.replace(/\n/g, '\r\n'), 'utf8')));
      expect(r.failures.map((f) => f.address)).toEqual(['mairie@orleans.example']);
      expect(r.messageIds).toEqual([`<${KEY}.45234.aaaaaaaaaaaa@x>`]);
    },
  );
});

describe('matching a bounce to its delivery', () => {
  const row = (commune: string, recipient: string): Row => ({ campaign: KEY, channel: 'courriel', commune, destination: 'server', server: '127.0.0.1:25', departement: commune.slice(0, 2), recipient, status: 'sent', attempts: 1, last_reply: '250', message_hash: 'h', message_id: `<${KEY}.${commune}@x>`, created_at: '', updated_at: '', sent_at: '', bounce_status: null, bounce_diagnostic: null, bounced_at: null, delay_diagnostic: null, delayed_at: null });
  const rows = new Map([
    ['45234', row('45234', 'mairie@orleans.example')],
    ['45010', row('45010', 'mairie@ascoux.example')],
    ['45100', row('45100', 'secretariat@sivom.example')],
    ['45101', row('45101', 'secretariat@sivom.example')],
  ]);
  const matcher = new Matcher(KEY, rows);

  it('by Message-ID first, then by the recipient address; never guessed', async () => {
    expect(matcher.match(bounce(await read('postfix-dsn.eml')))).toMatchObject([{ kind: 'matched', via: 'message-id', row: { commune: '45234' } }]);
    expect(matcher.match(bounce(await read('exchange-text.eml')))).toMatchObject([{ kind: 'matched', via: 'recipient', row: { commune: '45010' } }]);
    expect(matcher.match(bounce(await read('unknown-address.eml')))).toMatchObject([{ kind: 'unmatched', reason: 'unknown-address' }]);
    expect(matcher.match(bounce(await read('other-campaign.eml')))).toMatchObject([{ kind: 'unmatched', reason: 'other-campaign', campaign: 'vaccination-2021-01-10' }]);
    // Ours, but to a town hall relais never wrote to through a server.
    expect(matcher.match(bounce(await read('exim-text.eml')))).toMatchObject([{ kind: 'unmatched', reason: 'never-written', commune: '45004' }]);
  });

  it('an address two town halls share is not guessed between', () => {
    const r = { kind: 'bounce' as const, format: 'text' as const, failures: [{ address: 'secretariat@sivom.example', action: 'failed' as const, status: '5.1.1', diagnostic: 'x' }], messageIds: [], envelopeId: null, originalTo: [], originalDate: null, noticeDate: null, id: 'x' };
    expect(matcher.match(r)).toMatchObject([{ kind: 'unmatched', reason: 'ambiguous' }]);
  });

  it('the notice of an email corrected and sent again since is about the earlier version, not the one the journal holds', () => {
    const sent = (hash: string) => ({ ...row('45234', 'mairie@orleans.example'), message_id: `<${KEY}.45234.${hash}@x>` });
    const notice = (ids: string[]) => ({ kind: 'bounce' as const, format: 'dsn' as const, failures: [{ address: 'mairie@orleans.example', action: 'failed' as const, status: '5.2.2', diagnostic: 'mailbox full' }], messageIds: ids, envelopeId: null, originalTo: [], originalDate: null, noticeDate: null, id: 'n' });
    const corrected = new Matcher(KEY, new Map([['45234', sent('bbbbbbbbbbbb')]]));
    expect(corrected.match(notice([`<${KEY}.45234.aaaaaaaaaaaa@x>`]))).toMatchObject([{ kind: 'unmatched', reason: 'earlier-version', commune: '45234' }]);
    // The version the journal holds, or an ID without its hash (an older relais): matched.
    expect(corrected.match(notice([`<${KEY}.45234.bbbbbbbbbbbb@x>`]))).toMatchObject([{ kind: 'matched', via: 'message-id' }]);
    expect(corrected.match(notice([`<${KEY}.45234@x>`]))).toMatchObject([{ kind: 'matched', via: 'message-id' }]);
    expect(explain('earlier-version', { commune: '45234', sentTo: 'mairie@orleans.example' })).toContain('version précédente');
  });

  it('found by address only, a notice dated before the email was sent is about an older message; one without a readable date is matched as before', async () => {
    const sentAt = '2020-04-10T08:05:00.000Z';
    const dated = new Matcher(KEY, new Map([['45234', { ...row('45234', 'mairie@orleans.example'), created_at: '2020-04-10T08:00:00.000Z', sent_at: sentAt }]]));
    const notice = (noticeDate: string | null) => ({ kind: 'bounce' as const, format: 'text' as const, failures: [{ address: 'mairie@orleans.example', action: 'failed' as const, status: '5.2.2', diagnostic: 'mailbox full' }], messageIds: [], envelopeId: null, originalTo: [], originalDate: null, noticeDate, id: 'n' });
    // Compared with the first time relais wrote to that town hall (the row's first attempt).
    expect(dated.match(notice('2020-03-02T08:00:07.000Z'))).toMatchObject([{ kind: 'unmatched', reason: 'earlier-message', commune: '45234', noticeDate: '2020-03-02T08:00:07.000Z', sentAt: '2020-04-10T08:00:00.000Z' }]);
    // A reporting server's clock a few minutes behind ours; no date at all: matched by address.
    expect(dated.match(notice('2020-04-10T08:01:00.000Z'))).toMatchObject([{ kind: 'matched', via: 'recipient' }]);
    expect(dated.match(notice(null))).toMatchObject([{ kind: 'matched', via: 'recipient' }]);
    expect(explain('earlier-message', { commune: '45234', noticeDate: '2020-03-02T08:00:07.000Z', sentAt })).toBe(
      "retour d'un message plus ancien : l'avis est daté du 02/03/2020 à 09:00, avant que relais n'écrive à la commune 45234 (le 10/04/2020 à 10:05) ; un autre envoi de la même adresse, rien n'est changé pour cette mairie",
    );
    // What the notice gives: its Date, or its DSN's earlier Arrival-Date; an unreadable Date is no date.
    expect(bounce(await read('postfix-delayed.eml')).noticeDate).toBe('2020-04-11T08:15:01.000Z');
    expect(bounce(await read('exchange-text.eml')).noticeDate).toBe('2020-04-10T08:20:00.000Z');
    const undated = readFileSync(join(FIXTURES, 'exchange-text.eml'), 'latin1').replace(/^Date: .*$/m, 'Date: vendredi dernier');
    expect(bounce(await readMessage(Buffer.from(undated, 'latin1'))).noticeDate).toBeNull();
  });

  it('found by address only, a notice dated between relais\u2019s first send and a resend is about relais\u2019s earlier copy, not another sender\u2019s message', () => {
    // First written on 10 April; sent again on 14 April (--resend-changed or --resend-unconfirmed),
    // which overwrote sent_at.
    const resent = new Matcher(KEY, new Map([['45234', { ...row('45234', 'mairie@orleans.example'), attempts: 2, created_at: '2020-04-10T08:00:00.000Z', sent_at: '2020-04-14T09:00:00.000Z' }]]));
    const notice = (noticeDate: string) => ({ kind: 'bounce' as const, format: 'text' as const, failures: [{ address: 'mairie@orleans.example', action: 'failed' as const, status: '5.2.2', diagnostic: 'mailbox full' }], messageIds: [], envelopeId: null, originalTo: [], originalDate: null, noticeDate, id: 'n' });
    const [between] = resent.match(notice('2020-04-11T07:30:00.000Z'));
    expect(between).toMatchObject({ kind: 'unmatched', reason: 'earlier-version', commune: '45234', sentTo: 'mairie@orleans.example', noticeDate: '2020-04-11T07:30:00.000Z', sentAt: '2020-04-14T09:00:00.000Z' });
    const said = explain('earlier-version', between as Extract<Outcome, { kind: 'unmatched' }>);
    expect(said).toBe(
      "retour d'un envoi précédent du courriel de la commune 45234 : l'avis est daté du 11/04/2020 à 09:30, avant que relais le renvoie à mairie@orleans.example (le 14/04/2020 à 11:00) ; rien n'est changé pour cette mairie ; si la même adresse refuse aussi le courriel renvoyé, son propre retour le dira",
    );
    expect(said).not.toMatch(/plus ancien|autre envoi/);
    // Before the first send: another sender's older message; after the resend: this email's bounce.
    expect(resent.match(notice('2020-04-09T08:00:00.000Z'))).toMatchObject([{ kind: 'unmatched', reason: 'earlier-message', sentAt: '2020-04-10T08:00:00.000Z' }]);
    expect(resent.match(notice('2020-04-14T09:30:00.000Z'))).toMatchObject([{ kind: 'matched', via: 'recipient' }]);
  });

  it('a bounce of an address since corrected and resent is about the old one', async () => {
    const moved = new Matcher(KEY, new Map([['45234', row('45234', 'contact@orleans.example')]]));
    expect(moved.match(bounce(await read('postfix-dsn.eml')))).toMatchObject([{ kind: 'unmatched', reason: 'other-address', commune: '45234' }]);
  });
});

const tally = tallyFor('bounces');

describe('the mbox reader and the notice reader, on any input (property)', () => {
  it('messages written to an mbox come back one by one, as they were, whatever "From " lines their bodies hold', async () => {
    const line = fc.oneof(fc.string({ maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, ' ')), fc.constantFrom('From here on', '>From quoted', '>>From twice', '', 'From MAILER-DAEMON Fri Apr 10 2020'));
    const message = fc.array(line, { minLength: 0, maxLength: 6 }).map((lines) => `Subject: x\n\n${lines.join('\n')}`.replace(/\n*$/, '\n'));
    const dir = tempDir();
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 0, maxLength: 5 }), async (messages) => {
        cases++;
        const path = join(dir, 'boite.mbox');
        writeFileSync(path, toMbox(messages.map((m) => Buffer.from(m, 'latin1'))));
        const back: string[] = [];
        for await (const m of mboxFile(path).messages()) back.push(m.raw.toString('latin1'));
        expect(back).toEqual(messages);
      }),
      fuzzRuns(300),
    );
    tally.push(['mbox : messages quelconques, relus un par un', cases]);
  });

  it('no bytes make the notice reader throw', async () => {
    const postfix = readFileSync(join(FIXTURES, 'postfix-dsn.eml'));
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: postfix.length }), fc.uint8Array({ maxLength: 64 }), async (cut, noise) => {
        cases++;
        const r = await readMessage(Buffer.concat([postfix.subarray(0, cut), Buffer.from(noise)]));
        expect(['bounce', 'unreadable', 'other', 'auto-reply', 'reply']).toContain(r.kind);
      }),
      fuzzRuns(300),
    );
    tally.push(['avis de non-remise coupé puis bruité', cases]);
  });
});
