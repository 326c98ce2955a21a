import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { mediaFixtures, type MediaFixtures } from './helpers/media.js';

/**
 * `schedule export` then `schedule import` (edited in a spreadsheet, or into another campaign
 * folder) keep each post's media and their alt texts: one column pair per medium, a declared name
 * or a file of the campaign, checked like `schedule add --media` before anything is added.
 */
type Listed = Array<{ id: number; channel: string; text: string; local_time: string; tz: string; medias: Array<{ name: string; alt: string | null; sha256: string; kind: string }> }>;

let fixtures: MediaFixtures;
beforeAll(async () => {
  fixtures = await mediaFixtures();
});

describe('schedule export and import with media', () => {
  it('carries a post’s media and alt texts from one campaign to another, and a declared medium by its name', async () => {
    const from = sampleCampaign();
    copyFileSync(fixtures.smallPng, join(from, 'medias', 'affiche.png'));
    copyFileSync(fixtures.smallPng, join(from, 'medias', 'verso.png'));
    const added = await relais(['-C', from, 'schedule', 'add', '--channel', 'x', '--at', '2031-04-11 09:00', '--text', 'Avec deux affiches', '--media', 'medias/affiche.png', '--alt', 'L’affiche de la campagne', '--media', 'medias/verso.png', '--alt', 'Son verso']);
    expect(added.code, added.stderr).toBe(0);
    expect((await relais(['-C', from, 'schedule', 'add', '--channel', 'linkedin', '--at', '2031-04-12 09:00', '--tz', 'America/Cayenne', '--text', 'Sans média'])).code).toBe(0);
    const exported = await relais(['-C', from, 'schedule', 'export', 'out/publications.csv'], { cwd: from });
    expect(exported.code, exported.stderr).toBe(0);
    const { readFileSync } = await import('node:fs');
    const csv = readFileSync(join(from, 'out', 'publications.csv'), 'utf8').replace(/^\uFEFF/, '').split('\r\n');
    expect(csv[0]).toBe('id;canal;date;texte;statut;fuseau;media_1;texte_alternatif_1;media_2;texte_alternatif_2');
    expect(csv[1]).toBe('1;twitter;2031-04-11T07:00:00.000Z;Avec deux affiches;queued;Europe/Paris;medias/affiche.png;L’affiche de la campagne;medias/verso.png;Son verso');
    expect(csv[2]).toBe('2;linkedin;2031-04-12T12:00:00.000Z;Sans média;queued;America/Cayenne;;;;');

    // Into another campaign folder, which has the same files; a row added by hand names the
    // campaign's declared video (« video » under medias:) and gives it another description.
    const to = sampleCampaign();
    copyFileSync(fixtures.smallPng, join(to, 'medias', 'affiche.png'));
    copyFileSync(fixtures.smallPng, join(to, 'medias', 'verso.png'));
    writeFileSync(join(to, 'publications.csv'), `${readFileSync(join(from, 'out', 'publications.csv'), 'utf8')};facebook;2031-04-13 09:00;La vidéo déclarée;;;video;Mire et son de la campagne;;\r\n`);
    const imported = await relaisJson<{ lues: number; importees: number }>(['-C', to, '--json', 'schedule', 'import', 'publications.csv'], { cwd: to });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.json).toMatchObject({ lues: 3, importees: 3 });
    const listed = await relaisJson<Listed>(['-C', to, '--json', 'schedule', 'list']);
    const posts = listed.json;
    const original = await relaisJson<Listed>(['-C', from, '--json', 'schedule', 'list']);
    const media = (p: Listed[number]) => p.medias.map((m) => [m.name, m.alt, m.sha256, m.kind]);
    expect(media(posts[0]!)).toEqual(media(original.json[0]!));
    expect(posts[0]!.medias.map((m) => m.alt)).toEqual(['L’affiche de la campagne', 'Son verso']);
    expect(posts[1]!.medias).toEqual([]);
    // The zone it was planned in comes back with it: 09:00 in Cayenne, not 14:00 in Paris.
    expect(posts[1]).toMatchObject({ local_time: '2031-04-12 09:00', tz: 'America/Cayenne' });
    expect(posts[2]!.medias.map((m) => [m.name, m.alt, m.kind])).toEqual([['video', 'Mire et son de la campagne', 'video']]);
  });

  it('refuses a whole import whose media are wrong, naming each line and column', async () => {
    const dir = sampleCampaign();
    copyFileSync(fixtures.smallPng, join(dir, 'medias', 'affiche.png'));
    copyFileSync(fixtures.pdf, join(dir, 'medias', 'fiche.pdf'));
    const rows = [
      'canal;date;texte;media_1;texte_alternatif_1;media_2;texte_alternatif_2',
      'x;2031-05-01 10:00;Bonne ligne;video;;;',
      'x;2031-05-01 11:00;Fichier absent;medias/absente.mp4;Une vidéo;;',
      'facebook;2031-05-01 12:00;Pas un média;data/maires.csv;Des maires;;',
      'x;2031-05-01 13:00;Image sans description;medias/affiche.png;;;',
      'x;2031-05-01 14:00;Un PDF sur X;medias/fiche.pdf;;;',
      'linkedin;2031-05-01 15:00;Description seule;;;;Une description',
    ];
    writeFileSync(join(dir, 'publications.csv'), `${rows.join('\n')}\n`);
    const r = await relais(['-C', dir, 'schedule', 'import', 'publications.csv'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("5 lignes invalides : rien n'a été importé");
    expect(r.stderr).toContain("publications.csv:3: media_1 : média introuvable : medias/absente.mp4");
    expect(r.stderr).toContain("ce n'est pas non plus un média déclaré sous medias: (déclarés : video)");
    expect(r.stderr).toMatch(/publications\.csv:4: media_1 : data\/maires\.csv n'est ni une vidéo MP4/);
    expect(r.stderr).toMatch(/publications\.csv:5: media_1 : le média « affiche\.png » \(image PNG\) n'a pas de texte alternatif .*\(colonne texte_alternatif_1\)/);
    expect(r.stderr).toMatch(/publications\.csv:6: media_1 : medias\/fiche\.pdf refusé par X : /);
    expect(r.stderr).toContain('publications.csv:7: texte_alternatif_2 : un texte alternatif sans média (la colonne media_2 est vide)');
    const listed = await relaisJson<Listed>(['-C', dir, '--json', 'schedule', 'list']);
    expect(listed.json).toEqual([]);
  });

  it('says when a medium lies outside the campaign folder, which a copy of the folder would not carry', async () => {
    const dir = sampleCampaign();
    const outside = join(tempDir(), 'affiche.png');
    copyFileSync(fixtures.smallPng, outside);
    const r = await relaisJson<{ avertissements: string[] }>(['-C', dir, '--json', 'schedule', 'add', '--channel', 'x', '--at', '2031-04-11 09:00', '--text', 'Affiche', '--media', outside, '--alt', 'Affiche']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.avertissements).toEqual([`${outside} est hors du dossier de la campagne : une copie du dossier (sauvegarde, autre poste) ne l'emportera pas ; placez-le plutôt dans medias/`]);
  });

  it('an import says it too, with the line that names the medium', async () => {
    const dir = sampleCampaign();
    const outside = join(tempDir(), 'affiche.png');
    copyFileSync(fixtures.smallPng, outside);
    copyFileSync(fixtures.smallPng, join(dir, 'medias', 'affiche.png'));
    const rows = ['canal;date;texte;media_1;texte_alternatif_1', 'x;2031-05-01 10:00;Dans la campagne;medias/affiche.png;Affiche', `x;2031-05-01 11:00;Hors de la campagne;${outside};Affiche`];
    writeFileSync(join(dir, 'publications.csv'), `${rows.join('\n')}\n`);
    const r = await relaisJson<{ importees: number; avertissements: Array<{ line: number; message: string }> }>(['-C', dir, '--json', 'schedule', 'import', 'publications.csv'], { cwd: dir });
    // It used to import the second post silently: a backup of the folder would lose its image.
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.importees).toBe(2);
    expect(r.json.avertissements).toEqual([{ line: 3, message: `${outside} est hors du dossier de la campagne : une copie du dossier (sauvegarde, autre poste) ne l'emportera pas ; placez-le plutôt dans medias/` }]);
  });
});
