import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleLoiret } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

interface Report {
  ok: boolean;
  errors: Array<{ field?: string; message: string }>;
}

interface Kept {
  media: Record<string, { stamp: string; facts: { format: string; video?: { durationSec: number; width: number } } }>;
}

/**
 * The declared media's facts, kept in the campaign's state folder (src/media/facts-cache.ts): the
 * commands read them there instead of parsing the video again, as long as the file is the same.
 * A first `check` of a campaign writes nothing (check.test.ts, « writes nothing »).
 */
describe('the media facts kept between commands', () => {
  it('are kept once the campaign has a state folder, served while the file is the same, read again once it is rewritten', async () => {
    const dir = sampleLoiret();
    const video = join(dir, 'medias', 'campagne.mp4');
    const kept = join(dir, '.relais', 'cache', 'medias.json');
    // A campaign acted on (a lock, a journal) has its state folder.
    mkdirSync(join(dir, '.relais'));

    const first = await relaisJson<Report>(['-C', dir, 'check']);
    expect(first.code, first.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(kept, 'utf8')) as Kept;
    expect(doc.media[video]?.facts).toMatchObject({ format: 'mp4', video: { durationSec: 4, width: 640 } });

    // Kept facts that say « 3 hours » (as no real reading of this file would): relais believes
    // them while the file is untouched, which shows it did not parse the video again.
    doc.media[video]!.facts.video!.durationSec = 3 * 3600;
    writeFileSync(kept, JSON.stringify(doc));
    const believed = await relaisJson<Report>(['-C', dir, 'check']);
    expect(believed.code).toBe(1);
    expect(believed.json.errors.map((e) => e.message).join('\n')).toMatch(/durée de .*au-delà des/);

    // The same bytes written again: a new change time, so the file is read again.
    writeFileSync(video, readFileSync(video));
    const again = await relaisJson<Report>(['-C', dir, 'check']);
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(readFileSync(kept, 'utf8')) as Kept).media[video]?.facts.video?.durationSec).toBe(4);
  });

});
