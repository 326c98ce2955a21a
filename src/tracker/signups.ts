import { csvKind, mixedEncodingMessage } from '../data/encoding.js';
import { statSync } from 'node:fs';
import { newAccount, TOTAL_SET_ASIDE, type FileAccount } from '../campaign/accounting.js';
import type { Campaign } from '../campaign/load.js';
import { campaignPath, displayPath } from '../campaign/load.js';
import type { CommuneReference } from '../data/cog.js';
import { RelaisError } from '../errors.js';
import { ProblemList } from '../problems.js';
import type { SignupRecords } from './aggregate.js';
import { openFastTable } from './fast-csv.js';
import { fileColumns, signupHeader } from './signup-columns.js';
import { SignupRows } from './signup-rows.js';
import { Volunteers, type SignupPeriod } from './volunteers.js';

/**
 * Reading the sign-up exports: several files that overlap (each day's export holds everything),
 * de-duplicated by volunteer id, the latest file winning. The département comes from its column,
 * or else from the postal code or INSEE code through the commune reference. Invalid rows are
 * reported by file and line, never counted; rows outside the région are counted apart. This
 * module opens each file and says what it is; its columns are signup-columns.ts, its rows
 * signup-rows.ts, the volunteers kept volunteers.ts.
 */
export { SIGNUP_COLUMNS } from './signup-columns.js';

export interface SignupSource {
  fichiers: string[];
  colonnes: Record<string, string>;
}

export interface SignupResult {
  records: SignupRecords;
  doublons: number;
  rejetes: number;
  conflits: number;
  lignes: number;
  problems: ProblemList;
  /** Per file: read = used + set aside (superseded, outside the région, withdrawn) + rejected. */
  fichiers: FileAccount[];
  /** The files holding volunteers after the period's end, with the first such line. */
  apresPeriode: Array<{ account: FileAccount; line: number }>;
}

export { TOTAL_SET_ASIDE };

/**
 * `today` (a day number, see dayOf) is the last day a sign-up may carry: a later date is a typo
 * or a wrong clock on the platform, and would date the letter's « à ce jour » figure in the future.
 * `period` (track --from/--to): the volunteers outside it are set aside in their file's account.
 */
export async function readSignups(campaign: Campaign, source: SignupSource, ref: CommuneReference, files = source.fichiers, today = Number.POSITIVE_INFINITY, period: SignupPeriod = {}): Promise<SignupResult> {
  const problems = new ProblemList();
  // The largest export holds nearly every volunteer, at some 60 bytes a row: the id table is
  // sized once from it instead of growing step by step.
  const sizeOf = (f: string) => {
    try {
      return statSync(campaignPath(campaign, f)).size;
    } catch {
      return 0; // reported when the file is read
    }
  };
  const largest = Math.max(0, ...files.map(sizeOf));
  const volunteers = new Volunteers(Math.min(2_000_000, Math.ceil(largest / 64)));
  const accounts: FileAccount[] = [];
  const rows = new SignupRows(campaign, ref, files, volunteers, accounts, problems, source.colonnes, today);
  let lignes = 0;

  for (const [fileIndex, path] of files.entries()) {
    const file = displayPath(campaign, path);
    const account = newAccount(file, 'inscriptions', 'export des inscriptions (CSV)');
    accounts[fileIndex] = account;
    const isHeader = (cells: string[]) => signupHeader(cells, source.colonnes) !== undefined;
    const table = await openFastTable(campaignPath(campaign, path), file, isHeader).catch((err: unknown) => {
      if (err instanceof RelaisError) problems.error('fichier-illisible', `inscriptions : ${err.message}`, { file, ...err.location }, 'file');
      else throw err;
      return undefined;
    });
    if (!table) continue;
    if (table.workbook) account.format = 'export des inscriptions (xlsx)';
    if (!table.workbook) account.format = `export des inscriptions (${csvKind(table.encoding)})`;
    const columns = fileColumns(table, file, source.colonnes, problems);
    if (!columns) continue;
    const scan = rows.file(fileIndex, file, account, table.header, columns.indexes);
    try {
      await table.scan(scan.onRow, scan.struck);
    } catch (err) {
      if (!(err instanceof RelaisError)) throw err;
      problems.error('fichier-illisible', `inscriptions : ${err.message}`, { file, ...err.location }, 'file');
    }
    // Two exports appended, Windows-1252 then UTF-8: counted all the same, each part read in its
    // encoding (the scan finds UTF-8 where it starts, in the first 64 KB or past them), and said.
    const mixedFrom = table.mixedFromLine ?? table.utf8FromLine;
    if (mixedFrom !== undefined) {
      // Three exports appended: the code page again after the UTF-8 part, said where.
      const again = table.codePageAgainLine === undefined ? '' : ` (de nouveau ${table.encoding} à partir de la ligne ${table.codePageAgainLine})`;
      const read = table.utf8FromLine === undefined ? '' : ` ; relais a lu chaque partie dans son encodage${again} : métiers et catégories justes`;
      problems.warning('encodages-melanges', `inscriptions : ${mixedEncodingMessage(mixedFrom, table.encoding)}${read}`, { file, line: mixedFrom });
    }
    const read = scan.end();
    if (read === 0) problems.warning('fichier-vide', 'export d’inscriptions sans aucune ligne', { file, line: 1 });
    lignes += read;
    account.lus = read;
  }
  rows.idZeros.say(problems);
  const after = volunteers.settle(accounts, period);
  return {
    records: volunteers.records(),
    doublons: rows.doublons,
    rejetes: rows.rejetes,
    conflits: rows.conflits,
    lignes,
    problems,
    fichiers: accounts.filter((a): a is FileAccount => a !== undefined),
    apresPeriode: after.flatMap((line, i) => (line === undefined || !accounts[i] ? [] : [{ account: accounts[i]!, line }])),
  };
}
