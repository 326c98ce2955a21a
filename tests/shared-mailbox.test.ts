import { describe, expect, it } from 'vitest';
import { checkCampaign } from '../src/campaign/check.js';
import type { Recipient } from '../src/campaign/recipients.js';
import { checkOptions } from '../src/cli/campaign.js';
import { sharedMailbox } from '../src/delivery/message.js';
import { campaignWith, CONTACT_HEADER } from './helpers/campaign.js';

describe('check: addresses that need saying', () => {
  it('names the communes that share an address, with their lines, and an address that needs SMTPUTF8', async () => {
    const dir = campaignWith({
      mairies: [
        CONTACT_HEADER,
        `45001;secretariat@puiseaux.example;1 rue de l'Église;45230;Adon`,
        `45002;mairie@aillant.example;2 place de la Mairie;45230;Aillant-sur-Milleron`,
        // The same mailbox, written with capitals: one mailbox.
        `45004;Secretariat@Puiseaux.example;1 place;45200;Amilly`,
        `45005;élodie@andonville.example;1 place;45480;Andonville`,
      ].join('\n') + '\n',
    });
    const { report } = await checkCampaign(dir, checkOptions());
    const shared = report.warnings.filter((w) => w.kind === 'adresse-partagee');
    expect(shared).toHaveLength(1);
    expect(shared[0]).toMatchObject({ file: 'data/mairies.csv', line: 2, field: 'courriel' });
    expect(shared[0]!.message).toContain('Adon (45001, ligne 2)');
    expect(shared[0]!.message).toContain('Amilly (45004, ligne 4)');
    expect(shared[0]!.message).not.toContain('Aillant');
    const utf8 = report.warnings.filter((w) => w.kind === 'courriel-international');
    expect(utf8.map((w) => [w.line, w.field])).toEqual([[5, 'courriel']]);
    expect(utf8[0]!.message).toMatch(/Andonville \(45005\).*élodie@andonville\.example.*SMTPUTF8/);
  });
});

describe('the email of a town hall whose mailbox is shared', () => {
  const email = { objet: 'Appel : courrier aux maires du Loiret', texte: 'Monsieur le Maire,\n', html: '<html><body><div><p style="margin: 0">Monsieur le Maire,</p></div></body></html>' };
  const recipient = (partage?: Recipient['partage']) => ({ commune: { code: '45001', nom: 'Adon', deNom: "d'Adon" }, ...(partage ? { partage } : {}) }) as unknown as Recipient;

  it('is the plan’s as it is when no other town hall has its address', () => {
    expect(sharedMailbox(recipient(), { ...email, objetResult: undefined as never })).toMatchObject(email);
  });

  it('names its commune in its subject, its text and its HTML, and the others of that mailbox', () => {
    const out = sharedMailbox(recipient([{ code: '45002', nom: 'Aillant-sur-Milleron', deNom: "d'Aillant-sur-Milleron" }]), { ...email, objetResult: undefined as never });
    expect(out.objet).toBe("Appel : courrier aux maires du Loiret — mairie d'Adon");
    expect(out.texte).toMatch(/^Ce courriel et la lettre jointe sont destinés à la mairie d'Adon \(45001\)\. Cette adresse électronique est aussi celle de la mairie d'Aillant-sur-Milleron \(45002\)/);
    expect(out.texte.endsWith('\n\nMonsieur le Maire,\n')).toBe(true);
    expect(out.html).toContain('<div><p style="margin: 0"><strong>Ce courriel et la lettre jointe sont destinés à la mairie d\'Adon (45001).');
    expect(out.html).toContain('</strong></p>\n<p style="margin: 0">Monsieur le Maire,</p>');
  });
});
