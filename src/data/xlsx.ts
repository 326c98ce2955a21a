import ExcelJS from 'exceljs';
import { RelaisError } from '../errors.js';
import type { Table, TableRow } from './table.js';

/**
 * .xlsx contact lists (the préfecture's own files are often Excel). Read with exceljs' streaming
 * reader; only the first worksheet counts. Row numbers are the spreadsheet's own.
 */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const v = value as { text?: unknown; richText?: Array<{ text: string }>; result?: unknown; hyperlink?: string; error?: string };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('').trim();
    if (v.text !== undefined) return cellText(v.text);
    if (v.result !== undefined) return cellText(v.result);
    if (v.hyperlink) return v.hyperlink.replace(/^mailto:/i, '').trim();
  }
  return '';
}

export async function readXlsx(path: string, file: string, isHeader?: (cells: string[]) => boolean): Promise<Table> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  const iterator = (async function* (): AsyncGenerator<TableRow> {
    try {
      for await (const sheet of reader) {
        for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
          const raw = row.values as unknown[];
          // exceljs rows are 1-based: index 0 is always empty.
          yield { line: row.number, values: raw.slice(1).map(cellText) };
        }
        return;
      }
    } catch (err) {
      if (err instanceof RelaisError) throw err;
      throw new RelaisError(`classeur Excel illisible : ${(err as Error).message}`, { file });
    }
  })();

  const buffered: TableRow[] = [];
  let header: TableRow | undefined;
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    if (next.value.values.every((v) => v === '')) continue;
    buffered.push(next.value);
    if (!isHeader || isHeader(next.value.values) || buffered.length >= 10) break;
  }
  if (isHeader) header = buffered.find((r) => isHeader(r.values));
  header ??= buffered[0];
  if (!header) throw new RelaisError(`classeur vide`, { file, line: 1 });
  const headerRow = header;
  const rest = buffered.filter((r) => r.line > headerRow.line);

  async function* rows(): AsyncGenerator<TableRow> {
    yield* rest;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      if (next.value.values.some((v) => v !== '')) yield next.value;
    }
  }
  return { file, encoding: 'xlsx', delimiter: '', header: headerRow.values, headerLine: headerRow.line, rows: rows() };
}
