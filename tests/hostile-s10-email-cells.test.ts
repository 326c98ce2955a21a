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

describe('an address a note calls old, or one in brackets', () => {
  it('is never mailed: the other address is, or the letter goes by post, and check says which note did it', async () => {
    const dir = campaignWith({
      mairies: [
        CONTACT_HEADER,
        '45001;mairie@adon.example (ancienne : old@adon.example);1 place de la Mairie;45230;Adon',
        '45002;mairie.x@aillant.example (ne plus utiliser);2 rue Haute;45230;Aillant-sur-Milleron',
        '',
      ].join('\r\n'),
    });
    const { json } = await relaisJson<{ warnings: Problem[] }>(['-C', dir, 'check']);
    const said = (line: number) => json.warnings.filter((w) => w.file === 'data/mairies.csv' && w.line === line).map((w) => w.message);
    expect(said(2)).toContainEqual(expect.stringContaining('« old@adon.example » mise de côté : le commentaire « ancienne : old@adon.example »'));
    expect(said(2).join('\n')).toContain('mairie@adon.example est utilisée');
    expect(said(3)).toContainEqual(expect.stringContaining('« mairie.x@aillant.example » mise de côté : le commentaire « ne plus utiliser »'));
    expect(said(3).join('\n')).toContain('la lettre partira par courrier');
    const preview = await relaisJson<{ courriel?: { destinataire?: string } | null }>(['-C', dir, 'preview', '45002']);
    expect(preview.json.courriel?.destinataire ?? null).toBeNull();
  });
});
