import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { loadCampaign } from '../src/campaign/load.js';
import { summarySheet } from '../src/media/sheet.js';
import { sampleCampaign } from './helpers/campaign.js';
import { relais, ROOT } from './helpers/cli.js';
import { readPdf } from './helpers/pdf.js';

const VIDEO_URL = 'https://www.renfort-covid.fr/medias/campagne.mp4';

describe('the mayors’ kit', () => {
  it('writes a one-page summary sheet from the campaign: title, platform, QR code, how to sign up', async () => {
    const { campaign } = await loadCampaign(ROOT);
    const sheet = summarySheet(campaign!);
    const pdf = await readPdf(sheet);
    expect(pdf.pages).toBe(1);
    const text = pdf.text.join('\n');
    expect(text).toContain('Appel à volontaires renfort-covid');
    expect(text).toContain('Comment s’inscrire');
    expect(text).toContain('https://www.renfort-covid.fr');
    expect(pdf.links.map((l) => l.url)).toContainEqual(expect.stringMatching(/^https:\/\/www\.renfort-covid\.fr\/?$/));
    // The same campaign, the same bytes: the emails' hash does not move from one run to the next.
    expect(summarySheet(campaign!).equals(sheet)).toBe(true);
  });

  it('attaches the sheet to the town hall’s email and offers the video as a link with its size', async () => {
    const dir = sampleCampaign();
    const r = await relais(['-C', dir, 'send', '--commune', '45234']);
    expect(r.code, r.stderr).toBe(0);
    const mail = await simpleParser(readFileSync(join(dir, 'out/outbox/45/45234-orleans.eml')));
    expect(mail.attachments.map((a) => a.filename).sort()).toEqual(['fiche-synthetique.pdf', 'lettre-45234-orleans.pdf']);
    expect(mail.attachments.some((a) => a.contentType.startsWith('video/'))).toBe(false);
    expect(mail.text).toContain(`(MP4, 159 Ko), se télécharge ici : ${VIDEO_URL}`);
    expect(mail.html).toContain(`<a href="${VIDEO_URL}">`);
    // The letter's annex gives the same link and size.
    const letter = await readPdf(join(dir, 'out/lettres/45/45234-orleans.pdf'));
    expect(letter.text.join(' ')).toContain(`Vidéo de la campagne pour les réseaux sociaux (MP4, 159 Ko) : ${VIDEO_URL}`);
  });

  it('puts the sheet and the media beside the texts in out/messages/<dep>/', async () => {
    const dir = sampleCampaign();
    const r = await relais(['-C', dir, 'posts', '--dep', '45']);
    expect(r.code, r.stderr).toBe(0);
    const folder = join(dir, 'out/messages/45');
    expect(readdirSync(folder).sort()).toEqual(['annexe.md', 'campagne.mp4', 'facebook.txt', 'fiche-synthetique.pdf', 'linkedin.txt', 'sms.txt', 'twitter.txt']);
    expect(statSync(join(folder, 'campagne.mp4')).size).toBe(statSync(join(dir, 'medias/campagne.mp4')).size);
    const annex = readFileSync(join(folder, 'annexe.md'), 'utf8');
    expect(annex).toContain(`- campagne.mp4 (vidéo MP4, 159 Ko) — en ligne : ${VIDEO_URL}`);
    expect(annex).toMatch(/- fiche-synthetique\.pdf \(PDF, \d+ Ko\)/);
  });

  it('draws the sheet once per campaign, and again when what it shows changes', async () => {
    const dir = sampleCampaign();
    const cache = join(dir, '.relais/cache');
    const kept = () => readdirSync(cache).filter((f) => f.startsWith('fiche-'));
    const posted = () => readFileSync(join(dir, 'out/messages/45/fiche-synthetique.pdf'));
    const posts = async () => {
      const r = await relais(['-C', dir, 'posts', '--dep', '45']);
      expect(r.code, r.stderr).toBe(0);
    };
    await posts();
    const [first] = kept();
    expect(kept()).toHaveLength(1);
    // What is kept is what the drawing gives, byte for byte, and what the mayors get.
    const { campaign } = await loadCampaign(dir);
    expect(readFileSync(join(cache, first!)).equals(summarySheet(campaign!))).toBe(true);
    expect(posted().equals(readFileSync(join(cache, first!)))).toBe(true);
    // A new title: drawn again, under another name, the former one removed.
    const yaml = join(dir, 'campagne.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^(\s+titre:) .*$/m, '$1 Renfort des soignants du Loiret'));
    await posts();
    expect(kept()).toHaveLength(1);
    expect(kept()[0]).not.toBe(first);
    expect((await readPdf(posted())).text.join('\n')).toContain('Renfort des soignants du Loiret');
    // A kept file cut (a full disk, a copy stopped) or overwritten is never handed out: drawn again.
    const whole = readFileSync(join(cache, kept()[0]!));
    writeFileSync(join(cache, kept()[0]!), whole.subarray(0, whole.length >> 1));
    await posts();
    expect(posted().equals(whole)).toBe(true);
    expect(readFileSync(join(cache, kept()[0]!)).equals(whole)).toBe(true);
  });
});
