import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleWithoutPublications } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';

/**
 * The communicator exports the calendar, fixes a word of a tweet in Excel, and imports the file
 * back. The export's first column is `id` (1: publication n° 1), but src/delivery/schedule-io.ts
 * (importPostsDetailed) never reads it: a row whose text differs from n° 1 is a new post, and
 * n° 1 stays queued with its old text. Two tweets go out, nothing said.
 */
interface Post {
  id: number;
  status: string;
  text: string;
}

describe('an exported post edited in the spreadsheet and imported back', () => {
  it('does not queue the edited text beside the old one without a word: publication n° 1 is replaced, or the row refused naming it', async () => {
    const dir = sampleWithoutPublications();
    const add = await relais(['-C', dir, 'schedule', 'add', '--channel', 'twitter', '--at', '2031-04-11 09:00', '--text', 'Soignants volontaires, inscrivez-vous sur renfort-covid.fr #renfortscovid']);
    expect(add.code, add.stderr).toBe(0);
    const file = join(dir, 'out', 'publications.csv');
    expect((await relais(['-C', dir, 'schedule', 'export', file])).code).toBe(0);
    const exported = readFileSync(file, 'utf8');
    expect(exported).toMatch(/^\uFEFFid;canal;date;texte;statut;fuseau\r?\n1;twitter;/);
    // The one edit: a word added to the text, in the row that says id 1.
    writeFileSync(file, exported.replace('inscrivez-vous sur', 'inscrivez-vous dès maintenant sur'));
    const imported = await relais(['-C', dir, 'schedule', 'import', file]);
    const said = `${imported.stdout}${imported.stderr}`;
    const queued = (await relaisJson<Post[]>(['-C', dir, 'schedule', 'list'])).json.filter((p) => p.status === 'queued');
    // It says « 1 ligne lue : 1 publication importée, 0 écartée. » and queues n° 2 beside n° 1:
    // both tweets will be published.
    expect(queued.length === 1 || /n° 1\b|id 1\b|identifiant 1\b/.test(said), `${queued.length} publications prévues : ${queued.map((p) => `n° ${p.id} « ${p.text} »`).join(', ')}\n${said}`).toBe(true);
  });
});
