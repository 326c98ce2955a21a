import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * The journal names a campaign by slug(titre + '-' + date, 80) (src/campaign/load.ts campaignKey,
 * src/text/french.ts slug cuts at 80 characters). A title of more than about 70 characters — an
 * ARS's titles often are — leaves no room for the date: changing the date after a send changes
 * nothing in the name, so the check that stops every command « until campagne.yaml says which
 * campaign it is » (checkJournalIdentity) never runs. A second wave planned in the same folder
 * with a new date is silently taken for the first: its town halls are « déjà envoyé ».
 */
let server: TestSmtp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const LONG = 'Appel à volontaires pour le renfort des établissements sanitaires et médico-sociaux de la région';

describe('a campaign with a long title whose date is changed after a send', () => {
  it('stops and asks which campaign this is, as with a short title', async () => {
    server = await startSmtp();
    const dir = await sampleWithLetters();
    const yaml = join(dir, 'campagne.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^ {2}titre: Appel à volontaires renfort-covid$/m, `  titre: ${LONG}`));
    const env = { RELAIS_SMTP_URL: server.url };
    const first = await relais(['-C', dir, 'send', '--commune', '45001', '--yes'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(server.received).toHaveLength(1);

    const text = readFileSync(yaml, 'utf8');
    expect(text).toMatch(/^ {2}date: 2020-04-10$/m);
    writeFileSync(yaml, text.replace(/^ {2}date: 2020-04-10$/m, '  date: 2020-05-15'));
    const second = await relais(['-C', dir, 'send', '--commune', '45001', '--yes'], { env });
    // Today: code 0, the journal's campaign is the same name, the date change goes unasked.
    expect(second.code, second.stdout).toBe(1);
    expect(second.stderr).toContain('identifiant');
  });
});
