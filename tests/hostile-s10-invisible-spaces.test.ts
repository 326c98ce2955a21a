import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTACT_HEADER, campaignWith, sampleCampaign, tempDir } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * A code or an address copied from a web page or a Word document into the office's spreadsheet
 * often carries a zero-width space (U+200B): invisible in Excel, in the terminal and in relais'
 * own messages. relais trims the no-break space (String.prototype.trim, src/tracker/bytes.ts
 * spaceAt) but not U+200B, which is not white space to JavaScript: src/data/contacts.ts
 * (isValidEmail: `[^\s@…]`) takes « \u200Bmairie@adon.example » for a valid address,
 * src/data/cog.ts (repairInsee: trim) reads « 45004\u200B » as an unknown code, and the sign-up
 * reader takes « A1\u200B » for another volunteer than « A1 ».
 */
const ZWSP = '\u200B';

interface Problem {
  message: string;
  file?: string;
  line?: number;
}

describe('a town-hall list with zero-width spaces around an address and a code', () => {
  const address = [CONTACT_HEADER, `45001;${ZWSP}mairie@adon.example;1 place de la Mairie;45230;Adon`, ''].join('\n');
  const code = [CONTACT_HEADER, '45001;mairie@adon.example;1 place de la Mairie;45230;Adon', `45004${ZWSP};mairie@amilly.example;3 rue Basse;45200;Amilly`, ''].join('\n');

  it('the address is mailed as « mairie@adon.example », or named as not an address — never sent with an invisible character in it, check silent', async () => {
    const dir = campaignWith({ mairies: address });
    const { json, code: exit, stderr } = await relaisJson<{ courriel?: { destinataire?: string } }>(['-C', dir, 'preview', '45001']);
    expect(exit, stderr).toBe(0);
    const to = json.courriel?.destinataire;
    // preview gives « \u200Bmairie@adon.example » as the recipient, and check says nothing of line 2:
    // nodemailer hands the SMTP server `RCPT TO:<\u200Bmairie@adon.example>`, a mailbox that does not exist.
    expect(to === undefined || to === 'mairie@adon.example', `destinataire : ${JSON.stringify(to)}`).toBe(true);
  });

  it('the code « 45004 » followed by an invisible space is Amilly, not « code INSEE 45004 inconnu » (an error that stops the campaign)', async () => {
    const dir = campaignWith({ mairies: code });
    const { json } = await relaisJson<{ errors: Problem[] }>(['-C', dir, 'check']);
    const line3 = json.errors.filter((e) => e.file === 'data/mairies.csv' && e.line === 3);
    // It says « fichier des mairies : code INSEE 45004​ inconnu du Code officiel géographique »:
    // the user sees « 45004 », Amilly's code, called unknown.
    expect(line3.map((e) => e.message)).toEqual([]);
  });
});

describe('two sign-up exports, the same volunteer’s id with a zero-width space in the second', () => {
  it('counts the volunteer once, and reads « 37 » followed by an invisible space as Indre-et-Loire', async () => {
    const header = 'id;date_inscription;departement;code_postal;metier;categorie;statut';
    const dir = tempDir();
    const first = join(dir, 'inscriptions-1.csv');
    const second = join(dir, 'inscriptions-2.csv');
    writeFileSync(first, [header, 'A1;26/03/2020 10:00;45;45000;Infirmier;soignant;inscrit', ''].join('\r\n'));
    writeFileSync(second, [header, `A1${ZWSP};26/03/2020 10:00;45;45000;Infirmier;soignant;inscrit`, `B1;27/03/2020 09:00;37${ZWSP};;Médecin;soignant;inscrit`, ''].join('\r\n'));
    const { json, stderr } = await relaisJson<{ total: number; doublons: number; rejetes: number }>(['-C', sampleCampaign(), 'track', first, second]);
    // It says « 2 volontaires dans la région ; 0 doublon retiré, 1 ligne rejetée » and
    // « inscription rejetée : département introuvable (« 37​ ») »: A1 counted twice, B1 not at all.
    expect({ total: json.total, doublons: json.doublons, rejetes: json.rejetes }, stderr).toEqual({ total: 2, doublons: 1, rejetes: 0 });
  });
});
