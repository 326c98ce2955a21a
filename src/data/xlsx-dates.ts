import { zipEntries, zipEntryStream, type ZipEntry } from './zip.js';

/**
 * The workbook's date system, as its own `xl/workbook.xml` says it. Excel writes
 * `<workbookPr date1904="1"/>`; LibreOffice Calc writes every boolean as a word,
 * `date1904="true"` (xsd:boolean allows both, and the older ST_OnOff also « on »). exceljs 4
 * recognises « 1 » only: a Calc workbook kept in the 1904 system (a file made on a Mac, saved
 * again at the préfecture) has every date read four years and a day early. Undefined when the
 * part cannot be read (exceljs' own reading then stands).
 */
export async function workbookDate1904(path: string, file: string): Promise<boolean | undefined> {
  let entries: ZipEntry[];
  try {
    entries = await zipEntries(path, file);
  } catch {
    return undefined;
  }
  const entry = entries.find((e) => e.name === 'xl/workbook.xml') ?? entries.find((e) => /(^|\/)workbook\.xml$/.test(e.name));
  // A workbook part is a few kilobytes; one of several megabytes is not worth reading for this.
  if (!entry || entry.size > 8 * 1024 * 1024) return undefined;
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of await zipEntryStream(path, file, entry)) chunks.push(chunk as Buffer);
    return date1904In(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The date1904 setting of a workbook part's text: false when not set (the 1900 system). */
export function date1904In(workbookXml: string): boolean {
  const pr = /<(?:\w+:)?workbookPr\b[^>]*>/.exec(workbookXml)?.[0];
  const value = pr && /\sdate1904\s*=\s*(["'])([^"']*)\1/.exec(pr)?.[2];
  return value !== undefined && value !== '' && ['1', 'true', 'on'].includes(value.trim().toLowerCase());
}

/** Days between 1 January 1900 and 1 January 1904 in Excel's count (its 1900 has a 29 February). */
const DAYS_1904 = 1462;
const MS_PER_DAY = 24 * 3600 * 1000;

/**
 * A cell's value read by exceljs in the 1900 system, moved to the 1904 system the workbook says
 * it uses: a date (typed, or a formula's result) four years and a day later; anything else as it is.
 */
export function to1904(value: unknown): unknown {
  if (value instanceof Date) return new Date(value.getTime() + DAYS_1904 * MS_PER_DAY);
  if (typeof value === 'object' && value !== null && 'result' in value && (value as { result: unknown }).result instanceof Date) {
    return { ...value, result: to1904((value as { result: Date }).result) };
  }
  return value;
}
