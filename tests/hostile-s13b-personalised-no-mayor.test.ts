import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleLoiret } from './helpers/campaign.js';
import { relais } from './helpers/cli.js';

/**
 * README (Modèles) lists `maire.prenom|nom|sexe` « (vide si la commune n'a pas de maire connu) ».
 * A préfecture personalises the first paragraph as the README suggests
 * (« {{commune.nom}}, {{maire.prenom}} {{maire.nom}} ») on an RNE export where one commune has
 * no mayor (a vacancy after a resignation: it happens every month somewhere). `relais check`
 * then refuses the whole campaign with
 *   templates/lettre.hbs:8: variable inconnue « prenom » dans {{maire.prenom}} — 1 destinataire
 * The variable is the README's own; it is the mayor who is missing. The staff look for a typo
 * that is not there. Either the documented rule holds (empty, so the template can say
 * {{#if maire}}), or the message says what is wrong: this commune has no known mayor.
 */
describe('the README personalised letter, for a commune whose mayor is not in the RNE', () => {
  it('does not call maire.prenom an unknown variable', async () => {
    const dir = sampleLoiret();
    const mayors = join(dir, 'data', 'maires.csv');
    // Orléans (45234) without its mayor.
    writeFileSync(mayors, readFileSync(mayors, 'utf8').split('\n').filter((line) => !line.includes(';45234;')).join('\n'));
    const template = join(dir, 'templates', 'lettre.hbs');
    const text = readFileSync(template, 'utf8');
    const personalised = text.replace("Devant l'importance", "{{commune.nom}}, {{maire.prenom}} {{maire.nom}} : devant l'importance");
    expect(personalised).not.toBe(text);
    writeFileSync(template, personalised);
    const r = await relais(['-C', dir, 'check', '--dep', '45']);
    const said = `${r.stdout}\n${r.stderr}`;
    expect(said).not.toMatch(/variable inconnue « (?:prenom|nom) »/);
    // Accepted, or refused by a message that says the mayor of Orléans is what is missing.
    expect(r.code === 0 || /Orléans \(45234\)[^\n]*(?:sans|aucun|pas de) maire|(?:sans|aucun|pas de) maire[^\n]*Orléans \(45234\)/.test(said), said).toBe(true);
  });
});
