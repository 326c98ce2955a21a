import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * After the emails went out, someone corrects a word of the campaign's title in campagne.yaml
 * (« Appel à volontaires » → « Appel aux volontaires »), or the date of the letters. The journal
 * names the campaign by slug(titre + date) (src/campaign/load.ts campaignKey), so relais now
 * reads an empty journal: status says every town hall is « à envoyer », and `send` emails all of
 * them a second time — with a new Message-ID, so not even a duplicate a mail client would fold.
 * Bounces recorded and posts published are forgotten the same way (schedule list: « Aucune
 * publication dans le journal »). No warning is given.
 */
let server: TestSmtp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Status {
  departements: Array<{ code: string; mairies: { aEnvoyer: number; parCourriel: number } }>;
}

describe('the campaign title corrected after the send', () => {
  it('does not send the emails a second time', async () => {
    server = await startSmtp();
    const dir = await sampleWithLetters();
    const env = { RELAIS_SMTP_URL: server.url };
    const first = await relais(['-C', dir, 'send', '--commune', '45001,45002', '--yes'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(server.received).toHaveLength(2);

    const yaml = join(dir, 'campagne.yaml');
    const text = readFileSync(yaml, 'utf8');
    expect(text).toMatch(/^ {2}titre: Appel à volontaires renfort-covid$/m);
    writeFileSync(yaml, text.replace(/^ {2}titre: Appel à volontaires renfort-covid$/m, '  titre: Appel aux volontaires renfort-covid'));

    // Nothing runs until campagne.yaml says which campaign this is: the journal holds the old name.
    const refused = await relais(['-C', dir, 'send', '--commune', '45001,45002', '--yes'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('campagne.yaml');
    expect(refused.stderr).toContain('« identifiant: appel-a-volontaires-renfort-covid-2020-04-10 »');
    // Today: 4 — Adon and Aillant-sur-Milleron get the campaign twice.
    expect(server.received).toHaveLength(2);
    const check = await relaisJson<{ errors: Array<{ field?: string; message: string }> }>(['-C', dir, 'check']);
    expect(check.json.errors.map((e) => e.field)).toEqual(['campagne.titre']);

    // The same campaign, corrected: its identity pinned, the journal is its own again.
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^campagne:\n/m, 'campagne:\n  identifiant: appel-a-volontaires-renfort-covid-2020-04-10\n'));
    const status = await relaisJson<Status>(['-C', dir, 'status']);
    const loiret = status.json.departements.find((d) => d.code === '45')!.mairies;
    expect(loiret.aEnvoyer).toBe(loiret.parCourriel - 2);
    const again = await relais(['-C', dir, 'send', '--commune', '45001,45002', '--yes'], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(server.received).toHaveLength(2);
  });
});
