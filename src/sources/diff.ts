import type { MayorRecord } from '../data/rne.js';
import type { TownHall } from './annuaire.js';

/**
 * What changed between two fetches, per commune: the town halls that appeared or disappeared
 * from the directory, the town-hall emails that changed (the address a letter will be sent to),
 * and the mayors whose name or sex changed (the salutation of the letter). Pure: both sides are
 * given as plain values.
 */
export interface TownHallChange {
  insee: string;
  nom: string;
  avant?: string;
  apres?: string;
}

export interface MayorChange {
  insee: string;
  commune: string;
  avant?: string;
  apres?: string;
}

export interface Changes {
  mairies: { ajoutees: TownHallChange[]; retirees: TownHallChange[]; courriels: TownHallChange[] };
  maires: { changes: MayorChange[]; ajoutes: MayorChange[]; retires: MayorChange[] };
}

const byInsee = <T extends { insee: string }>(a: T, b: T) => a.insee.localeCompare(b.insee);

const sameEmail = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

export function diffTownHalls(before: Map<string, TownHall>, after: Map<string, TownHall>): Changes['mairies'] {
  const out: Changes['mairies'] = { ajoutees: [], retirees: [], courriels: [] };
  for (const [insee, now] of after) {
    const was = before.get(insee);
    if (!was) out.ajoutees.push({ insee, nom: now.nom, apres: now.email });
    else if (!sameEmail(was.email, now.email)) out.courriels.push({ insee, nom: now.nom, avant: was.email, apres: now.email });
  }
  for (const [insee, was] of before) if (!after.has(insee)) out.retirees.push({ insee, nom: was.nom, avant: was.email });
  out.ajoutees.sort(byInsee);
  out.retirees.sort(byInsee);
  out.courriels.sort(byInsee);
  return out;
}

function person(m: MayorRecord): string {
  return `${m.prenom} ${m.nom} (${m.sexe || '?'})`.trim();
}

/** One mayor per commune: the RNE lists each commune's mayor once. */
export function mayorsByCommune(mayors: MayorRecord[]): Map<string, MayorRecord> {
  const map = new Map<string, MayorRecord>();
  for (const m of mayors) if (!map.has(m.insee)) map.set(m.insee, m);
  return map;
}

const norm = (s: string) => s.normalize('NFC').trim().toUpperCase();

export function diffMayors(before: Map<string, MayorRecord>, after: Map<string, MayorRecord>): Changes['maires'] {
  const out: Changes['maires'] = { changes: [], ajoutes: [], retires: [] };
  for (const [insee, now] of after) {
    const was = before.get(insee);
    if (!was) out.ajoutes.push({ insee, commune: now.libelle, apres: person(now) });
    else if (norm(was.nom) !== norm(now.nom) || norm(was.prenom) !== norm(now.prenom) || norm(was.sexe) !== norm(now.sexe)) {
      out.changes.push({ insee, commune: now.libelle || was.libelle, avant: person(was), apres: person(now) });
    }
  }
  for (const [insee, was] of before) if (!after.has(insee)) out.retires.push({ insee, commune: was.libelle, avant: person(was) });
  out.changes.sort(byInsee);
  out.ajoutes.sort(byInsee);
  out.retires.sort(byInsee);
  return out;
}

export function changeCount(c: Changes): number {
  return c.mairies.ajoutees.length + c.mairies.retirees.length + c.mairies.courriels.length + c.maires.changes.length + c.maires.ajoutes.length + c.maires.retires.length;
}
