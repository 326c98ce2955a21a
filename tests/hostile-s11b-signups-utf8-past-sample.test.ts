import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireCampaign } from '../src/campaign/load.js';
import { communeReference } from '../src/data/cog.js';
import { readSignups } from '../src/tracker/signups.js';
import { sampleCampaign } from './helpers/campaign.js';

/**
 * The sign-ups reader (src/tracker/fast-csv.ts, read by readSignups) learns that two exports were
 * appended — Windows-1252 then UTF-8 — only from sniffEncoding's look at the first 64 KB
 * (mixedFromLine). The table reader looks again in every chunk (decodingStream); the fast reader
 * does not. A regional export of a few thousand volunteers is past 64 KB: the UTF-8 rows
 * appended after are counted with métiers « InfirmiÃ¨re », without the « encodages mélangés »
 * warning the same file gets when the UTF-8 starts earlier.
 */
describe('a Windows-1252 sign-up export with a UTF-8 export appended past its first 64 KB', () => {
  it('is warned of at the line where UTF-8 starts, as when it starts inside the first 64 KB', async () => {
    const dir = sampleCampaign();
    const campaign = await requireCampaign(dir);
    const path = join(dir, 'inscriptions-jointes.csv');
    const windows = Array.from({ length: 3000 }, (_, i) => `W${i};2020-03-26;45;Infirmière;soignant\r\n`).join('');
    const bytes = Buffer.concat([Buffer.from('id;date;departement;metier;categorie\r\n' + windows, 'latin1'), Buffer.from('U1;2020-03-27;37;Infirmière;soignant\r\nU2;2020-03-27;37;Aide-soignante;soignant\r\n', 'utf8')]);
    expect(bytes.length).toBeGreaterThan(64 * 1024);
    writeFileSync(path, bytes);
    const r = await readSignups(campaign, { fichiers: [path], colonnes: {} }, communeReference());
    const said = r.problems.items.filter((p) => p.kind === 'encodages-melanges' || p.kind === 'fichier-illisible');
    // Now: nothing said; « InfirmiÃ¨re » counted as a métier of its own.
    expect.soft(said.map((p) => p.line)).toEqual([3002]);
    expect.soft(r.records.names.metier).not.toContain('InfirmiÃ¨re');
  });
});
