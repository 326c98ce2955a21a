/**
 * Quoted-printable (RFC 2045 § 6.7) in one pass over the text, soft line breaks included.
 * nodemailer's encoder escapes, then wraps with a regular expression per line; composing a
 * town hall's email spent most of its time there. Same output rules: printable ASCII as is, `=`
 * and everything else as =XX of its UTF-8 bytes, a blank before a line end escaped, lines of at
 * most 76 characters, never a soft break inside an escape or inside a character.
 */
const HEX = Buffer.from('0123456789ABCDEF', 'latin1');
const MAX = 75; // characters before a soft break's "=", which makes 76

/** Reused from one message to the next: the output is copied out as a string. */
let out = Buffer.allocUnsafe(64 * 1024);

export function quotedPrintable(text: string): string {
  // Each UTF-16 unit becomes at most 9 characters (3 bytes, escaped), plus the soft breaks.
  const room = text.length * 9 + Math.ceil(text.length / 25) * 3 + 3;
  if (out.length < room) out = Buffer.allocUnsafe(room);
  const o = out;
  let pos = 0;
  let line = 0;
  const escape = (byte: number) => {
    o[pos++] = 61;
    o[pos++] = HEX[byte >> 4]!;
    o[pos++] = HEX[byte & 15]!;
  };
  const room3 = (n: number) => {
    if (line + n > MAX) {
      o[pos++] = 61;
      o[pos++] = 13;
      o[pos++] = 10;
      line = 0;
    }
    line += n;
  };
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 && text.charCodeAt(i + 1) === 10) continue; // the LF below writes CRLF
    if (c === 10) {
      o[pos++] = 13;
      o[pos++] = 10;
      line = 0;
    } else if ((c >= 33 && c <= 126 && c !== 61) || ((c === 32 || c === 9) && i + 1 < n && text.charCodeAt(i + 1) !== 10 && text.charCodeAt(i + 1) !== 13)) {
      room3(1);
      o[pos++] = c;
    } else if (c < 0x80) {
      room3(3);
      escape(c);
    } else if (c < 0x800) {
      room3(6);
      escape(0xc0 | (c >> 6));
      escape(0x80 | (c & 63));
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      const cp = 0x10000 + ((c - 0xd800) << 10) + (text.charCodeAt(++i) - 0xdc00);
      room3(12);
      escape(0xf0 | (cp >> 18));
      escape(0x80 | ((cp >> 12) & 63));
      escape(0x80 | ((cp >> 6) & 63));
      escape(0x80 | (cp & 63));
    } else {
      // A lone surrogate is written as U+FFFD, as Buffer.from would.
      const u = c >= 0xd800 && c <= 0xdfff ? 0xfffd : c;
      room3(9);
      escape(0xe0 | (u >> 12));
      escape(0x80 | ((u >> 6) & 63));
      escape(0x80 | (u & 63));
    }
  }
  return o.toString('latin1', 0, pos);
}
