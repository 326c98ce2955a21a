import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTACT_HEADER, campaignWith, sampleCampaign, tempDir } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * French Excel's « Enregistrer sous » offers « CSV (MS-DOS) (*.csv) » next to « CSV (séparateur :
 * point-virgule) »: it writes the OEM code page 850, where é is 82, ô 93, É 90 (as do the DOS-era
 * applications préfectures still export from). src/data/encoding.ts knows UTF-8, UTF-16,
 * Windows-1252 and Mac Roman only; src/data/code-page.ts picks whichever of the last two « looks
 * more French », here Mac Roman, and the file is read without a word (its account says « CSV Mac
 * Roman, Excel pour Mac », for a file that never saw a Mac): « Hôtel de Ville » becomes « HìTEL
 * DE VILLE », printed « HITEL DE VILLE » on the envelope; « Médecin » becomes the métier
 * « MÇdecin ». The user expects the letters as typed, or the file refused with its encoding named.
 */
const CP850: Record<string, number> = { é: 0x82, ô: 0x93, É: 0x90, è: 0x8a, à: 0x85, ç: 0x87, ê: 0x88, È: 0xd4 };
const cp850 = (text: string) => Buffer.from([...text].map((c) => (c.charCodeAt(0) < 0x80 ? c.charCodeAt(0) : CP850[c]!)));

describe('a town-hall list saved by Excel as « CSV (MS-DOS) »', () => {
  it('prints « HOTEL DE VILLE » on Amilly’s envelope (or refuses the file), never « HITEL DE VILLE »', async () => {
    const text = `${CONTACT_HEADER}\r\n45002;mairie@aillant.example;2 rue de l'Église;45230;Aillant-sur-Milleron\r\n45004;mairie@amilly.example;Hôtel de Ville, 3 rue Émile Zola;45200;Amilly\r\n`;
    const dir = campaignWith({ mairies: cp850(text) });
    const check = await relaisJson<{ ok: boolean }>(['-C', dir, 'check']);
    const { json } = await relaisJson<{ lettre?: { adresse: string[] } }>(['-C', dir, 'preview', '45004']);
    const envelope = json.lettre?.adresse.join(' / ') ?? '';
    // Today: check ready (exit 0); « MAIRIE D'AMILLY / MONSIEUR LE MAIRE / HITEL DE VILLE, 3 RUE EMILE ZOLA / 45200 AMILLY ».
    expect(check.json.ok, check.stderr).toBe(true);
    expect(envelope, check.stderr).toContain('HOTEL DE VILLE');
    // The code page said in the file's account.
    expect(JSON.stringify(check.json)).toContain('page de code 850');
  });
});

describe('a sign-up export saved by Excel as « CSV (MS-DOS) »', () => {
  it('counts a « Médecin », not a « MÇdecin »', async () => {
    const file = join(tempDir(), 'inscriptions.csv');
    const rows = ['id;date_inscription;departement;code_postal;metier;categorie;statut', 'A1;2020-04-01 10:00;45;45000;Infirmier;soignant;inscrit', 'A2;2020-04-02 10:00;37;37000;Médecin;soignant;inscrit', 'A3;2020-04-03 10:00;18;18000;Sage-femme;soignant;inscrit'];
    writeFileSync(file, cp850(rows.join('\r\n') + '\r\n'));
    const { json, stderr } = await relaisJson<{ total: number; metiers: Record<string, number> }>(['-C', sampleCampaign(), 'track', file]);
    // Today: exit 0, { Infirmier: 1, MÇdecin: 1, Sage-femme: 1 }.
    expect(json.total, stderr).toBe(3);
    expect(json.metiers, stderr).toEqual({ Infirmier: 1, Médecin: 1, 'Sage-femme': 1 });
  });
});
