import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTACT_HEADER, campaignWith, sampleCampaign, tempDir } from './helpers/campaign.js';
import { ROOT, relaisJson } from './helpers/cli.js';

/**
 * A file ending with Ctrl-Z (0x1A), the end-of-file mark that old DOS tools and some mainframe
 * extracts still write (copy /A, a préfecture's legacy application exporting its town-hall list).
 * Nobody sees it: Excel and Notepad show nothing, and no reader treats it as data. relais reads
 * it as a character of the last value, or as a row of its own.
 */
const CTRL_Z = Buffer.from([0x1a]);

describe('a town-hall list whose last line ends with Ctrl-Z and no line break', () => {
  it('does not make the control character part of the last town hall’s address while check says ready', async () => {
    // The address in the last column, as the legacy extract writes it.
    const text = 'code_insee_commune;nom_commune;numero_voie;code_postal;adresse_courriel\r\n45001;Adon;1 place de la Mairie;45230;mairie@adon.example\r\n45004;Amilly;3 rue de la Mairie;45200;mairie@amilly.example';
    const dir = campaignWith({ mairies: Buffer.concat([Buffer.from(text), CTRL_Z]) });
    const check = await relaisJson<{ ok: boolean }>(['-C', dir, 'check']);
    const { json } = await relaisJson<{ courriel?: { destinataire: string } }>(['-C', dir, 'preview', '45004']);
    // Today check is ready (exit 0) and Amilly's message goes to « mairie@amilly.example\u001a »:
    // an address no server accepts, the town hall never reached, nothing said before sending.
    const kept = json.courriel?.destinataire ?? '';
    expect(check.json.ok && kept.includes('\u001a'), `destinataire : ${JSON.stringify(kept)}`).toBe(false);
  });
});

describe('a file whose Ctrl-Z stands alone after the last line break', () => {
  it('the town-hall list: no phantom row rejected as an unknown INSEE code that stops the campaign', async () => {
    const text = `${CONTACT_HEADER}\r\n45001;mairie@adon.example;1 place de la Mairie;45230;Adon\r\n45004;mairie@amilly.example;3 rue de la Mairie;45200;Amilly\r\n`;
    const dir = campaignWith({ mairies: Buffer.concat([Buffer.from(text), CTRL_Z]) });
    const { json, stderr, code } = await relaisJson<{ fichiers: Array<{ fichier: string; lus: number; rejetes: number }> }>(['-C', dir, 'check']);
    // Today: exit 1, « data/mairies.csv:4: fichier des mairies : code INSEE  inconnu du Code
    // officiel géographique » (the control character quoted raw), « 3 lus, 2 utilisés, 1 rejeté ».
    const account = json.fichiers.find((f) => f.fichier === 'data/mairies.csv');
    expect(account, stderr).toMatchObject({ lus: 2, rejetes: 0 });
    expect(stderr).not.toMatch(/code INSEE \u001a/);
    expect(code, stderr).toBe(0);
  });

  it('the mayors’ file (RNE): no phantom mayor rejected as « code sexe «  » invalide », « nom de l’élu vide », « code INSEE vide »', async () => {
    const rne = readFileSync(join(ROOT, 'data', 'maires.csv'), 'utf8').replace(/\r?\n$/, '') + '\r\n';
    const dir = campaignWith({ maires: Buffer.concat([Buffer.from(rne), CTRL_Z]) });
    const { json, stderr, code } = await relaisJson<{ fichiers: Array<{ fichier: string; rejetes: number }> }>(['-C', dir, 'check']);
    // Today: exit 1 on « data/maires.csv:1756: fichier des maires : code sexe «  » invalide (F ou M
    // attendu) », « nom de l'élu vide », « code INSEE vide » — a line the user cannot see.
    expect(json.fichiers.find((f) => f.fichier === 'data/maires.csv')?.rejetes, stderr).toBe(0);
    expect(code, stderr).toBe(0);
  });

  it('the sign-up export: 3 volunteers read, none rejected for a date «  » on a line 5 that holds nothing', async () => {
    const file = join(tempDir(), 'inscriptions.csv');
    const rows = ['id;date_inscription;departement;code_postal;metier;categorie;statut', 'A1;2020-04-01 10:00;45;45000;Infirmier;soignant;inscrit', 'A2;2020-04-02 10:00;37;37000;Médecin;soignant;inscrit', 'A3;2020-04-03 10:00;18;18000;Aide-soignant;soignant;inscrit'];
    writeFileSync(file, Buffer.concat([Buffer.from(rows.join('\r\n') + '\r\n'), CTRL_Z]));
    const { json, stderr } = await relaisJson<{ total: number; rejetes: number; fichiers: Array<{ lus: number }> }>(['-C', sampleCampaign(), 'track', file]);
    expect(json.total, stderr).toBe(3);
    // Today: « inscriptions.csv:5: inscription rejetée : date «  » invalide », 4 lus, 1 ligne rejetée.
    expect(json.rejetes, stderr).toBe(0);
    expect(json.fichiers[0]?.lus).toBe(3);
  });
});
