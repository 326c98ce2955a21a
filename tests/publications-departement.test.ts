import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign, setPublications } from './helpers/campaign.js';
import { relais, relaisJson } from './helpers/cli.js';

type Problem = { kind: string; message: string; file?: string; line?: number; field?: string };

/**
 * A publication of the agency's accounts written from a channel template is rendered for one
 * département. A template that names the département (« volontaires d'Indre-et-Loire ») would
 * have the regional post speak of the first département only: check says so, and the entry
 * names the département it speaks of.
 */
describe('a publication written from a template that differs by département', () => {
  const campaign = () => {
    const dir = sampleCampaign();
    const linkedin = join(dir, 'templates', 'linkedin.hbs');
    writeFileSync(linkedin, `Volontaires {{de departement}} : inscrivez-vous. ${readFileSync(linkedin, 'utf8')}`);
    return dir;
  };

  it('is an error of check, naming both départements and the way out, at its line of campagne.yaml', async () => {
    const dir = campaign();
    setPublications(dir, [{ canal: 'linkedin', date: '2020-04-11 09:00', modele: 'linkedin' }]);
    const { code, json } = await relaisJson<{ errors: Problem[] }>(['-C', dir, 'check']);
    expect(code).toBe(1);
    const error = json.errors.find((e) => e.kind === 'publication')!;
    expect(error).toMatchObject({ file: 'campagne.yaml', field: 'publications.0.modele' });
    const yamlLines = readFileSync(join(dir, 'campagne.yaml'), 'utf8').split('\n');
    expect(yamlLines[error.line! - 1]).toMatch(/^ {4}modele: linkedin$/);
    expect(error.message).toContain("le modèle « linkedin » ne dit pas la même chose dans chaque département (Indre-et-Loire : « Volontaires d'Indre-et-Loire");
    expect(error.message).toContain('Loiret : « Volontaires du Loiret');
    expect(error.message).toContain('departement: "37"');
  });

  it('names its département: check passes, and the post speaks of that one', async () => {
    const dir = campaign();
    setPublications(dir, [{ canal: 'linkedin', date: '2020-04-11 09:00', modele: 'linkedin', departement: '45' }]);
    const check = await relais(['-C', dir, 'check']);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    // Without credentials, schedule run rehearses: the post is written to out/publications/.
    const run = await relais(['-C', dir, 'schedule', 'run', '--publish-late']);
    expect(run.code, run.stderr).toBe(0);
    const folder = join(dir, 'out', 'publications');
    const texts = readdirSync(folder, { recursive: true }).map(String).filter((f) => f.endsWith('.txt')).map((f) => readFileSync(join(folder, f), 'utf8'));
    expect(texts.join('\n')).toContain('Volontaires du Loiret : inscrivez-vous.');
    expect(texts.join('\n')).not.toContain("d'Indre-et-Loire");
  });

  it('a département the campaign has not is an error at its line', async () => {
    const dir = campaign();
    setPublications(dir, [{ canal: 'linkedin', date: '2020-04-11 09:00', modele: 'linkedin', departement: '18' }]);
    const { code, json } = await relaisJson<{ errors: Problem[] }>(['-C', dir, 'check']);
    expect(code).toBe(1);
    const error = json.errors.find((e) => e.field === 'publications.0.departement')!;
    expect(error.message).toBe("publication n° 1 : le département 18 n'est pas l'un de ceux de la campagne (37, 45)");
    expect(readFileSync(join(dir, 'campagne.yaml'), 'utf8').split('\n')[error.line! - 1]).toBe('    departement: 18');
  });
});
