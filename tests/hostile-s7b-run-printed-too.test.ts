import { afterEach, describe, expect, it } from 'vitest';
import { sampleWithLetters, setTownHallEmails } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * `send` warns when a town hall of the last print file now gets the email (src/delivery/send.ts,
 * lastPrinted reads the manifest's `#communes`). `relais run` writes the letters first
 * (src/cli/run.ts generateLetters, then sendCampaign): the print file is rewritten without the
 * town hall and `#communes` with it, so send's look-up finds nothing; and run does not print the
 * letters' « retirées depuis la version du … » either. The town hall is emailed, its letter may
 * be in the post already, and nothing in run's output says so.
 */
let server: TestSmtp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('run, when a town hall of the last print file has got an address', () => {
  it('says its letter was in the last print file, as send does', async () => {
    server = await startSmtp();
    const dir = await sampleWithLetters();
    const letters = await relais(['-C', dir, 'letters', '--dep', '45']);
    expect(letters.stdout).toContain('impression-45.pdf : 24 lettres à imprimer');
    expect(setTownHallEmails(dir, '45012', ['mairie@45012.example'])).toEqual([]);

    const run = await relais(['-C', dir, 'run', '--dep', '45', '--yes'], { env: { RELAIS_SMTP_URL: server.url } });
    expect(run.code, run.stderr).toBe(0);
    expect(server.received.some((m) => m.to === 'mairie@45012.example')).toBe(true);
    // Today: nothing about 45012's letter in the earlier print file.
    expect(run.stdout + run.stderr).toMatch(/45012.*dernier fichier à imprimer|dernier fichier à imprimer.*45012|45012[\s\S]*retir/);
  });
});
