/**
 * CSV for spreadsheets: `;` as French Excel expects, a BOM so that it opens in UTF-8, quotes when
 * needed, and cells that a spreadsheet would run as a formula (= + - @, tab, carriage return)
 * neutralised with a leading apostrophe (OWASP "CSV injection").
 */
const FORMULA = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (FORMULA.test(text) && !/^-?\d+([.,]\d+)?$/.test(text)) text = `'${text}`;
  return /[;"\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The text a `csvCell` neutralised, as it was: a file relais exported (the publication schedule)
 * must come back unchanged when it is imported, and a tweet may well start with @ or +.
 */
export function restoreCell(text: string): string {
  return /^'[=+\-@\t\r]/.test(text) ? text.slice(1) : text;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return `\uFEFF${[header, ...rows].map((r) => r.map(csvCell).join(';')).join('\r\n')}\r\n`;
}
