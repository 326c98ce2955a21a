import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * campagne.identifiant is checked against the journal only when it is absent
 * (src/campaign/load.ts checkJournalIdentity returns at once when `identifiant` is set). An
 * identifiant that names no campaign of the journal — a typo of the name relais gave, or a
 * name of one's own added « to be safe » after the first send — makes relais read an empty
 * journal, and every town hall already written to is written to again, without a word.
 */
let server: TestSmtp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('campagne.identifiant that names no campaign of the journal', () => {
  it('is not taken as a new campaign in silence: the town halls already emailed are not emailed again', async () => {
    server = await startSmtp();
    const dir = await sampleWithLetters();
    const env = { RELAIS_SMTP_URL: server.url };
    const first = await relais(['-C', dir, 'send', '--commune', '45001,45002', '--yes'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(server.received).toHaveLength(2);

    // The title is corrected and the identifiant relais asks for is copied with one letter lost
    // (« volontaire » for « volontaires »): the journal knows appel-a-volontaires-renfort-covid-2020-04-10.
    const yaml = join(dir, 'campagne.yaml');
    const text = readFileSync(yaml, 'utf8')
      .replace(/^ {2}titre: Appel à volontaires renfort-covid$/m, '  titre: Appel aux volontaires renfort-covid')
      .replace(/^campagne:\n/m, 'campagne:\n  identifiant: appel-a-volontaire-renfort-covid-2020-04-10\n');
    writeFileSync(yaml, text);

    const again = await relais(['-C', dir, 'send', '--commune', '45001,45002', '--yes'], { env });
    // Today: code 0 and 4 messages — Adon and Aillant-sur-Milleron get the campaign twice.
    expect(server.received).toHaveLength(2);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('appel-a-volontaires-renfort-covid-2020-04-10');

    // Declared a new campaign by the name its title and date give: its own sends, counted apart.
    writeFileSync(yaml, text.replace('identifiant: appel-a-volontaire-renfort-covid-2020-04-10', 'identifiant: appel-aux-volontaires-renfort-covid-2020-04-10'));
    const fresh = await relais(['-C', dir, 'send', '--commune', '45001,45002', '--yes'], { env });
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(server.received).toHaveLength(4);
  });
});
