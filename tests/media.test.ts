import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, beforeAll, vi } from 'vitest';
import { probeFile, sniff } from '../src/media/probe.js';
import { mediumProblems, setProblems } from '../src/media/validate.js';
import { LIMITS } from '../src/media/limits.js';
import { mediaFixtures, type MediaFixtures } from './helpers/media.js';

let f: MediaFixtures;
beforeAll(async () => {
  f = await mediaFixtures();
}, 300_000);

describe('probing by content', () => {
  it('reads an H.264/AAC MP4: container, codecs, duration, resolution, frame rate', async () => {
    const p = await probeFile(f.good, 'bonne.mp4');
    expect(p).toMatchObject({ format: 'mp4', kind: 'video', mime: 'video/mp4' });
    expect(p.video).toMatchObject({ videoCodec: 'avc1', audioCodec: 'mp4a', width: 640, height: 360, fps: 25 });
    expect(p.video!.durationSec).toBeCloseTo(4, 1);
    expect(p.sha256).toMatch(/^[0-9a-f]{64}$/);
    for (const n of ['twitter', 'facebook', 'linkedin'] as const) expect(mediumProblems(p, n)).toEqual([]);
  });

  it('reads an MP4 whose index comes after the media data', async () => {
    const p = await probeFile(f.indexLast, 'index-a-la-fin.mp4');
    expect(p.video).toMatchObject({ videoCodec: 'avc1', audioCodec: 'mp4a', width: 320, height: 180, fps: 25 });
    expect(p.video!.durationSec).toBeCloseTo(3, 1);
  });

  it('sees HEVC inside an .mp4 and refuses it, saying how to re-encode', async () => {
    const p = await probeFile(f.hevc, 'hevc.mp4');
    expect(p.video?.videoCodec).toMatch(/^(hvc1|hev1)$/);
    const problems = mediumProblems(p, 'twitter');
    expect(problems.join()).toContain('HEVC');
    expect(problems.join()).toContain('H.264');
  });

  it('refuses a text file named .mp4, an empty file and a missing one, each in French', async () => {
    await expect(probeFile(f.text, 'texte.mp4')).rejects.toThrow(/texte\.mp4 n'est ni une vidéo MP4.*quelle que soit son extension/);
    await expect(probeFile(f.empty, 'vide.mp4')).rejects.toThrow('vide.mp4 est vide (0 octet)');
    await expect(probeFile(`${f.good}.absent`, 'absente.mp4')).rejects.toThrow(/média introuvable : absente\.mp4/);
  });

  it('refuses an MP4 cut short or damaged after its header, in French', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'relais-mp4-'));
    const whole = readFileSync(f.good);
    const cut = join(dir, 'coupee.mp4');
    writeFileSync(cut, whole.subarray(0, 600));
    await expect(probeFile(cut, 'coupee.mp4')).rejects.toThrow(/^coupee\.mp4 : vidéo MP4 illisible/);
    const damaged = join(dir, 'abimee.mp4');
    writeFileSync(damaged, Buffer.concat([whole.subarray(0, 32), Buffer.alloc(4096, 0xff)]));
    // mp4box's own English complaint ("Invalid box type") never reaches the user's terminal.
    const printed = vi.spyOn(console, 'error');
    try {
      await expect(probeFile(damaged, 'abimee.mp4')).rejects.toThrow(/^abimee\.mp4 : vidéo MP4 illisible \(structure MP4 abîmée ou fichier coupé\)/);
      expect(printed).not.toHaveBeenCalled();
    } finally {
      // The files of a worker share one process (vitest.config.ts): the spy must not outlive this test.
      printed.mockRestore();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('knows PNG, JPEG and PDF by their first bytes, not their names', () => {
    expect(sniff(Buffer.from('%PDF-1.7\n'))).toBe('pdf');
    expect(sniff(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniff(Buffer.from('GIF89a......'))).toBeUndefined();
  });

  it('counts the pages of a PDF', async () => {
    const p = await probeFile(f.pdf, 'fiche.pdf');
    expect(p).toMatchObject({ format: 'pdf', kind: 'document', pages: 2 });
  });
});

describe('each medium against each network', () => {
  it('refuses a PNG over X’s 5 MB, takes it on Facebook and LinkedIn', async () => {
    const p = await probeFile(f.bigPng, 'grande.png');
    expect(p.image).toEqual({ width: 1600, height: 1200 });
    expect(mediumProblems(p, 'twitter').join()).toMatch(/au-delà des 5 Mo acceptés par X/);
    expect(mediumProblems(p, 'facebook')).toEqual([]);
    expect(mediumProblems(p, 'linkedin')).toEqual([]);
  });

  it('refuses a PDF on X and on a Facebook Page, naming LinkedIn instead', async () => {
    const p = await probeFile(f.pdf, 'fiche.pdf');
    for (const n of ['twitter', 'facebook'] as const) {
      const [problem] = mediumProblems(p, n);
      expect(problem).toContain(`${LIMITS[n].label} ne publie pas de document PDF`);
      expect(problem).toContain('LinkedIn');
    }
    expect(mediumProblems(p, 'linkedin')).toEqual([]);
  });

  it('refuses a video wider than X takes, and one shorter than LinkedIn’s 3 s', async () => {
    const wide = await probeFile(f.wide, 'large.mp4');
    expect(mediumProblems(wide, 'twitter').join()).toContain('2048 × 128 pixels');
    const short = await probeFile(f.short, 'courte.mp4');
    expect(mediumProblems(short, 'linkedin').join()).toMatch(/en deçà des 3 s exigées par LinkedIn/);
    expect(mediumProblems(short, 'twitter')).toEqual([]);
  });

  it('keeps a video alone in its post', async () => {
    const v = await probeFile(f.good, 'v.mp4');
    const i = await probeFile(f.smallPng, 'i.png');
    expect(setProblems([v, i], 'facebook').join()).toContain('se publie seul');
    expect(setProblems([i, i], 'facebook')).toEqual([]);
  });

  it('dates every network’s limits and names their sources', () => {
    for (const l of Object.values(LIMITS)) {
      expect(l.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(l.sources.length).toBeGreaterThan(0);
      for (const s of l.sources) expect(s).toMatch(/^https:\/\//);
    }
  });
});
