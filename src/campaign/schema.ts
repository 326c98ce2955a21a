import * as z from 'zod';
import { schemaKeysAt } from './zod-shape.js';

/**
 * The schema of campagne.yaml. Keys are French: the people who edit the file are French staff.
 * Unknown keys are errors (a typo must not silently drop a setting).
 */
z.config(z.locales.fr());

const isoDate = z
  .string({ error: 'date attendue au format AAAA-MM-JJ' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'date attendue au format AAAA-MM-JJ' })
  .refine((s) => {
    const d = new Date(`${s}T12:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, { error: 'cette date n’existe pas' });

const url = z.url({ error: 'adresse web attendue (https://…)', protocol: /^https?$/ });
const text = z.string({ error: 'texte attendu' }).trim().min(1, { error: 'texte vide' });
const genre = z.enum(['F', 'M'], { error: 'genre attendu : F ou M' });
/**
 * A French phone number as people write it (02 61 91 12 34, 02.61.91.12.34, +33 2 61 91 12 34):
 * ten digits from 0, or +33 and nine. YAML reads 0261911234 as a number and drops its 0: that is
 * said, so that the user writes it with its spaces.
 */
const PHONE_ERROR = 'numéro de téléphone français attendu, par exemple 02 61 91 12 34 ou +33 2 61 91 12 34';
const phone = z.union([z.string(), z.number()], { error: PHONE_ERROR }).transform((value, ctx) => {
  if (typeof value === 'number') {
    ctx.addIssue({ code: 'custom', message: `${PHONE_ERROR} : écrivez-le avec ses espaces, YAML lit ${value} comme un nombre et perd le 0 initial` });
    return z.NEVER;
  }
  const digits = value.replace(/[\s.\-\u00a0\u202f]/g, '').replace(/^(?:\+33|0033)(?:\(0\))?/, '0');
  if (!/^0[1-9]\d{8}$/.test(digits)) {
    ctx.addIssue({ code: 'custom', message: `${PHONE_ERROR} (reçu « ${value.trim()} »)` });
    return z.NEVER;
  }
  // Written the French way, in pairs: how the email shows it.
  return digits.replace(/(\d\d)(?=\d)/g, '$1 ');
});

/** YAML reads 45 as a number and 01 as 1: codes are taken back to strings and repaired. */
const code = z.union([z.string(), z.number()]).transform((v) => String(v).trim().toUpperCase());

export const personSchema = z.strictObject({
  prenom: text,
  nom: text,
  genre,
  /** Overrides the title built from the gender (e.g. "Préfet de la région Centre-Val de Loire, Préfet du Loiret"). */
  titre: text.optional(),
  /** Optional scanned signature (PNG or JPEG). */
  signature: text.optional(),
});

const departementSchema = z.strictObject({
  prefet: personSchema,
  /** Place written before the date; defaults to the département's chef-lieu. */
  ville: text.optional(),
  /** Collective salutation ("Mesdames et Messieurs les Maires du Loiret"); otherwise one per mayor. */
  formule_appel: text.optional(),
});

const columnMap = z.record(z.string(), z.string());
const sourceSchema = z.union([
  text,
  z.strictObject({ fichier: text, colonnes: columnMap.optional() }),
]);

/** Templates of a campaign; each defaults to templates/<name>.hbs (underscores as hyphens). */
export const TEMPLATE_NAMES = ['lettre', 'courriel_objet', 'courriel_texte', 'courriel_html', 'twitter', 'facebook', 'linkedin', 'sms'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export const campaignSchema = z.strictObject({
  campagne: z.strictObject({
    /**
     * The campaign's name in the journal and in its Message-IDs; by default its title and date.
     * Set it to keep the journal when the title or the date is corrected after a send.
     */
    identifiant: text.optional(),
    titre: text,
    objet: text,
    date: isoDate,
    plateforme: z.strictObject({ nom: text, url, lancement: isoDate }),
    liens: z.record(z.string(), url).optional(),
    /** Until the tracker computes it from the sign-ups. */
    volontaires: z.number({ error: 'nombre attendu' }).int().nonnegative().optional(),
  }),
  /** Région code (INSEE); absent for a campaign across régions (national). */
  region: code.optional(),
  ars: z.strictObject({
    nom: text,
    sigle: text.optional(),
    signataire: personSchema,
  }),
  departements: z.record(code, departementSchema, { error: 'liste des départements attendue (code: …)' }),
  sources: z.strictObject({
    maires: sourceSchema,
    mairies: sourceSchema.optional(),
    /** Volunteer sign-up exports: the figures of the letter come from them. */
    inscriptions: z
      .union([text, z.array(text).min(1), z.strictObject({ fichiers: z.union([text, z.array(text).min(1)]), colonnes: columnMap.optional() })])
      .optional(),
    /** What to do with rows of communes outside the campaign's départements (regional or national files). */
    hors_campagne: z.enum(['erreur', 'ignorer'], { error: 'valeur attendue : erreur ou ignorer' }).default('erreur'),
  }),
  modeles: z.partialRecord(z.enum(TEMPLATE_NAMES), text).optional(),
  /** The sender of the emails to the town halls. */
  expediteur: z
    .strictObject({
      nom: text,
      courriel: z.email({ error: 'adresse électronique attendue' }),
      repondre_a: z.email({ error: 'adresse électronique attendue' }).optional(),
      /** The envelope sender (Return-Path): the mailbox where bounces land, read by `relais bounces`. */
      retour: z.email({ error: 'adresse électronique attendue' }).optional(),
    })
    .optional(),
  /** The campaign's contact, written at the foot of every email ("Contact : téléphone · email"). */
  contact: z
    .strictObject({
      telephone: phone,
      email: z.email({ error: 'adresse électronique attendue (par exemple renfort-covid@ars.sante.fr)' }),
    })
    .optional(),
  pieces_jointes: z.array(text).optional(),
  /** Posts of the agency's own accounts, queued by `relais run` and `relais schedule run`. */
  publications: z
    .array(
      z.strictObject({
        canal: z.enum(['twitter', 'x', 'facebook', 'linkedin'], { error: 'canal attendu : twitter (ou x), facebook, linkedin' }),
        date: z.union([z.string(), z.date()]).transform((v) => (v instanceof Date ? v.toISOString() : v)),
        fuseau: text.optional(),
        texte: text.optional(),
        /** A channel template of the campaign, rendered for `departement` (else the first). */
        modele: z.enum(['twitter', 'facebook', 'linkedin']).optional(),
        /** The département a post written from a template speaks of (see campaign/publications.ts). */
        departement: z.union([z.string(), z.number()]).transform((v) => String(v)).optional(),
        /** Names of media declared under `medias:`, carried by the post. */
        medias: z.array(text).optional(),
      }),
    )
    .optional(),
  /**
   * The campaign's media (the video for the networks, images, the summary sheet as a PDF), by
   * name. The alternative text is required for images and videos (checked with the content).
   */
  medias: z
    .record(
      z.string().regex(/^[\p{L}\p{N}_-]+$/u, { error: 'nom de média attendu : lettres, chiffres, - ou _' }),
      z.strictObject({ fichier: text, texte_alternatif: text.optional(), titre: text.optional(), /** Where it is online: the emails and letters link to it (a video is never attached). */ lien: url.optional() }),
    )
    .optional(),
  polices: z
    .strictObject({ normale: text, grasse: text.optional(), italique: text.optional() })
    .optional(),
  logo: text.optional(),
});

export type CampaignConfig = z.output<typeof campaignSchema>;
export type PersonConfig = z.output<typeof personSchema>;

/** The keys valid below a path of campagne.yaml, to suggest the nearest one after a typo. */
export function keysAt(path: PropertyKey[]): string[] {
  return schemaKeysAt(campaignSchema, path);
}
