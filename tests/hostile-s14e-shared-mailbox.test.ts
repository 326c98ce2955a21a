import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { campaignWith, CONTACT_HEADER } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * In rural France one secretary often keeps the town halls of several small communes, with one
 * mailbox for all of them (README, `relais bounces`: « adresse partagée par deux mairies »). She
 * receives one email per commune, which is right — but the sample campaign's emails do not say
 * which commune each is for: the same subject (« … : courrier aux maires du Loiret »), the same
 * text (« Monsieur le Maire, Vous trouverez ci-joint le courrier… »), the same sender. Gmail and
 * Outlook's conversation view thread messages by subject and participants, so the two letters
 * show as one conversation of two identical messages; the one line that tells them apart is the
 * name of the PDF attached. A secretary deletes the « duplicate » and one commune's mayor never
 * sees the préfet's letter, while the journal counts it as reached. `relais check` says nothing
 * about the shared address either. What a reader of that mailbox needs: each email names its
 * commune, in the subject the message list shows.
 */
describe('two town halls that share one mailbox', () => {
  it('get two emails told apart in the message list: each names its commune, subjects differ', async () => {
    const shared = 'secretariat@mairies-du-puiseaux.example';
    const dir = campaignWith({
      mairies: [CONTACT_HEADER, `45001;${shared};1 rue de l'Église;45230;Adon`, `45002;${shared};2 place de la Mairie;45230;Aillant-sur-Milleron`].join('\n') + '\n',
    });
    const r = await relais(['-C', dir, 'send', '--commune', '45001,45002']);
    expect(r.code, r.stderr).toBe(0);
    const adon = await simpleParser(readFileSync(join(dir, 'out/outbox/45/45001-adon.eml')));
    const aillant = await simpleParser(readFileSync(join(dir, 'out/outbox/45/45002-aillant-sur-milleron.eml')));
    // The premise: one mailbox, two letters.
    const to = (m: typeof adon) => (Array.isArray(m.to) ? m.to : [m.to]).map((a) => a?.text);
    expect(to(adon)).toEqual([shared]);
    expect(to(aillant)).toEqual([shared]);
    expect(adon.attachments.map((a) => a.filename)).toContain('lettre-45001-adon.pdf');

    expect(adon.subject, 'the two emails have the same subject: one conversation in Gmail / Outlook').not.toBe(aillant.subject);
    expect(`${adon.subject}\n${adon.text}`).toContain('Adon');
    expect(`${aillant.subject}\n${aillant.text}`).toContain('Aillant-sur-Milleron');
    // And preview shows the email as it left, its subject naming the commune.
    const preview = await relais(['-C', dir, '--json', 'preview', '45001', '--channel', 'courriel']);
    expect((JSON.parse(preview.stdout) as { courriel: { objet: string } }).courriel.objet).toBe(adon.subject);
  });
});
