import { withDe } from '../text/french.js';
import { directorTitle, prefectTitle, telLink } from '../text/format.js';
import type { Campaign, CampaignDepartement } from './load.js';
import type { Recipient } from './recipients.js';
import type { campaignVideo } from '../media/facts.js';

/** The campaign's video as texts offer it (a link and its size), read from its file by the caller. */
export type CampaignVideo = ReturnType<typeof campaignVideo>;

/**
 * The variables templates see. Plain data, built once per département and extended per
 * recipient. Every key is always present (null when unknown), because strict templates treat a
 * missing key as an error: only a key the template really should not use is absent.
 */
export interface Figures {
  /** Volunteers signed up in the région, and the date of that figure. */
  region: number;
  departement?: Record<string, number>;
  date: string;
}

export function figuresFromConfig(campaign: Campaign): Figures | undefined {
  const n = campaign.config.campagne.volontaires;
  return n === undefined ? undefined : { region: n, date: campaign.config.campagne.date };
}

export type DepartementContext = ReturnType<typeof departementContext>;

export function departementContext(campaign: Campaign, dep: CampaignDepartement, figures: Figures | undefined, video: CampaignVideo) {
  const c = campaign.config;
  const region = dep.regionInfo;
  const ars = c.ars.signataire;
  return {
    campagne: {
      titre: c.campagne.titre,
      objet: c.campagne.objet,
      date: c.campagne.date,
      plateforme: c.campagne.plateforme,
      liens: c.campagne.liens ?? {},
    },
    region: { code: region.code, nom: region.nom, typeLiaison: region.typeLiaison },
    departement: {
      code: dep.code,
      nom: dep.nom,
      typeLiaison: dep.typeLiaison,
      ville: dep.ville,
      formule_appel: dep.formuleAppel,
    },
    prefet: {
      prenom: dep.prefet.prenom,
      nom: dep.prefet.nom,
      genre: dep.prefet.genre,
      titre: dep.prefet.titre ?? prefectTitle(dep.prefet.genre, withDe(dep.nom, dep.typeLiaison)),
    },
    ars: {
      nom: c.ars.nom,
      sigle: c.ars.sigle ?? 'ARS',
      signataire: { prenom: ars.prenom, nom: ars.nom, genre: ars.genre, titre: ars.titre ?? directorTitle(ars.genre, campaign.region?.nom) },
    },
    /** The campaign's phone and email, for the contact line of the emails, or null. */
    contact: c.contact ? { telephone: c.contact.telephone, email: c.contact.email, lien_telephone: telLink(c.contact.telephone) } : null,
    /** The campaign's video (a link and its size, for emails and the annex), or null. */
    video,
    ...(figures
      ? { volontaires: { region: figures.region, departement: figures.departement?.[dep.code] ?? null, date: figures.date } }
      : {}),
  };
}

export type RecipientContext = ReturnType<typeof recipientContext>;

export function recipientContext(depContext: DepartementContext, r: Recipient) {
  return { ...depContext, ...recipientOwnContext(r) };
}

/** The roots of a recipient's context that are its own; the rest is its département's. */
export const RECIPIENT_ROOTS = ['commune', 'maire', 'mairie'] as const;

/** What a recipient adds to its département's context (RECIPIENT_ROOTS, each always present). */
export function recipientOwnContext(r: Recipient) {
  return {
    commune: { code: r.commune.code, nom: r.commune.nom, typeLiaison: r.commune.typeLiaison, population: r.commune.population, codesPostaux: r.commune.codesPostaux },
    maire: r.maire ? { prenom: r.maire.prenom, nom: r.maire.nom, sexe: r.maire.sexe } : null,
    mairie: { courriel: r.contact?.courriel ?? null, telephone: r.contact?.telephone ?? null, adresse: r.adresse },
  } satisfies Record<(typeof RECIPIENT_ROOTS)[number], unknown>;
}
