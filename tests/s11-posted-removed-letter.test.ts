import { afterEach, describe, expect, it } from 'vitest';
import { sampleWithLetters, setTownHallEmails } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

let server: TestSmtp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * Version n° 1 of impression-45.pdf held Audeville (45012); the directory then gives its town hall
 * an address and version n° 2 is written without it. Plain `letters --posted` says the last
 * version was posted: Audeville, maybe posted with version n° 1, is named and nothing is noted
 * without --yes; with --yes, the 23 letters of version n° 2 are noted, not Audeville's.
 */
describe('letters --posted after a letter left the print file since its first version', () => {
  it('names the letter removed, notes nothing without --yes, and with --yes notes the last version only', async () => {
    const dir = await sampleWithLetters();
    setTownHallEmails(dir, '45012', ['mairie@audeville.example']);
    const v2 = await relais(['-C', dir, 'letters', '--dep', '45']);
    expect(v2.code, v2.stderr).toBe(0);

    const asked = await relais(['-C', dir, 'letters', '--posted', '--dep', '45']);
    expect(asked.code).toBe(1);
    expect(asked.stderr).toContain("rien n'est noté posté : fichier à imprimer du département 45 (version n° 2 du ");
    expect(asked.stderr).toContain('1 lettre retirée depuis la version n° 1, pas dans la n° 2 ni notée postée par elle : Audeville 45012 (dernière version la tenant : n° 1)');
    expect(asked.stderr).toContain('Si ce fichier a été imprimé et posté dans sa dernière version, sans ces lettres, confirmez : « relais letters --posted --dep 45 --yes »');

    const confirmed = await relaisJson<{ postees: { nouvelles: number; fichiers: Array<{ lettres: number; ajouteesApres: { retireesNonNotees: Array<{ code: string }> } | null }> } }>(['-C', dir, 'letters', '--posted', '--dep', '45', '--yes']);
    expect(confirmed.json.postees.nouvelles).toBe(23);
    expect(confirmed.json.postees.fichiers[0]!.ajouteesApres!.retireesNonNotees.map((c) => c.code)).toEqual(['45012']);
    const status = await relais(['-C', dir, '--json', 'status']);
    const dep = (JSON.parse(status.stdout) as { departements: Array<{ code: string; mairies: { lettresPostees: number } | null }> }).departements.find((d) => d.code === '45')!;
    expect(dep.mairies!.lettresPostees).toBe(23);
  });

  it('send, before any --posted, says the removed letter was in the print file: version n° 1 may be in the post', async () => {
    const dir = await sampleWithLetters();
    setTownHallEmails(dir, '45012', ['mairie@audeville.example']);
    const v2 = await relais(['-C', dir, 'letters', '--dep', '45']);
    expect(v2.code, v2.stderr).toBe(0);
    server = await startSmtp();
    const send = await relais(['-C', dir, 'send', '--commune', '45012', '--yes'], { env: { RELAIS_SMTP_URL: server.url } });
    expect(send.code, send.stderr).toBe(0);
    expect(send.stdout + send.stderr).toContain('Audeville 45012 : sa lettre était dans le dernier fichier à imprimer');
  });
});
