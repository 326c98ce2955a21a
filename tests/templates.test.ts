import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCampaign } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';
import { TemplateError, TemplateSet } from '../src/text/templates.js';

function render(source: string, context: object, html = false): string {
  return new TemplateSet([{ name: 't', file: 'templates/t.hbs', source, html }]).render('t', context);
}

function failure(source: string, context: object = {}): TemplateError {
  try {
    render(source, context);
  } catch (err) {
    expect(err).toBeInstanceOf(TemplateError);
    return err as TemplateError;
  }
  throw new Error('the template should have failed');
}

const dep = { nom: 'Loiret', typeLiaison: 2 };

describe('templates', () => {
  it('renders French helpers', () => {
    const out = render('{{lieu_date ville date}} — {{de departement}}, {{le departement}} — pas moins de {{nombre (arrondi n 100)}} {{pluriel n "volontaire"}} — {{salutation maire}}', {
      ville: 'Orléans',
      date: '2020-04-10',
      departement: dep,
      n: 2154,
      maire: { sexe: 'F' },
    });
    expect(out).toBe('Orléans, le vendredi 10 avril 2020 — du Loiret, le Loiret — pas moins de 2\u202f100 volontaires — Madame la Maire');
  });

  it('escapes HTML only in HTML templates', () => {
    expect(render('{{t}}', { t: 'A & B <b>' })).toBe('A & B <b>');
    expect(render('{{t}}', { t: 'A & B <b>' }, true)).toBe('A &amp; B &lt;b&gt;');
  });

  it('uses the space of the output for numbers', () => {
    const set = new TemplateSet([
      { name: 'sms', file: 'sms.hbs', source: '{{nombre n}}', space: 'sms' },
      { name: 'x', file: 'x.hbs', source: '{{nombre n}}', space: 'x' },
    ]);
    expect(set.render('sms', { n: 2100 })).toBe('2 100');
    expect(set.render('x', { n: 2100 })).toBe('2\u00a0100');
  });
});

describe('templates: bad input names the file, the line and the variable', () => {
  it('every broken template of a set is collected, in order, and the others still render', () => {
    const specs = [
      { name: 'a', file: 'a.hbs', source: 'Bonjour {{#if x}}' },
      { name: 'b', file: 'b.hbs', source: '{{commune.nom}}' },
      { name: 'c', file: 'c.hbs', source: '\n{{inconnue x}}' },
      { name: 'd', file: 'd.hbs', source: '  ' },
    ];
    const errors: TemplateError[] = [];
    const set = new TemplateSet(specs, errors);
    expect(errors.map((e) => [e.file, e.line])).toEqual([
      ['a.hbs', 1],
      ['c.hbs', 2],
      ['d.hbs', 1],
    ]);
    expect(errors[0]!.message).toBe('bloc {{#if}} jamais fermé (il manque {{/if}})');
    expect(errors[1]!.message).toContain('fonction inconnue « inconnue »');
    expect(errors[2]!.message).toBe('modèle vide');
    expect(set.render('b', { commune: { nom: 'Tours' } })).toBe('Tours');
    // Without a list, the first broken template throws, with the same words.
    expect(() => new TemplateSet(specs)).toThrow('bloc {{#if}} jamais fermé');
  });

  it('an unknown variable', () => {
    const err = failure('Bonjour\n{{commune.nomm}}', { commune: { nom: 'Tours' } });
    expect(err).toMatchObject({ file: 'templates/t.hbs', line: 2, variable: 'nomm' });
    expect(err.message).toBe('variable inconnue « nomm » dans {{commune.nomm}}');
  });

  it('a variable of a mayor that is not known', () => {
    const err = failure('{{maire.nom}}', { maire: null });
    expect(err.line).toBe(1);
    expect(err.message).toContain('nom');
  });

  it('an unclosed {{#if}}', () => {
    const err = failure('a\n{{#if x}}\nb\n', { x: true });
    expect(err.line).toBe(2);
    expect(err.message).toContain('{{#if}} jamais fermé');
  });

  it('a helper given a wrong type', () => {
    const err = failure('\n{{date_longue d}}', { d: '2020-13-45' });
    expect(err.line).toBe(2);
    expect(err.message).toContain('date invalide « 2020-13-45 »');
  });

  it('an unknown helper', () => {
    const err = failure('{{majuscule x}}', { x: 'a' });
    expect(err.message).toContain('fonction inconnue « majuscule »');
  });

  it('an empty template', () => {
    expect(failure('  \n').message).toBe('modèle vide');
  });

  it('a block closed by another', () => {
    expect(failure('{{#if x}}a{{/each}}', { x: 1 }).message).toContain('fermé par {{/each}}');
  });
});

describe('template errors a user can act on, in French', () => {
  const ENGLISH = /Cannot|undefined|not defined|Lexical|Parse error|Expecting|requires|could not be found|operator/;

  it.each([
    ['a\n{{!-- commentaire jamais fermé', 2, 'syntaxe du modèle invalide'],
    ['a\n\n{{ "abc }}', 3, 'syntaxe du modèle invalide'],
    ['{{> entete}}', 1, 'modèle partiel « entete » introuvable'],
    ['x\n{{#if}}oui{{/if}}', 2, '{{#if}} attend exactement une valeur'],
  ])('%j: line %i, %s', (source, line, message) => {
    const err = failure(source, { commune: { nom: 'Orléans' } });
    expect(err.message).toContain(message);
    expect(err.message).not.toMatch(ENGLISH);
    expect(err.line).toBe(line);
    expect(err.file).toBe('templates/t.hbs');
  });

  it('a variable missing because of the configuration names it and says why', () => {
    for (const source of ['a\n{{volontaires.region}}', 'a\n{{nombre (arrondi volontaires.region 100)}}']) {
      const err = failure(source, { commune: { nom: 'Orléans' } });
      expect(err.message).toMatch(/^variable inconnue « volontaires » dans \{\{.*volontaires\.region.*\}\} : « volontaires » n’existe que si la campagne a « sources\.inscriptions »/);
      expect(err.line).toBe(2);
      expect(err.variable).toBe('volontaires');
    }
  });

  it('a property of a text is one reason for every commune, whatever its name', () => {
    const a = failure('x\r\n{{commune.nom.length}}', { commune: { nom: 'Orléans' } });
    const b = failure('x\r\n{{commune.nom.length}}', { commune: { nom: 'Tours' } });
    expect(a.message).toBe('{{commune.nom.length}} : « commune.nom » est une valeur simple (texte ou nombre), on ne peut pas y lire « length »');
    expect(a.line).toBe(2);
    expect(a.reason).toBe(b.reason);
    expect(a.message).not.toContain('Orléans');
  });
});

describe('template errors in relais check: one problem per template and cause', () => {
  async function templateErrors(edit: (dir: string) => void) {
    const dir = sampleCampaign();
    edit(dir);
    const { code, json } = await relaisJson<{ errors: Array<{ file: string; line: number; message: string; kind: string }> }>(['-C', dir, 'check']);
    expect(code).toBe(1);
    return json.errors.filter((e) => e.kind === 'modele').map((e) => [e.file, e.line, e.message]);
  }

  it('volontaires in a campaign without sign-ups: once, with the count, the first commune and why', async () => {
    const errors = await templateErrors((dir) => {
      const yaml = join(dir, 'campagne.yaml');
      writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/ {2}inscriptions:\n(?: {4}- .*\n)+/, ''));
    });
    expect(errors).toEqual([
      [
        'templates/lettre.hbs',
        12,
        'variable inconnue « volontaires » dans {{nombre (arrondi volontaires.region 100)}} : « volontaires » n’existe que si la campagne a « sources.inscriptions » ou « campagne.volontaires » dans campagne.yaml — 597 destinataires concernés, dont Abilly (37001)',
      ],
    ]);
  });

  it('{{commune.nom.length}}: one problem for 597 communes, not 597 lines', async () => {
    const errors = await templateErrors((dir) => writeFileSync(join(dir, 'templates', 'courriel-objet.hbs'), 'Renfort\r\n{{commune.nom.length}}\r\n'));
    expect(errors).toEqual([['templates/courriel-objet.hbs', 2, '{{commune.nom.length}} : « commune.nom » est une valeur simple (texte ou nombre), on ne peut pas y lire « length » — 597 destinataires concernés, dont Abilly (37001)']]);
  });
});
