import type { ProblemList } from '../problems.js';
import { CharacterScan, characterName, fontCoverage } from '../text/font-coverage.js';
import type { LetterModel } from './letter.js';
import type { Plan, RecipientPlan } from './plan.js';

/** The regular and bold fonts of the letters, as bytes (the body and its bold words). */
export interface LetterFontBytes {
  regular: Uint8Array;
  bold: Uint8Array;
}

/** Past this many characters, one more line says how many others there are. */
const SHOWN = 8;

function modelTexts(model: LetterModel): string[] {
  const out = [model.lieuDate, model.objet, ...model.paragraphs];
  for (const s of model.signatures) out.push(s.nom, ...s.titre);
  for (const m of model.annexe) out.push(m.texte, m.compte);
  out.push(...(model.supports ?? []));
  return out;
}

/**
 * Every character of every letter (the texts of each distinct letter once, every address block)
 * against the fonts' character maps: what the letters would stop on is said by `check`, with the
 * first letter that holds it and where it comes from (the letter's template, the mayors' file, the
 * town halls' file). Unknown coverage (a font format not read here) says nothing: the letters
 * still check with the font engine before writing.
 */
export function checkDrawable(plan: Plan, fonts: LetterFontBytes, problems: ProblemList, letterTemplate: string | undefined): void {
  const regular = fontCoverage(fonts.regular);
  const bold = fontCoverage(fonts.bold);
  if (!regular || !bold) return;
  const models = new Map<string, string[]>();
  const scan = new CharacterScan([regular, bold]);
  for (const d of plan.departements) scan.add(d.authority);
  const { recipients } = plan;
  for (let i = 0; i < recipients.length; i++) {
    const p = recipients[i]!;
    const lines = p.recipient.adresse;
    for (let l = 0; l < lines.length; l++) scan.add(lines[l]!);
    // The letter itself is built only for the first commune of each distinct letter.
    const key = p.letterKey;
    if (!models.has(key)) {
      const own = modelTexts(p.letter.model);
      models.set(key, own);
      for (const text of own) scan.add(text);
    }
  }
  const missing = scan.undrawable();
  for (const ch of missing.slice(0, SHOWN)) {
    const first = plan.recipients.find((p) => p.recipient.adresse.some((l) => l.includes(ch)) || models.get(p.letterKey)?.some((t) => t.includes(ch)));
    const where = first ? whereFrom(first, ch, letterTemplate) : letterTemplate ? { file: letterTemplate } : {};
    problems.error('caractere-non-dessinable', message(ch, first, where.field !== undefined), where, 'row');
  }
  if (missing.length > SHOWN) {
    const rest = missing.slice(SHOWN);
    problems.error('caractere-non-dessinable', `et ${rest.length} autre${rest.length > 1 ? 's' : ''} caractère${rest.length > 1 ? 's' : ''} que la police des lettres ne sait pas dessiner : ${rest.slice(0, 20).map(characterName).join(', ')}${rest.length > 20 ? ', …' : ''}`, letterTemplate ? { file: letterTemplate } : {}, 'row');
  }
}

function message(ch: string, first: RecipientPlan | undefined, fromData: boolean): string {
  const where = first ? `la lettre ${first.recipient.commune.deNom} (${first.recipient.commune.code}) contiendrait` : 'les lettres contiendraient';
  const fix = fromData ? 'Corrigez cette ligne' : 'Retirez-le du modèle de la lettre';
  return `${where} ${characterName(ch)}, un caractère que la police ne sait pas dessiner : il manquerait au PDF. ${fix}, ou donnez sous « polices: » une police qui le contient`;
}

/** The data line a character comes from when it is the mayor's or the town hall's, else the template. */
function whereFrom(first: RecipientPlan, ch: string, letterTemplate: string | undefined): { file?: string; line?: number; field?: string } {
  const r = first.recipient;
  if (r.contact && r.adresse.some((l) => l.includes(ch))) return { file: r.contact.file, line: r.contact.line, field: 'adresse' };
  if (r.maire && `${r.maire.prenom} ${r.maire.nom}`.includes(ch)) return { file: r.maire.file, line: r.maire.line, field: 'maire' };
  return letterTemplate ? { file: letterTemplate } : {};
}
