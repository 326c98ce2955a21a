import { describe, expect, it } from 'vitest';
import { FormerCodeRows, locate } from '../src/campaign/communes.js';
import { communeReference } from '../src/data/cog.js';
import { ProblemList } from '../src/problems.js';
import { campaignWith, CONTACT_HEADER, RNE_HEADER, rneRow } from './helpers/campaign.js';
import { joinedDepartement } from './helpers/workbook.js';

/** Rows under a code that no longer designates a current commune: what relais says of them. */
describe('a row under a former code', () => {
  const ref = communeReference();
  const where = { file: 'maires.csv', line: 12 };

  it('names a merged commune’s successor, and says to use its code when the file has no row for it', () => {
    const problems = new ProblemList();
    const former = new FormerCodeRows();
    expect(locate(ref, '37215', where, 'Code de la commune', 'RNE', problems, undefined, former)).toBeUndefined();
    // Nothing said before the file is read whole: the advice depends on the rows after this one.
    expect(problems.items).toEqual([]);
    // Amboise has a row, rejected: its line, for the message about the commune.
    expect(former.report(problems, () => undefined)).toEqual(new Map([['37003', 12]]));
    expect(problems.items.map((p) => [p.kind, p.line, p.message])).toEqual([['code-insee-ancien', 12, "RNE : 37215 est le code d'une ancienne commune, aujourd'hui Amboise (37003) : utilisez 37003"]]);
  });

  it('says to remove the row when the successor has its own', () => {
    const problems = new ProblemList();
    const former = new FormerCodeRows();
    locate(ref, '37215', where, 'Code de la commune', 'RNE', problems, undefined, former);
    expect(former.report(problems, (code) => (code === '37003' ? 894 : undefined)).size).toBe(0);
    expect(problems.items[0]?.message).toBe("RNE : 37215 est le code d'une ancienne commune, aujourd'hui Amboise (37003) : Amboise a déjà sa ligne (ligne 894), retirez celle-ci");
  });

  it('says to use the code once when two rows are under former codes of one commune without its own row', () => {
    const problems = new ProblemList();
    const former = new FormerCodeRows();
    // 37120 and 37227 are both former codes of Coteaux-sur-Loire (37232).
    locate(ref, '37120', where, 'Code de la commune', 'RNE', problems, undefined, former);
    locate(ref, '37227', { file: 'maires.csv', line: 40 }, 'Code de la commune', 'RNE', problems, undefined, former);
    former.report(problems, () => undefined);
    expect(problems.items.map((p) => p.message)).toEqual([
      "RNE : 37120 est le code d'une ancienne commune, aujourd'hui Coteaux-sur-Loire (37232) : utilisez 37232",
      "RNE : 37227 est le code d'une ancienne commune, aujourd'hui Coteaux-sur-Loire (37232) : Coteaux-sur-Loire a déjà sa ligne (ligne 12), retirez celle-ci",
    ]);
  });

  it('calls a Corsican code of before 1976 the same commune’s old code, not a former commune', () => {
    const problems = new ProblemList();
    locate(ref, '20004', where, 'code INSEE', 'Liste', problems);
    expect(problems.items[0]?.message).toBe("Liste : 20004 est un code d'avant 1976, aujourd'hui 2A004 (Ajaccio) : utilisez 2A004");
  });
});

describe('a commune whose only row carries a former code of its own', () => {
  it('is said to have that row, rejected, in the mayors\' file and in the town-hall list: never « aucun maire », « aucune ligne »', async () => {
    // 45106 is Coudray, part of Le Malesherbois (45191) since 2016.
    const dir = campaignWith({
      maires: [RNE_HEADER, rneRow('45', '45001', 'Adon', 'MARTIN', 'Claire', 'F'), rneRow('45', '45106', 'Le Malesherbois', 'DURAND', 'Paul', 'M'), ''].join('\r\n'),
      mairies: [CONTACT_HEADER, '45001;mairie@adon.example;1 place de la Mairie;45230;Adon', '45106;mairie@malesherbois.example;1 place de la Mairie;45330;Le Malesherbois', ''].join('\r\n'),
    });
    const { found } = await joinedDepartement(dir);
    const aboutCommune = found.warnings.filter((p) => p.message.startsWith('Le Malesherbois (45191)')).map((p) => [p.file, p.line, p.message]);
    expect(aboutCommune).toEqual([
      ['data/maires.csv', 3, "Le Malesherbois (45191) : la ligne de son maire (ligne 3) porte le code d'une ancienne commune et est rejetée, et aucune autre ligne ne donne son maire ; donnez-lui le code 45191"],
      ['data/mairies.csv', 3, "Le Malesherbois (45191) : sa ligne du fichier des mairies (ligne 3) porte le code d'une ancienne commune et est rejetée, et aucune autre ne donne sa mairie : la lettre partira par courrier, adressée au nom et au code postal de la commune ; donnez-lui le code 45191"],
    ]);
  });
});
