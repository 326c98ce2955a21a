import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * `relais run` sends the emails, then publishes: a queued post whose medium was deleted since it
 * was planned is found before anything leaves, not at publishing, after 556 emails went out.
 */
describe('relais run with a queued post whose medium is gone', () => {
  it('stops before the letters and the emails, naming the post and the file', async () => {
    const dir = sampleCampaign();
    const png = new PNG({ width: 40, height: 20 });
    png.data.fill(90);
    writeFileSync(join(dir, 'medias', 'affiche.png'), PNG.sync.write(png));
    const add = await relais(['-C', dir, 'schedule', 'add', '--channel', 'x', '--at', '2031-04-11 09:00', '--text', 'Affiche', '--media', 'medias/affiche.png', '--alt', 'Affiche de la campagne']);
    expect(add.code, add.stderr).toBe(0);
    rmSync(join(dir, 'medias', 'affiche.png'));
    const run = await relais(['-C', dir, 'run']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('un média d’une publication prévue manque');
    expect(run.stderr).toContain('publication n° 1 (twitter, 2031-04-11 09:00) : média « affiche.png » introuvable');
    expect(run.stderr).toContain('relais schedule cancel N');
    expect(existsSync(join(dir, 'out', 'outbox'))).toBe(false);
    expect(existsSync(join(dir, 'out', 'lettres'))).toBe(false);
  });
});
