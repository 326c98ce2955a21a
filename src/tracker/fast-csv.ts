import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { RelaisError } from '../errors.js';
import { sniffDelimiter, sniffEncoding } from '../data/table.js';

/**
 * A CSV reader for the sign-up exports, written for throughput: a platform's daily export holds
 * every sign-up since the start and the ARS sums it every day, up to a million rows. csv-parse
 * reads such a file in 4 s here, papaparse in 1.4 s, datamash sums it in 1.1 s; this reader splits
 * whole decoded chunks at newlines and only falls back to quote handling on lines that contain a
 * quote. It follows the same rules as the mayors' reader (BOM, UTF-8/UTF-16/Windows-1252,
 * `;` `,` or tab, quoted fields with newlines) and is checked against csv-parse by property tests.
 */
export interface FastRow {
  line: number;
  values: string[];
}

const MAX_FIELD = 1024 * 1024;

/** Splits one logical record; `pending` carries a quoted field across physical lines. */
export function splitRecord(text: string, delimiter: string): string[] {
  if (!text.includes('"')) return text.split(delimiter);
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (ch === delimiter) {
      out.push(cell);
      cell = '';
    } else cell += ch;
  }
  out.push(cell);
  return out;
}

/** Whether a record is complete: quotes balanced. */
function openQuotes(text: string): boolean {
  let n = 0;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) n++;
  return n % 2 === 1;
}

export interface FastTable {
  header: string[];
  delimiter: string;
  encoding: string;
  /** Rows in batches (one per chunk read): one await per batch, not one per row. */
  rows: AsyncIterable<FastRow[]>;
}

export async function openFastTable(path: string, file: string): Promise<FastTable> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    throw new RelaisError('fichier introuvable', { file });
  }
  const sample = Buffer.alloc(64 * 1024);
  const { bytesRead } = await handle.read(sample, 0, sample.length, 0);
  await handle.close();
  if (bytesRead === 0) throw new RelaisError('fichier vide', { file, line: 1 });
  const encoding = sniffEncoding(sample.subarray(0, bytesRead));
  const head = new TextDecoder(encoding.decoder).decode(sample.subarray(encoding.bomLength, bytesRead));
  const firstLine = head.split(/\r?\n/)[0] ?? '';
  if (firstLine.length === head.length && bytesRead === sample.length) throw new RelaisError('la première ligne dépasse 64 Ko : ce n’est pas un export CSV', { file, line: 1 });
  const delimiter = sniffDelimiter(firstLine);
  const header = splitRecord(firstLine, delimiter).map((h) => h.trim());

  async function* rows(): AsyncGenerator<FastRow[]> {
    const decoder = new TextDecoder(encoding.decoder, { fatal: encoding.decoder === 'utf-8' });
    const stream = createReadStream(path, { start: encoding.bomLength, highWaterMark: 1024 * 1024 });
    let rest = '';
    let line = 0;
    let record = '';
    let recordLine = 0;
    // A plain function, not a generator: it runs once per line of a million-line file.
    const flushLine = (text: string): FastRow | undefined => {
      line++;
      const l = text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text;
      if (record) {
        record += `\n${l}`;
      } else {
        if (l === '') return undefined;
        record = l;
        recordLine = line;
      }
      if (record.length > MAX_FIELD) throw new RelaisError(`enregistrement de plus de ${MAX_FIELD / 1024} Ko : ce n'est pas un export lisible`, { file, line: recordLine });
      if (record.includes('"') && openQuotes(record)) return undefined;
      const r = record;
      record = '';
      if (recordLine === 1) return undefined; // the header
      return { line: recordLine, values: splitRecord(r, delimiter) };
    };
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        let text: string;
        try {
          text = rest + decoder.decode(chunk, { stream: true });
        } catch {
          throw new RelaisError('encodage incohérent : le fichier mélange UTF-8 et une autre table ; réenregistrez-le en UTF-8', { file, line: line + 1 });
        }
        let start = 0;
        const batch: FastRow[] = [];
        for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
          const row = flushLine(text.slice(start, nl));
          if (row) batch.push(row);
          start = nl + 1;
        }
        rest = text.slice(start);
        if (batch.length) yield batch;
        if (rest.length > MAX_FIELD) throw new RelaisError(`ligne de plus de ${MAX_FIELD / 1024} Ko : ce n'est pas un export lisible`, { file, line: line + 1 });
      }
      rest += decoder.decode();
      const last = rest ? flushLine(rest) : undefined;
      if (last) yield [last];
      if (record) throw new RelaisError('guillemet ouvert jamais refermé', { file, line: recordLine });
    } finally {
      stream.destroy();
    }
  }
  return { header, delimiter, encoding: encoding.label, rows: rows() };
}
