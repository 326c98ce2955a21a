/**
 * Reads one member of a JSON object without parsing the object whole, and says whether the whole
 * would parse. A national directory export is 127,000 records of which two thirds are services
 * that are not town halls (CCAS, schools…); their pivot alone says so. Decoding and parsing each of
 * them whole, only to count them, was the better part of reading the file.
 *
 * The bytes are checked against JSON's grammar as JSON.parse checks the UTF-8 text they decode to
 * (tests/json-skim.test.ts compares the two on generated and broken objects): a record that
 * JSON.parse would reject is never skimmed, so it is still rejected with JSON.parse's reason.
 * Bytes of a multi-byte or broken UTF-8 sequence are all ≥ 0x80: inside a string they are text,
 * outside one they are an error, whatever they decode to, as for JSON.parse.
 */

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

const enum State {
  Value,
  ValueOrClose,
  Key,
  KeyOrClose,
  Colon,
  Next,
}

const OBJECT = 1;
const ARRAY = 2;
/** Deeper records are parsed whole: JSON.parse knows how deep it may go. */
const MAX_DEPTH = 256;
const stack = new Uint8Array(MAX_DEPTH);

const isDigit = (b: number) => b >= 0x30 && b <= 0x39;
const isHex = (b: number) => (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x66);

/** What a walk needs next: more bytes (the object goes on past the end), or nothing (not JSON). */
export const WALK_MORE = -1;
export const WALK_INVALID = -2;

/** End of the string whose text starts at i (the index after its closing quote), WALK_MORE or WALK_INVALID. */
function stringEnd(buf: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const b = buf[i]!;
    if (b === QUOTE) return i + 1;
    if (b === BACKSLASH) {
      if (i + 1 >= end) return WALK_MORE;
      const e = buf[i + 1]!;
      if (e === 0x75) {
        if (i + 6 > end) return WALK_MORE;
        if (!isHex(buf[i + 2]!) || !isHex(buf[i + 3]!) || !isHex(buf[i + 4]!) || !isHex(buf[i + 5]!)) return WALK_INVALID;
        i += 6;
      } else if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) i += 2;
      else return WALK_INVALID;
      continue;
    }
    if (b < 0x20) return WALK_INVALID;
    i++;
  }
  return WALK_MORE;
}

function digitsEnd(buf: Uint8Array, i: number, end: number): number {
  while (i < end && isDigit(buf[i]!)) i++;
  return i;
}

/** End of the number starting at i (JSON's grammar: no leading zero, no lone dot), WALK_MORE or WALK_INVALID. */
function numberEnd(buf: Uint8Array, i: number, end: number): number {
  if (buf[i] === 0x2d) i++;
  if (i >= end) return WALK_MORE;
  if (buf[i] === 0x30) i++;
  else if (buf[i]! >= 0x31 && buf[i]! <= 0x39) i = digitsEnd(buf, i + 1, end);
  else return WALK_INVALID;
  if (i < end && buf[i] === 0x2e) {
    const digits = digitsEnd(buf, i + 1, end);
    if (digits === i + 1) return digits >= end ? WALK_MORE : WALK_INVALID;
    i = digits;
  }
  if (i < end && (buf[i] === 0x65 || buf[i] === 0x45)) {
    i++;
    if (i < end && (buf[i] === 0x2b || buf[i] === 0x2d)) i++;
    const digits = digitsEnd(buf, i, end);
    if (digits === i) return digits >= end ? WALK_MORE : WALK_INVALID;
    i = digits;
  }
  // A number that reaches the end of the bytes may go on in the next ones.
  return i >= end ? WALK_MORE : i;
}

const LITERALS = ['true', 'false', 'null'].map((w) => Buffer.from(w, 'latin1'));

function literalEnd(buf: Uint8Array, i: number, end: number): number {
  for (const word of LITERALS) {
    if (buf[i] !== word[0]) continue;
    for (let k = 1; k < word.length; k++) {
      if (i + k >= end) return WALK_MORE;
      if (buf[i + k] !== word[k]) return WALK_INVALID;
    }
    return i + word.length;
  }
  return WALK_INVALID;
}

function hasEscape(buf: Uint8Array, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (buf[k] === BACKSLASH) return true;
  return false;
}

function sameBytes(buf: Uint8Array, at: number, key: Uint8Array): boolean {
  for (let k = 0; k < key.length; k++) if (buf[at + k] !== key[k]) return false;
  return true;
}

/** What the last successful walk found besides its end. */
export const walked = {
  /** Line feeds inside the object. */
  lines: 0,
  /** Whether the last member named `key` gave a value through `read`, and that value. */
  skimmed: false,
  value: undefined as unknown,
};

/**
 * Walks the JSON object starting at `start` (a `{`) through bytes before `end`, as JSON.parse would
 * read it. Returns the index after its closing brace when the object is well-formed, WALK_MORE when
 * it goes on past `end` (well-formed so far), WALK_INVALID when it is not JSON. On success, `walked`
 * says how many line feeds it holds and what `read` gave for the value of its last top-level
 * member named `key`, given where its bytes are (the key written without escapes; `skimmed` is
 * false when there is none, when `read` gave undefined for that last one, or when a top-level
 * key is written with an escape: it might spell `key`).
 */
export function walkObject(buf: Buffer, start: number, end: number, key: Uint8Array, read: (buf: Buffer, start: number, end: number) => unknown): number {
  let depth = 1;
  stack[0] = OBJECT;
  let state = State.KeyOrClose;
  let i = start + 1;
  let lines = 0;
  let isMember = false;
  /** Where the member's value starts: -1 none, -2 the next value is it. */
  let memberStart = -1;
  let skimmed = false;
  let value: unknown;
  let escapedKey = false;
  while (i < end) {
    const c = buf[i]!;
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      if (c === 0x0a) lines++;
      i++;
      continue;
    }
    if (state === State.Key || state === State.KeyOrClose) {
      if (c === QUOTE) {
        const q = stringEnd(buf, i + 1, end);
        if (q < 0) return q;
        isMember = depth === 1 && q - i - 2 === key.length && sameBytes(buf, i + 1, key);
        // A key written with an escape may spell `key` (« piv\u006ft »): JSON.parse of the whole says.
        if (depth === 1 && !isMember && hasEscape(buf, i + 1, q - 1)) escapedKey = true;
        i = q;
        state = State.Colon;
        continue;
      }
      if (c !== RBRACE || state !== State.KeyOrClose) return WALK_INVALID;
      depth--;
      i++;
    } else if (state === State.Colon) {
      if (c !== COLON) return WALK_INVALID;
      i++;
      if (isMember) memberStart = -2;
      state = State.Value;
      continue;
    } else if (state === State.Next) {
      const top = stack[depth - 1];
      if (c === COMMA) {
        i++;
        state = top === OBJECT ? State.Key : State.Value;
        continue;
      }
      if (!((c === RBRACE && top === OBJECT) || (c === RBRACKET && top === ARRAY))) return WALK_INVALID;
      depth--;
      i++;
    } else if (c === RBRACKET && state === State.ValueOrClose) {
      depth--;
      i++;
    } else {
      if (memberStart === -2) memberStart = i;
      if (c === LBRACE || c === LBRACKET) {
        if (depth >= MAX_DEPTH) return WALK_INVALID;
        stack[depth++] = c === LBRACE ? OBJECT : ARRAY;
        i++;
        state = c === LBRACE ? State.KeyOrClose : State.ValueOrClose;
        continue;
      }
      const q = c === QUOTE ? stringEnd(buf, i + 1, end) : c === 0x2d || isDigit(c) ? numberEnd(buf, i, end) : literalEnd(buf, i, end);
      if (q < 0) return q;
      i = q;
    }
    // A value, or the object itself, ends at i.
    if (depth === 0) {
      walked.lines = lines;
      walked.skimmed = skimmed && !escapedKey;
      walked.value = value;
      return i;
    }
    state = State.Next;
    if (memberStart >= 0 && depth === 1) {
      // The member's own bytes, well-formed JSON (the last such member counts, as for JSON.parse).
      const got = read(buf, memberStart, i);
      memberStart = -1;
      skimmed = got !== undefined;
      value = got;
    }
  }
  return WALK_MORE;
}
