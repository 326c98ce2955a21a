import { describe, expect, it } from 'vitest';
import { campaignWith } from './helpers/campaign.js';
import { relaisJson } from './helpers/cli.js';

/**
 * Two RNE exports of the 2020 format (tab-separated ISO-8859-1, a report title on the first line)
 * put end to end, the first with CRLF, the second with LF. The repeated header is set aside
 * (README: "l'en-tête répété est écarté"), but the second export's title line, just above it, is
 * read as a mayor: three errors on one line ("code sexe «  » invalide", "nom de l'élu vide",
 * "code INSEE vide") and nothing can be produced.
 */
interface Problem {
  file?: string;
  line?: number;
  kind: string;
  message: string;
}
interface Report {
  errors: Problem[];
  warnings: Problem[];
  fichiers: Array<{ fichier: string; source: string; lus: number; utilises: number; ecartes: Record<string, number>; rejetes: number }>;
}

const HEADER = ['Code du département (Maire)', 'Libellé de département (Maires)', 'Code Insee de la commune', 'Libellé de la commune', "Nom de l'élu", "Prénom de l'élu", 'Code sexe', 'Date de naissance', 'Code profession', 'Libellé de la profession', 'Date de début du mandat', 'Date de début de la fonction'].join('\t');
const row = (dep: string, lib: string, code: string, commune: string, nom: string, sexe: string) => [dep, lib, code, commune, nom, 'Prénom', sexe, '2/6/1955', '33', 'Cadres', '23/3/2014', '4/4/2014'].join('\t');

describe('two 2020 RNE exports appended, each with its title line', () => {
  it('the second title line is set aside with the repeated header, not read as a mayor with three errors', async () => {
    const first = ['Répertoire national des élus : maires au 1/4/2020', HEADER, row('45', 'LOIRET', '234', 'Orléans', 'GRAND', 'M'), row('45', 'LOIRET', '1', 'Adon', 'MARTIN', 'F')].join('\r\n') + '\r\n';
    const second = ['Répertoire national des élus : maires au 1/5/2020', HEADER, row('37', 'INDRE-ET-LOIRE', '261', 'Tours', 'BOUCHET', 'M')].join('\n') + '\n';
    const dir = campaignWith({ maires: Buffer.from(first + second, 'latin1') });
    const { json } = await relaisJson<Report>(['-C', dir, 'check']);
    expect(json.errors.filter((e) => e.file === 'data/maires.csv')).toEqual([]);
    const mayors = json.fichiers.find((f) => f.source === 'maires')!;
    // Lines: 1 title, 2 header, 3 Orléans, 4 Adon, 5 title again, 6 header again, 7 Tours.
    expect(mayors).toMatchObject({ utilises: 3, rejetes: 0 });
    expect(mayors.lus).toBe(mayors.utilises + mayors.rejetes + Object.values(mayors.ecartes).reduce((a, b) => a + b, 0));
  });
});
