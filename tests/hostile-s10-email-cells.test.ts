import { describe, expect, it } from 'vitest';
import { CONTACT_HEADER, campaignWith } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * Email cells as a préfecture's list holds them: an address followed by a comment in brackets
 * (« mairie@adon.example (secrétariat) », the RFC 5322 comment form Outlook also copies), and an
 * address introduced by a label or a display name that holds a comma. src/data/contacts.ts
 * (chooseEmail) splits on « , » and blanks before any `<…>` is taken out, then calls every piece
 * that is not an address « mal formée »: the first town hall loses its address (sent by post), the
 * others get a warning that says they have « plusieurs adresses électroniques », which they have not.
 */
interface Problem {
  message: string;
  file?: string;
  line?: number;
}

const mairies = [
  CONTACT_HEADER,
  '45001;mairie@adon.example (secrétariat);1 place de la Mairie;45230;Adon',
  '45002;"""Mairie, accueil"" <mairie@aillant.example>";2 rue Haute;45230;Aillant-sur-Milleron',
  '45004;courriel : mairie@amilly.example;3 rue Basse;45200;Amilly',
  '',
].join('\r\n');

describe('email cells written as people write them', () => {
  it('« mairie@adon.example (secrétariat) » is mailed to mairie@adon.example, not sent by post as « mal formée »', async () => {
    const dir = campaignWith({ mairies });
    const { json, stderr } = await relaisJson<{ courriel?: { destinataire?: string } | null }>(['-C', dir, 'preview', '45001']);
    // preview has `courriel: null`; check says « adresse électronique « mairie@adon.example
    // (secrétariat) » mal formée (Adon) : jamais utilisée, la lettre partira par courrier ».
    expect(json.courriel?.destinataire, stderr).toBe('mairie@adon.example');
  });

  it('a display name with a comma, or a label before the address, is not reported as a second, malformed address', async () => {
    const dir = campaignWith({ mairies });
    const { json } = await relaisJson<{ warnings: Problem[] }>(['-C', dir, 'check']);
    const said = json.warnings.filter((w) => w.file === 'data/mairies.csv' && (w.line === 3 || w.line === 4)).map((w) => `${w.line}: ${w.message}`);
    // It says « Aillant-sur-Milleron (45002) : plusieurs adresses électroniques ; mairie@aillant.example
    // est utilisée, « "Mairie (mal formée) » ne l'est pas » and, for Amilly, « « courriel : (mal formée) » ne l'est pas ».
    expect(said.filter((m) => m.includes('plusieurs adresses'))).toEqual([]);
  });
});
