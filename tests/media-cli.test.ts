import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { checkJson } from './helpers/check.js';
import { relais, relaisJson } from './helpers/cli.js';
import { mediaFixtures, type MediaFixtures } from './helpers/media.js';

let f: MediaFixtures;
beforeAll(async () => {
  f = await mediaFixtures();
}, 300_000);

/** The sample campaign with its publications and media replaced by `yaml`. */
function campaignWithMedia(yaml: string, files: Record<string, string> = {}): string {
  const dir = sampleCampaign();
  const path = join(dir, 'campagne.yaml');
  const base = readFileSync(path, 'utf8').replace(/\npublications:\n(?: {2}.*\n)+/, '\n').replace(/\nmedias:\n(?: {2}.*\n)+/, '\n');
  writeFileSync(path, `${base}\n${yaml}`);
  for (const [name, from] of Object.entries(files)) copyFileSync(from, join(dir, 'medias', name));
  return dir;
}

interface CheckDoc {
  ok: boolean;
  errors: Array<{ message: string; field?: string; file?: string }>;
}

// The sample is checked by the command; the refusals are read in-process (see helpers/check.ts).
describe('relais check with media', () => {
  it('accepts the sample campaign’s video on all three networks', async () => {
    const r = await relaisJson<CheckDoc>(['-C', sampleCampaign(), 'check']);
    expect(r.json.errors.filter((e) => /média/.test(e.message))).toEqual([]);
  });

  it('names the publication and the network of a PDF on X, with what would work instead', async () => {
    const dir = campaignWithMedia(
      ['publications:', '  - canal: x', '    date: 2030-04-11 09:00', '    texte: Fiche', '    medias: [fiche]', 'medias:', '  fiche:', '    fichier: medias/fiche.pdf', ''].join('\n'),
      { 'fiche.pdf': f.pdf },
    );
    const r = await checkJson<CheckDoc>(dir);
    expect(r.code).toBe(1);
    const e = r.json.errors.find((x) => /fiche/.test(x.message))!;
    expect(e.message).toMatch(/^publication n° 1 de campagne\.yaml \(X, 2030-04-11 09:00\) : le média « fiche » \(medias\/fiche\.pdf\) est refusé par X : X ne publie pas de document PDF : publiez-le sur LinkedIn/);
    expect(e).toMatchObject({ file: 'campagne.yaml', field: 'publications.0.medias' });
  });

  it('refuses a medium named but not declared, and an image without alternative text', async () => {
    const dir = campaignWithMedia(
      ['publications:', '  - canal: facebook', '    date: 2030-04-11 09:00', '    texte: Affiche', '    medias: [affiche, video]', 'medias:', '  affiche:', '    fichier: medias/affiche.png', ''].join('\n'),
      { 'affiche.png': f.smallPng },
    );
    const r = await checkJson<CheckDoc>(dir);
    expect(r.code).toBe(1);
    const messages = r.json.errors.map((e) => e.message);
    expect(messages).toContainEqual(expect.stringMatching(/le média « video » n'est pas déclaré sous medias: \(déclarés : affiche\)/));
    expect(messages).toContainEqual(expect.stringMatching(/le média « affiche » \(image PNG\) n'a pas de texte alternatif/));
  });

  it('refuses a text file named .mp4 as a declared medium', async () => {
    const dir = campaignWithMedia(['medias:', '  video:', '    fichier: medias/texte.mp4', '    texte_alternatif: Une vidéo', ''].join('\n'), { 'texte.mp4': f.text });
    const r = await checkJson<CheckDoc>(dir);
    expect(r.code).toBe(1);
    expect(r.json.errors.map((e) => e.message)).toContainEqual(expect.stringMatching(/média « video » : medias\/texte\.mp4 n'est ni une vidéo MP4/));
  });
});

describe('relais schedule add --media', () => {
  const add = (dir: string, ...extra: string[]) => relais(['-C', dir, 'schedule', 'add', '--channel', 'x', '--at', '2030-01-01 10:00', '--text', 'Avec vidéo', ...extra]);

  it('plans a post with its video, hashed, and its alt text', async () => {
    const dir = sampleCampaign();
    const r = await relaisJson<{ id: number; medias: Array<{ name: string; sha256: string; kind: string; alt: string; size: number }> }>(['-C', dir, 'schedule', 'add', '--channel', 'x', '--at', '2030-01-01 10:00', '--text', 'Avec vidéo', '--media', f.good, '--alt', 'Une mire de couleurs']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.medias).toEqual([expect.objectContaining({ name: 'bonne.mp4', kind: 'video', alt: 'Une mire de couleurs', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })]);
  });

  it('refuses before planning: a video over X’s limits, an alt text missing, an HEVC video, a PDF for X', async () => {
    const dir = sampleCampaign();
    const wide = await add(dir, '--media', f.wide, '--alt', 'Bande');
    expect(wide.code).toBe(1);
    expect(wide.stderr).toMatch(/large\.mp4 refusé par X : 2048 × 128 pixels, au-delà des 1920 × 1200/);
    const noAlt = await add(dir, '--media', f.good);
    expect(noAlt.code).toBe(1);
    expect(noAlt.stderr).toContain("n'a pas de texte alternatif");
    const hevc = await add(dir, '--media', f.hevc, '--alt', 'Mire');
    expect(hevc.stderr).toContain('HEVC (H.265)');
    const pdf = await add(dir, '--media', f.pdf);
    expect(pdf.stderr).toContain('X ne publie pas de document PDF');
    const missing = await add(dir, '--media', 'medias/absente.mp4', '--alt', 'x');
    expect(missing.stderr).toContain('média introuvable : medias/absente.mp4');
    const list = await relaisJson<unknown[]>(['-C', dir, 'schedule', 'list']);
    expect(list.json).toEqual([]);
  });
});
