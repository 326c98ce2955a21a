import { struckWhole, withoutStruck } from '../data/struck.js';
import type { FastTable, RowView, StruckCells } from './fast-csv.js';

/**
 * A sign-up export saved from Excel (.xlsx) opened as a FastTable: its first visible sheet, read
 * whole (see data/xlsx.ts), handed over row by row in the same view as a CSV's: the cells' text
 * side by side in one buffer. Line numbers are the sheet's own. Text struck through in Excel is
 * left out here, and said through StruckCells.
 */
export async function openWorkbook(path: string, file: string, isHeader?: (cells: string[]) => boolean): Promise<FastTable> {
  const { readXlsx } = await import('../data/xlsx.js');
  const table = await readXlsx(path, file, isHeader);
  const view: RowView = { line: 0, count: 0, buf: Buffer.alloc(0), starts: new Int32Array(64), ends: new Int32Array(64) };
  const scan = async (onRow: (row: RowView) => void, struck?: StruckCells): Promise<void> => {
    for await (const row of table.rows) {
      let values = row.values;
      if (row.notes && struck) {
        // Crossed out in Excel: not to use, as in the mayors' and town halls' files.
        const read = struck.read();
        if (struckWhole(row, read)) {
          struck.struckRow(row.line, row.values);
          continue;
        }
        values = withoutStruck(row, read, (note) => struck.struckText(row.line, note.column, note.struck, note.kept));
      }
      const cells = values.map((v) => Buffer.from(v, 'utf8'));
      if (cells.length > view.starts.length) {
        view.starts = new Int32Array(cells.length);
        view.ends = new Int32Array(cells.length);
      }
      let at = 0;
      cells.forEach((c, i) => {
        view.starts[i] = at;
        view.ends[i] = at += c.length;
      });
      view.buf = Buffer.concat(cells, at);
      view.count = cells.length;
      view.line = row.line;
      onRow(view);
    }
  };
  return {
    header: table.header.map((h) => h.trim()),
    delimiter: ';',
    encoding: 'classeur Excel (.xlsx)',
    headerLine: table.headerLine,
    workbook: true,
    scan,
    ...(table.hiddenColumns ? { hiddenColumns: table.hiddenColumns } : {}),
    ...(table.sheets ? { sheets: table.sheets } : {}),
    ...(table.sheetFound ? { sheetFound: table.sheetFound } : {}),
  };
}

