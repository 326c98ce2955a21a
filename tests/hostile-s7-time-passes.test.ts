import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleWithLetters } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';
import { startSmtp, type TestSmtp } from './servers/smtp.js';

/**
 * Weeks pass between the send and the next run: a new directory export arrives in which a town
 * hall that already got the email (accepted by the server, never bounced) has no email address any
 * more, or no record at all. That town hall has been reached. The next print file must not mail it
 * the letter a second time, and `status` must not count it both as emailed and as going by post.
 * Today both town halls join impression-45.pdf (src/letters/generate.ts byPost(), and the status
 * counts in src/cli/status.ts, decide "by post" from the current data alone, not from the journal).
 */
let server: TestSmtp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Letters {
  impression: Array<{ departement: string; lettres: number }>;
}
interface Status {
  departements: Array<{ code: string; mairies: { total: number; parCourriel: number; aEnvoyer: number; parCourrier: number } }>;
}

type DirRecord = { code_insee_commune: string; pivot: Array<{ type_service_local: string }>; adresse_courriel: string[] };

describe('a new directory export after the send', () => {
  it('a town hall already emailed, whose address or record has gone since, is not put in the print file as well', async () => {
    server = await startSmtp();
    // The sample with its letters drawn (the print files are what is compared, not the drawing).
    const dir = await sampleWithLetters();
    const send = await relais(['-C', dir, 'send', '--commune', '45004,45008', '--yes'], { env: { RELAIS_SMTP_URL: server.url } });
    expect(send.code, send.stderr).toBe(0);
    expect(server.received.map((r) => r.to).sort()).toEqual(['mairie@amilly.example', 'mairie@artenay.example']);
    const before = await relaisJson<Letters>(['-C', dir, 'letters', '--dep', '45']);
    const printed = before.json.impression.find((p) => p.departement === '45')!.lettres;

    // The new export: Amilly's record has lost its address, Artenay's town hall is not in it any more.
    const path = join(dir, 'data', 'annuaire-mairies.json');
    const records = JSON.parse(readFileSync(path, 'utf8')) as DirRecord[];
    const isTownHall = (r: DirRecord, insee: string) => r.code_insee_commune === insee && r.pivot[0]?.type_service_local === 'mairie';
    records.find((r) => isTownHall(r, '45004'))!.adresse_courriel = [];
    writeFileSync(path, JSON.stringify(records.filter((r) => !isTownHall(r, '45008'))));

    const after = await relaisJson<Letters>(['-C', dir, 'letters', '--dep', '45']);
    // Both got the email: printing and posting their letter reaches them twice (today: printed + 2).
    expect(after.json.impression.find((p) => p.departement === '45')!.lettres).toBe(printed);

    const status = await relaisJson<Status>(['-C', dir, 'status']);
    const loiret = status.json.departements.find((d) => d.code === '45')!.mairies;
    // Every town hall counted once: by email (reached) or by post, never both.
    expect(loiret.parCourriel + loiret.parCourrier).toBe(loiret.total);
  });
});
