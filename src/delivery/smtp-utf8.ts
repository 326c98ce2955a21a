import { needsSmtputf8 } from '../data/contacts.js';
import { SMTPConnection } from './mime.js';

/**
 * Addresses with a non-ASCII local part (« élodie.mairie@… ») on SMTP. RFC 6531 § 3.4: such an
 * address may go only to a server that offers SMTPUTF8 — in RFC 5321 a mailbox is ASCII — and a
 * client must not send it to one that does not. nodemailer adds the SMTPUTF8 keyword when the
 * server offers it and otherwise sends the raw UTF-8 anyway (a strict relay answers « 553 5.6.7 »,
 * a lax one takes it for the next hop to garble). relais checks each session: a message whose
 * envelope holds such an address, on a session whose EHLO did not offer SMTPUTF8, is refused
 * before any command of it is written. (A domain alone in Unicode is no such case: it goes as its
 * A-label, xn--…, which nodemailer writes when the local part is ASCII.)
 */
type Envelope = { from?: unknown; to?: unknown };
type Callback = (err: Error | null, info?: unknown) => void;
interface Connection {
  _supportedExtensions: string[];
  _setEnvelope(envelope: Envelope, callback: Callback): void;
}

/** The error a session gives for such a message: nothing of it was sent. */
export interface Smtputf8Missing extends Error {
  code: 'EENVELOPE';
  /** The addresses that need SMTPUTF8. */
  smtputf8: string[];
  /** The envelope's sender is one of them: no message of the run can go on that server. */
  sender: boolean;
  /** What the server offered in its EHLO answer. */
  extensions: string[];
}

export const isSmtputf8Missing = (err: unknown): err is Smtputf8Missing => err instanceof Error && Array.isArray((err as Partial<Smtputf8Missing>).smtputf8);

const isAscii = (s: string) => /^[\x00-\x7f]*$/.test(s);
const addressOf = (a: unknown) => String((a && typeof a === 'object' && 'address' in a ? (a as { address: unknown }).address : a) ?? '');

const proto = SMTPConnection.prototype as unknown as Connection;
const original = proto._setEnvelope;

function guarded(this: Connection, envelope: Envelope, callback: Callback): void {
  const from = addressOf(envelope.from);
  const international = [from, ...([] as unknown[]).concat(envelope.to ?? []).map(addressOf)].filter(needsSmtputf8);
  if (international.length && !this._supportedExtensions.includes('SMTPUTF8')) {
    // EENVELOPE: nodemailer's pool then resets the session (RSET) and keeps it for the next message.
    const err = Object.assign(new Error(`SMTPUTF8 not offered for ${international.join(', ')}`), { code: 'EENVELOPE' as const, command: 'API', smtputf8: international, sender: needsSmtputf8(from), extensions: [...this._supportedExtensions] });
    return callback(err);
  }
  return original.call(this, envelope, callback);
}

/** Idempotent; every SMTP connection of the process then checks its envelopes. */
export function useSmtputf8Guard(): void {
  if (typeof original !== 'function' || !Array.isArray((new SMTPConnection({}) as unknown as Connection)._supportedExtensions)) {
    throw new Error('nodemailer: SMTPConnection#_setEnvelope or _supportedExtensions no longer exists (see tests/smtp-utf8.test.ts)');
  }
  proto._setEnvelope = guarded;
}

/**
 * The ORCPT of a recipient (RFC 3461 § 4.2), from the address the envelope gives it: an ASCII
 * address (an internationalised domain already as its A-label) under the `rfc822` type; one with
 * a UTF-8 local part under the `utf-8` type of RFC 6533 § 3, in its `utf-8-addr-xtext` form (each
 * character outside printable ASCII, and `+`, `=`, `\`, as `\x{HEX}`), which is ASCII and valid
 * whether or not the session is SMTPUTF8 — an `rfc822` address is ASCII, and nodemailer would
 * otherwise write its UTF-8 bytes as xtext (`+C3+A9`), which a server reads as Latin-1.
 */
export function orcptOf(address: string): string {
  if (isAscii(address)) return `rfc822;${address}`;
  let out = '';
  for (const ch of address) {
    const cp = ch.codePointAt(0)!;
    out += cp < 0x21 || cp > 0x7e || ch === '+' || ch === '=' || ch === '\\' ? `\\x{${cp.toString(16).toUpperCase()}}` : ch;
  }
  return `utf-8;${out}`;
}
