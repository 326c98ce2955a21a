import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign, tempDir } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * A sign-up export corrected by hand in Excel before it is handed over: a long métier wrapped
 * with Alt+Entrée (« Médecin » / « généraliste » on two lines of the cell), saved as CSV — Excel
 * quotes the cell and keeps the line break inside it. The rows are all read (held), but
 * src/tracker counts the métier as written, line break and all: « Médecin\ngénéraliste » is a
 * métier of its own beside « Médecin généraliste »: the figures by métier (`track --json`, and the
 * table and reports built from them) split one profession in two. The town-hall list reads such a
 * cell as one line (« 2 RUE DE L'EGLISE BP 12 »); the user expects the same here: 2 « Médecin
 * généraliste ».
 */
describe('a métier wrapped on two lines inside its cell', () => {
  it('is counted with the same métier written on one line', async () => {
    const file = join(tempDir(), 'inscriptions.csv');
    const text = [
      'id;date_inscription;departement;code_postal;metier;categorie;statut',
      'A1;2020-04-01 10:00;45;45000;Médecin généraliste;soignant;inscrit',
      'A2;2020-04-02 10:00;37;37000;"Médecin\ngénéraliste";soignant;inscrit',
      'A3;2020-04-03 10:00;18;18000;Infirmier;soignant;inscrit',
      '',
    ].join('\r\n');
    writeFileSync(file, text);
    const { json, stderr } = await relaisJson<{ total: number; metiers: Record<string, number> }>(['-C', sampleCampaign(), 'track', file]);
    expect(json.total, stderr).toBe(3);
    // Today: { "Médecin généraliste": 1, "Médecin\ngénéraliste": 1, Infirmier: 1 }.
    expect(json.metiers).toEqual({ 'Médecin généraliste': 2, Infirmier: 1 });
  });
});
