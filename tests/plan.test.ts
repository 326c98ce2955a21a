import { describe, expect, it } from 'vitest';
import type { Campaign, CampaignDepartement } from '../src/campaign/load.js';
import { planCampaign, type Plan, type PlanInput } from '../src/campaign/plan.js';
import type { Recipient } from '../src/campaign/recipients.js';
import { TemplateSet, type TemplateSource } from '../src/text/templates.js';

/**
 * The campaign's plan on a small campaign built in memory: no file is read (the campaign folder
 * does not exist), no database, no PDF. What every producing command then reads.
 */
const DIR = '/campagne-absente';

const TEMPLATES: Record<string, string> = {
  lettre: '{{departement.formule_appel}},\n\nLa plateforme {{campagne.plateforme.nom}} recrute.\nInscrivez-vous.\n\nSMS proposé : {{messages.sms.compte}}.',
  courriel_objet: 'Lettre aux maires — {{commune.nom}}',
  courriel_texte: 'Bonjour,\n\nVeuillez trouver la lettre pour {{commune.nom}}.',
  courriel_html: '<p>Lettre pour {{commune.nom}}</p>',
  twitter: 'Volontaires {{de departement}} : {{campagne.plateforme.url}}',
  facebook: 'Rejoignez {{campagne.plateforme.nom}}.',
  linkedin: 'Soignants {{de departement}}, rejoignez-nous.',
  sms: 'Inscrivez-vous sur {{campagne.plateforme.url}}',
};

function templates(overrides: Record<string, string> = {}): TemplateSet {
  const all = { ...TEMPLATES, ...overrides };
  return new TemplateSet(
    Object.entries(all).map(([name, source]): TemplateSource => ({ name, file: `templates/${name.replace(/_/g, '-')}.hbs`, source, html: name === 'courriel_html', space: name === 'sms' ? 'sms' : name === 'twitter' ? 'x' : 'document' })),
  );
}

const loiret: CampaignDepartement = {
  code: '45',
  nom: 'Loiret',
  typeLiaison: 2,
  region: '24',
  chefLieu: '45234',
  ville: 'Orléans',
  prefet: { prenom: 'Pierre', nom: 'POUËSSEL', genre: 'M' },
  formuleAppel: 'Mesdames et Messieurs les Maires du Loiret',
  regionInfo: { code: '24', nom: 'Centre-Val de Loire', typeLiaison: 0 },
};

const campaign = {
  dir: DIR,
  region: { code: '24', nom: 'Centre-Val de Loire', typeLiaison: 0 },
  departements: [loiret],
  config: {
    campagne: { titre: 'Renfort Covid', objet: 'Appel à volontaires', date: '2020-04-10', plateforme: { nom: 'Renfort-Covid', url: 'https://renfort-covid.fr', lancement: '2020-03-25' } },
    region: '24',
    ars: { nom: 'ARS Centre-Val de Loire', signataire: { prenom: 'Laurent', nom: 'HABERT', genre: 'M' } },
    departements: {},
    sources: { maires: 'data/maires.csv', hors_campagne: 'erreur' },
    expediteur: { nom: 'Préfecture du Loiret', courriel: 'campagne@loiret.gouv.fr' },
  },
} as unknown as Campaign;

function recipient(code: string, nom: string, courriel: string | undefined, adresse: string[]): Recipient {
  return {
    commune: { code, nom, typeLiaison: 0, departement: '45', region: '24', codesPostaux: [], population: 1000, deNom: `de ${nom}` },
    departement: { ...loiret, deNom: 'du Loiret' },
    maire: { nom: 'MARTIN', prenom: 'Claire', sexe: 'F', file: 'data/maires.csv', line: 2 },
    contact: courriel === undefined ? undefined : { courriel, telephone: undefined, file: 'data/mairies.csv', line: 2 },
    adresse,
  };
}

const RECIPIENTS = [
  recipient('45234', 'Orléans', 'mairie@orleans.fr', ['MAIRIE D ORLEANS', 'MADAME LA MAIRE', '45000 ORLEANS']),
  recipient('45208', 'Montargis', 'accueil@montargis.fr', ['MAIRIE DE MONTARGIS', 'MADAME LA MAIRE', '45200 MONTARGIS']),
  recipient('45001', "L'Abbaye-Adon", undefined, ['MAIRIE DE L ABBAYE ADON', 'MADAME LA MAIRE', '45230 ADON']),
];

function plan(overrides: Partial<PlanInput> = {}) {
  return planCampaign({ campaign, recipients: RECIPIENTS, templates: templates(), figures: undefined, video: null, ...overrides });
}

/** Paths shown relative to the campaign folder, so that the snapshot reads like a listing. */
const rel = (p: string | null) => p && p.replace(`${DIR}/`, '');

function summary(p: Plan) {
  return p.recipients.map((r) => ({
    commune: r.recipient.commune.code,
    to: r.to,
    messageId: r.messageId,
    objet: r.email.objet,
    texte: r.email.texte,
    adresse: r.letter.model.adresse,
    titre: r.letter.meta.title,
    paths: { letter: rel(r.paths.letter), outbox: rel(r.paths.outbox), attachment: r.paths.attachment },
  }));
}

describe('the campaign plan', () => {
  it('holds, per recipient, its texts, where its email goes and every path', () => {
    const { plan: p, problems } = plan();
    expect(problems).toEqual([]);
    expect(summary(p!)).toMatchInlineSnapshot(`
      [
        {
          "adresse": [
            "MAIRIE D ORLEANS",
            "MADAME LA MAIRE",
            "45000 ORLEANS",
          ],
          "commune": "45234",
          "messageId": "<renfort-covid-2020-04-10.45234@loiret.gouv.fr>",
          "objet": "Lettre aux maires — Orléans",
          "paths": {
            "attachment": "lettre-45234-orleans.pdf",
            "letter": "out/lettres/45/45234-orleans.pdf",
            "outbox": "out/outbox/45/45234-orleans.eml",
          },
          "texte": "Bonjour,

      Veuillez trouver la lettre pour Orléans.",
          "titre": "Lettre aux maires — Orléans (45234)",
          "to": "mairie@orleans.fr",
        },
        {
          "adresse": [
            "MAIRIE DE MONTARGIS",
            "MADAME LA MAIRE",
            "45200 MONTARGIS",
          ],
          "commune": "45208",
          "messageId": "<renfort-covid-2020-04-10.45208@loiret.gouv.fr>",
          "objet": "Lettre aux maires — Montargis",
          "paths": {
            "attachment": "lettre-45208-montargis.pdf",
            "letter": "out/lettres/45/45208-montargis.pdf",
            "outbox": "out/outbox/45/45208-montargis.eml",
          },
          "texte": "Bonjour,

      Veuillez trouver la lettre pour Montargis.",
          "titre": "Lettre aux maires — Montargis (45208)",
          "to": "accueil@montargis.fr",
        },
        {
          "adresse": [
            "MAIRIE DE L ABBAYE ADON",
            "MADAME LA MAIRE",
            "45230 ADON",
          ],
          "commune": "45001",
          "messageId": "<renfort-covid-2020-04-10.45001@loiret.gouv.fr>",
          "objet": "Lettre aux maires — L'Abbaye-Adon",
          "paths": {
            "attachment": "lettre-45001-l-abbaye-adon.pdf",
            "letter": "out/lettres/45/45001-l-abbaye-adon.pdf",
            "outbox": null,
          },
          "texte": "Bonjour,

      Veuillez trouver la lettre pour L'Abbaye-Adon.",
          "titre": "Lettre aux maires — L'Abbaye-Adon (45001)",
          "to": null,
        },
      ]
    `);
  });

  it('renders the letter once with the annex counts, and the département posts without a commune', () => {
    const p = plan().plan!;
    const first = p.recipients[0]!;
    const { adresse: _adresse, ...letter } = first.letter.model;
    expect(letter).toMatchInlineSnapshot(`
      {
        "annexe": [
          {
            "channel": "twitter",
            "compte": "47 caractères sur 280",
            "result": {
              "channel": "twitter",
              "length": 47,
              "limit": 280,
              "problems": [],
              "valid": true,
              "weightedLength": 47,
            },
            "texte": "Volontaires du Loiret : https://renfort-covid.fr",
          },
          {
            "channel": "facebook",
            "compte": "",
            "result": {
              "channel": "facebook",
              "length": 24,
              "limit": 63206,
              "problems": [],
              "valid": true,
            },
            "texte": "Rejoignez Renfort-Covid.",
          },
          {
            "channel": "linkedin",
            "compte": "",
            "result": {
              "channel": "linkedin",
              "length": 36,
              "limit": 3000,
              "problems": [],
              "valid": true,
            },
            "texte": "Soignants du Loiret, rejoignez-nous.",
          },
          {
            "channel": "sms",
            "compte": "1 SMS",
            "result": {
              "channel": "sms",
              "encoding": "GSM-7",
              "length": 43,
              "limit": 160,
              "parts": 1,
              "problems": [],
              "valid": true,
            },
            "texte": "Inscrivez-vous sur https://renfort-covid.fr",
          },
        ],
        "lieuDate": "Orléans, le vendredi 10 avril 2020",
        "objet": "Appel à volontaires",
        "paragraphs": [
          "Mesdames et Messieurs les Maires du Loiret,",
          "La plateforme Renfort-Covid recrute. Inscrivez-vous.",
          "SMS proposé : 1 SMS.",
        ],
        "signatures": [
          {
            "image": undefined,
            "nom": "Pierre POUËSSEL",
            "titre": [
              "Préfet du Loiret",
            ],
          },
          {
            "image": undefined,
            "nom": "Laurent HABERT",
            "titre": [
              "Directeur général de l'ARS",
              "Centre-Val de Loire",
            ],
          },
        ],
        "supports": [],
      }
    `);
    const dep = p.departement('45')!;
    expect({ authority: dep.authority, paths: { print: rel(dep.paths.print), annex: rel(dep.paths.annex), sms: rel(dep.paths.messages.sms) } }).toMatchInlineSnapshot(`
      {
        "authority": "PRÉFET DU LOIRET",
        "paths": {
          "annex": "out/messages/45/annexe.md",
          "print": "out/lettres/45/impression-45.pdf",
          "sms": "out/messages/45/sms.txt",
        },
      }
    `);
    expect(Object.values(dep.messages).map((m) => `${m.channel} : ${m.texte} (${m.compte})`)).toMatchInlineSnapshot(`
      [
        "twitter : Volontaires du Loiret : https://renfort-covid.fr (47 caractères sur 280)",
        "facebook : Rejoignez Renfort-Covid. ()",
        "linkedin : Soignants du Loiret, rejoignez-nous. ()",
        "sms : Inscrivez-vous sur https://renfort-covid.fr (1 SMS)",
      ]
    `);
  });

  it('gives one content key to the communes that read the same letter, another to a letter that differs', () => {
    const same = plan().plan!;
    expect(new Set(same.recipients.map((r) => r.letter.key)).size).toBe(1);
    // The body now names the commune: three letters, three keys.
    const own = plan({ templates: templates({ lettre: 'Madame la Maire de {{commune.nom}},\n\nBonjour.' }) }).plan!;
    expect(new Set(own.recipients.map((r) => r.letter.key)).size).toBe(3);
    expect(own.recipients.map((r) => r.letter.model.paragraphs[0])).toEqual(['Madame la Maire de Orléans,', 'Madame la Maire de Montargis,', "Madame la Maire de L'Abbaye-Adon,"]);
  });

  it('says a template error once, with the number of recipients it affects, and makes no plan', () => {
    const { plan: p, problems } = plan({ templates: templates({ courriel_texte: 'Bonjour {{commune.nomm}}' }) });
    expect(p).toBeUndefined();
    expect(problems).toMatchInlineSnapshot(`
      [
        {
          "file": "templates/courriel-texte.hbs",
          "kind": "modele",
          "line": 1,
          "message": "variable inconnue « nomm » dans {{commune.nomm}} — 3 destinataires concernés, dont Orléans (45234)",
          "scope": "row",
          "severity": "error",
        },
      ]
    `);
  });

  it('says a broken channel rule once for the recipients that share the text', () => {
    const { plan: p, problems } = plan({ templates: templates({ twitter: `${'Volontaires recherchés. '.repeat(13)}{{campagne.plateforme.nom}}` }) });
    expect(p).toBeUndefined();
    expect(problems).toMatchInlineSnapshot(`
      [
        {
          "file": "templates/twitter.hbs",
          "kind": "regle-canal",
          "message": "Twitter : 325 caractères pondérés : 45 de trop (limite 280) — 3 destinataires concernés, dont Orléans (45234)",
          "scope": "row",
          "severity": "error",
        },
      ]
    `);
  });

  it('a post template that needs a commune fails for the département, where posts render without one', () => {
    const { problems } = plan({ templates: templates({ facebook: 'Bonjour {{commune.nom}}' }) });
    expect(problems.map((p) => p.message)).toMatchInlineSnapshot(`
      [
        "variable inconnue « commune » dans {{commune.nom}} — 1 destinataire : département 45 (publications, sans commune)",
      ]
    `);
  });

  it('two plans share nothing: each counts with its own templates', () => {
    const a = plan().plan!;
    const b = plan({ templates: templates({ sms: 'Un autre texte, plus court.' }) }).plan!;
    expect(a.departement('45')!.messages.sms.texte).toBe('Inscrivez-vous sur https://renfort-covid.fr');
    expect(b.departement('45')!.messages.sms.texte).toBe('Un autre texte, plus court.');
    expect(b.recipients[0]!.letter.model.paragraphs.at(-1)).toBe(`SMS proposé : ${b.recipients[0]!.messages.sms.compte}.`);
  });
});

describe('the campaign paths, decided in one module', () => {
  it('puts every file of a campaign under its folder', async () => {
    const { campaignPaths, JOURNAL_FILE } = await import('../src/campaign/paths.js');
    const p = campaignPaths(DIR);
    expect([p.journal, p.manifest, p.letter('2A', '2A004-ajaccio'), p.print('2A'), p.outboxMessage('2A', '2A004-ajaccio'), p.message('2A', 'sms'), p.messagesFile('2A', 'fiche de synthèse.pdf'), p.publications].map(rel)).toEqual([
      JOURNAL_FILE,
      'out/lettres/.manifest.json',
      'out/lettres/2A/2A004-ajaccio.pdf',
      'out/lettres/2A/impression-2A.pdf',
      'out/outbox/2A/2A004-ajaccio.eml',
      'out/messages/2A/sms.txt',
      'out/messages/2A/fiche de synthèse.pdf',
      'out/publications',
    ]);
  });

  it('refuses a name from the data that would leave its folder', async () => {
    const { campaignPaths } = await import('../src/campaign/paths.js');
    const p = campaignPaths(DIR);
    expect(() => p.letter('..', 'x')).toThrow(/chemin refusé/);
    expect(() => p.messagesFile('45', '../../campagne.yaml')).toThrow(/chemin refusé/);
    expect(() => p.lettersOf('45/../..')).toThrow(/chemin refusé/);
  });
});

describe('a letter personalised per commune', () => {
  it('holds each commune its own first paragraph, and once what the communes share (messages, email, signatures, the other paragraphs)', () => {
    const set = templates({
      lettre: '{{departement.formule_appel}},\n\nNous écrivons à {{commune.nom}}.\n\nLa plateforme {{campagne.plateforme.nom}} recrute.',
      courriel_objet: 'Lettre aux maires du Loiret',
      courriel_texte: 'Bonjour,\n\nVeuillez trouver la lettre.',
      courriel_html: '<p>Veuillez trouver la lettre.</p>',
    });
    const { plan: p } = planCampaign({ campaign, recipients: RECIPIENTS, templates: set, figures: undefined, video: null });
    const [a, b] = p!.recipients;
    const [la, lb] = [a!.letter.model, b!.letter.model];
    expect(la.paragraphs[1]).toBe('Nous écrivons à Orléans.');
    expect(lb.paragraphs[1]).toBe('Nous écrivons à Montargis.');
    expect(a!.letterKey).not.toBe(b!.letterKey);
    // Each commune is a case of its own: what they share is the very same object, not a copy.
    expect(a!.messages).toBe(b!.messages);
    expect(a!.email).toBe(b!.email);
    expect(la.signatures).toBe(lb.signatures);
    expect(la.paragraphs[2]).toBe(lb.paragraphs[2]);
    expect(la.annexe[0]).toBe(lb.annexe[0]);
  });
});
