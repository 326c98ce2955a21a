import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * ARCHITECTURE: "A campaign is a folder … a copy of the folder is a complete backup." A post
 * scheduled with a medium of the campaign (medias/…) must still find it once the folder is moved
 * or restored elsewhere. The journal keeps the medium's absolute path (post_media.path =
 * /old/place/medias/…), so the moved campaign's post fails — or, while the old folder still
 * exists, publishes the old folder's file.
 */
describe('a campaign folder moved after a post with a medium was scheduled', () => {
  it('the post still finds its medium in the moved folder', async () => {
    const dir = sampleCampaign();
    const yaml = join(dir, 'campagne.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/\npublications:\n(?: {2}.*\n)+/, '\n'));
    const png = new PNG({ width: 40, height: 20 });
    png.data.fill(90);
    writeFileSync(join(dir, 'medias', 'affiche.png'), PNG.sync.write(png));
    const add = await relais(['-C', dir, 'schedule', 'add', '--channel', 'x', '--at', 'now', '--text', 'Affiche', '--media', 'medias/affiche.png', '--alt', 'Affiche de la campagne']);
    expect(add.code, add.stderr).toBe(0);

    const moved = join(tempDir(), 'campagne-restauree');
    renameSync(dir, moved);
    const run = await relais(['-C', moved, 'schedule', 'run']);
    // It used to fail: « média introuvable » (the journal kept the old absolute path).
    expect(`${run.stdout}${run.stderr}`).not.toContain('introuvable');
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(moved, 'out', 'publications', '1-twitter.txt'))).toBe(true);
  });
});
