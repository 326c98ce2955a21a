import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTACT_HEADER, campaignWith, sampleCampaign, tempDir } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * A CSV whose rows are whole and followed by NUL bytes: what a file left by an interrupted copy to
 * a USB key, a half-synchronised network share, or a fixed-size extract looks like (Notepad shows
 * blanks after the last row, Excel opens it with its rows). src/data/table.ts (openTable) and
 * src/tracker/fast-csv.ts (openFastTable) look for a NUL anywhere in the first 64 KB and refuse the
 * file whole: « <file>:1: … le fichier contient des octets nuls (encodage lu : UTF-8) : ce n'est
 * pas un tableau texte ». Line 1 is a good header; the rows are text; the message sends the user
 * looking at the wrong line for the wrong fault. The user expects the rows to be read and the
 * padding said (or, refused, the line where the NUL bytes start to be named).
 */
const PADDING = Buffer.alloc(2048);

describe('a sign-up export padded with NUL bytes after its last row', () => {
  it('counts its 3 sign-ups, or names line 5 where the NUL bytes start, not line 1 as « pas un export texte »', async () => {
    const file = join(tempDir(), 'inscriptions.csv');
    const rows = ['id;date_inscription;departement;code_postal;metier;categorie;statut', 'A1;2020-04-01 10:00;45;45000;Infirmier;soignant;inscrit', 'A2;2020-04-02 10:00;37;37000;Médecin;soignant;inscrit', 'A3;2020-04-03 10:00;18;18000;Aide-soignant;soignant;inscrit'];
    writeFileSync(file, Buffer.concat([Buffer.from(rows.join('\r\n') + '\r\n'), PADDING]));
    const { json, stderr } = await relaisJson<{ total: number }>(['-C', sampleCampaign(), 'track', file]);
    // Today: « 0 volontaire dans la région », exit 1, « inscriptions.csv:1: inscriptions : le fichier
    // contient des octets nuls (encodage lu : UTF-8) : ce n'est pas un export texte ».
    expect(json.total, stderr).toBe(3);
    // The padding said where it starts, never « pas un export texte ».
    expect(stderr).toMatch(/inscriptions\.csv:5\b.*octets nuls/);
    expect(stderr).not.toMatch(/pas un export texte/);
  });
});

describe('a town-hall list padded with NUL bytes after its last row', () => {
  it('reads its 2 town halls, or names line 4 where the NUL bytes start, not line 1 as « pas un tableau texte »', async () => {
    const text = `${CONTACT_HEADER}\r\n45001;mairie@adon.example;1 place de la Mairie;45230;Adon\r\n45004;mairie@amilly.example;3 rue de la Mairie;45200;Amilly\r\n`;
    const dir = campaignWith({ mairies: Buffer.concat([Buffer.from(text), PADDING]) });
    const { json, stderr } = await relaisJson<{ fichiers: Array<{ fichier: string; utilises: number }>; errors: Array<{ message: string; line?: number }> }>(['-C', dir, 'check']);
    const account = json.fichiers.find((f) => f.fichier === 'data/mairies.csv');
    expect(account?.utilises, stderr).toBe(2);
    // The padding said where it starts (line 4), never « pas un tableau texte ».
    const nul = (json as unknown as { warnings: Array<{ message: string; line?: number }> }).warnings.find((e) => /octets nuls/.test(e.message));
    expect(nul?.line, stderr).toBe(4);
    expect(JSON.stringify(json)).not.toMatch(/pas un tableau texte/);
  });
});
