import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import { RelaisError } from '../errors.js';
import { notUtf8Message } from '../data/encoding.js';
import { openQuotes, splitRecord } from './csv-record.js';
import { EncodingWatch } from './encoding-watch.js';
import type { RowView } from './fast-csv.js';

/**
 * The scan of a CSV sign-up export, the tracker's hot loop: the file read a megabyte at a time,
 * its lines counted and cut into fields in its bytes (a UTF-8 file is never decoded), each record
 * handed over in one reused view. Lines with a quote, and quoted fields running over several
 * lines, go through the text path (`textLine`). A file in another encoding is converted to UTF-8
 * chunk by chunk (encoding-watch.ts) before it is cut.
 */

const MAX_FIELD = 1024 * 1024;
const CHUNK = 1024 * 1024;
const tooLong = (what: string) => `${what} de plus de ${MAX_FIELD / 1024} Ko : ce n'est pas un export lisible`;

/** Just past the last complete line end (LF, CRLF or a CR not at the very end) before `have`. */
function lastLineEnd(buf: Buffer, have: number): number {
  for (let i = have - 1; i >= 0; i--) {
    const b = buf[i];
    if (b === 10) return i + 1;
    if (b === 13 && i < have - 1) return i + 1;
  }
  return 0;
}

/** Just past the line end that follows `start` (CRLF counted as one), or `limit`. */
function nextLineEnd(buf: Buffer, start: number, limit: number): number {
  for (let i = start; i < limit; i++) {
    if (buf[i] === 10) return i + 1;
    if (buf[i] === 13) return buf[i + 1] === 10 && i + 1 < limit ? i + 2 : i + 1;
  }
  return limit;
}

export class Scanner {
  private line = 0;
  /** The decoding of a file that is not UTF-8, set by run. */
  private watch: EncodingWatch | undefined;
  /** A record with an open quote, carried over to the next lines. */
  private record: string | undefined;
  private recordLine = 0;
  private readonly view: RowView = { line: 0, count: 0, buf: Buffer.alloc(0), starts: new Int32Array(64), ends: new Int32Array(64) };
  private readonly delim: number;

  constructor(
    private readonly file: string,
    private readonly delimiter: string,
    private readonly onRow: (row: RowView) => void,
    /** Lines up to this one are the header and the titles above it, not records. */
    private readonly headerLine = 1,
  ) {
    this.delim = delimiter.charCodeAt(0);
  }

  /** The line from which a code-page file turned out to be UTF-8 (see EncodingWatch). */
  get utf8FromLine(): number | undefined {
    return this.watch?.utf8FromLine;
  }

  /** The line from which it is in its code page again, after UTF-8 (three exports appended). */
  get codePageAgainLine(): number | undefined {
    return this.watch?.codePageAgainLine;
  }

  /** `end`: where the data ends, before the NUL or Ctrl-Z bytes that may pad the file (see data/file-end.ts). */
  async run(path: string, decoding: string, bomLength: number, end = Infinity): Promise<void> {
    const handle = await open(path, 'r');
    try {
      const utf8 = decoding === 'utf-8';
      const watch = (this.watch = utf8 ? undefined : new EncodingWatch(decoding));
      const raw = utf8 ? undefined : Buffer.allocUnsafe(CHUNK);
      let work = Buffer.allocUnsafe(2 * CHUNK);
      let have = 0;
      let position = bomLength;
      for (let eof = false; !eof; ) {
        let bytes: Uint8Array | undefined;
        if (work.length - have < CHUNK) {
          const bigger = Buffer.allocUnsafe(have + 2 * CHUNK);
          work.copy(bigger, 0, 0, have);
          work = bigger;
        }
        if (!raw) {
          const { bytesRead } = await handle.read(work, have, Math.min(CHUNK, end - position), position);
          position += bytesRead;
          have += bytesRead;
          eof = bytesRead === 0;
        } else {
          const { bytesRead } = await handle.read(raw, 0, Math.min(CHUNK, end - position), position);
          position += bytesRead;
          eof = bytesRead === 0;
          const chunk = raw.subarray(0, bytesRead);
          bytes = Buffer.from(watch!.decode(chunk, eof, this.line, work, have), 'utf8');
          if (work.length - have < bytes.length) {
            const bigger = Buffer.allocUnsafe(have + bytes.length + CHUNK);
            work.copy(bigger, 0, 0, have);
            work = bigger;
          }
          work.set(bytes, have);
          have += bytes.length;
        }
        // Whole lines only; the last, cut line waits for the next chunk. A CR ends a line (old Mac
        // exports), but a CR at the very end may be the first half of a CRLF: it waits too.
        const limit = eof || have === 0 ? have : lastLineEnd(work, have);
        if (utf8 && limit > 0 && !isUtf8(work.subarray(0, limit))) this.badEncoding(work, limit);
        this.lines(work, limit);
        work.copy(work, 0, limit, have);
        have -= limit;
        if (have > MAX_FIELD) throw new RelaisError(tooLong('ligne'), { file: this.file, line: this.line + 1 });
      }
      if (this.record !== undefined) throw new RelaisError('guillemet ouvert jamais refermé', { file: this.file, line: this.recordLine });
    } finally {
      await handle.close();
    }
  }

  /** Finds the first line that is not UTF-8, for the message. */
  private badEncoding(buf: Buffer, limit: number): never {
    let line = this.line + 1;
    for (let start = 0; start < limit; line++) {
      const end = Math.min(limit, nextLineEnd(buf, start, limit));
      if (!isUtf8(buf.subarray(start, end))) break;
      start = end;
    }
    throw new RelaisError(notUtf8Message(line), { file: this.file, line });
  }

  private lines(buf: Buffer, limit: number): void {
    const d = this.delim;
    const view = this.view;
    view.buf = buf;
    let pos = 0;
    while (pos < limit) {
      this.line++;
      let count = 0;
      let fieldStart = pos;
      let quote = false;
      let i = pos;
      for (; i < limit; i++) {
        const b = buf[i];
        if (b === d) {
          if (count === view.starts.length) this.growView();
          view.starts[count] = fieldStart;
          view.ends[count++] = i;
          fieldStart = i + 1;
        } else if (b === 10 || b === 13) break;
        else if (b === 34) quote = true;
      }
      const end = i;
      if (quote || this.record !== undefined) {
        this.textLine(buf.toString('utf8', pos, end));
        view.buf = buf;
      } else if (end > pos) {
        if (end - pos > MAX_FIELD) throw new RelaisError(tooLong('enregistrement'), { file: this.file, line: this.line });
        if (this.line > this.headerLine) {
          if (count === view.starts.length) this.growView();
          view.starts[count] = fieldStart;
          view.ends[count++] = Math.max(fieldStart, end);
          view.count = count;
          view.line = this.line;
          this.onRow(view);
        }
      }
      // CRLF is one line end; a bare CR or LF is one too.
      pos = buf[i] === 13 && i + 1 < limit && buf[i + 1] === 10 ? i + 2 : i + 1;
    }
  }

  /** The text path: quotes, and records over several lines. */
  private textLine(text: string): void {
    if (this.record !== undefined) this.record += `\n${text}`;
    else {
      if (text === '') return;
      this.record = text;
      this.recordLine = this.line;
    }
    if (this.record.length > MAX_FIELD) throw new RelaisError(tooLong('enregistrement'), { file: this.file, line: this.recordLine });
    if (this.record.includes('"') && openQuotes(this.record)) return;
    const values = splitRecord(this.record, this.delimiter);
    this.record = undefined;
    if (this.recordLine <= this.headerLine) return; // the header, or a title above it
    const view = this.view;
    while (values.length > view.starts.length) this.growView();
    view.buf = Buffer.from(values.join(''), 'utf8');
    let at = 0;
    for (const [i, v] of values.entries()) {
      view.starts[i] = at;
      at += Buffer.byteLength(v, 'utf8');
      view.ends[i] = at;
    }
    view.count = values.length;
    view.line = this.recordLine;
    this.onRow(view);
  }

  private growView(): void {
    const grow = (a: Int32Array) => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.view.starts = grow(this.view.starts);
    this.view.ends = grow(this.view.ends);
  }
}
