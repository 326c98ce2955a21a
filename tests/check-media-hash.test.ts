import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCampaign } from '../src/campaign/load.js';
import { checkCampaignMedia } from '../src/media/declared.js';
import { probeFacts, probeFile } from '../src/media/probe.js';
import { ProblemList } from '../src/problems.js';
import { ROOT } from './helpers/cli.js';

describe('media: the check reads facts, queuing a post takes the hash', () => {
  const video = join(ROOT, 'medias', 'campagne.mp4');

  it('facts are the same with or without the hash, and the hash is the whole file\'s sha256', async () => {
    const facts = await probeFacts(video, 'medias/campagne.mp4');
    const probe = await probeFile(video, 'medias/campagne.mp4');
    expect('sha256' in facts).toBe(false);
    const { sha256, ...rest } = probe;
    expect(rest).toEqual(facts);
    expect(sha256).toBe(createHash('sha256').update(readFileSync(video)).digest('hex'));
  });

  it('checkCampaignMedia validates the sample video against every network without hashing it', async () => {
    const { campaign } = await loadCampaign(ROOT);
    const problems = new ProblemList();
    const media = await checkCampaignMedia(campaign!, problems);
    expect(problems.errors).toEqual([]);
    expect(media.get('video')?.probe).toMatchObject({ format: 'mp4', kind: 'video' });
    expect('sha256' in media.get('video')!.probe).toBe(false);
  });
});
