import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { Composer } from '../src/delivery/compose.js';
import { quotedPrintable } from '../src/delivery/qp.js';

/**
 * relais composes its emails itself (nodemailer's composer cost half the time per message):
 * whatever goes in must come out of a real MIME parser unchanged, in lines a mail server takes.
 */
const text = fc.string({ unit: fc.constantFrom('a', 'é', ' ', '\t', '\n', '=', '.', '😀', '€', 'ﬀ', '\u202f', '<', '"', '-', 'x'.repeat(30)), maxLength: 60 });

function lines(raw: Buffer): string[] {
  const s = raw.toString('utf8');
  expect(s.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/); // CRLF only
  return s.split('\r\n');
}

describe('quoted-printable', () => {
  it('lines of at most 76 characters, no blank before a line end, ASCII only', () => {
    fc.assert(
      fc.property(text, (t) => {
        const qp = quotedPrintable(t);
        expect(qp).toMatch(/^[\x20-\x7e\r\n\t]*$/);
        for (const line of qp.split('\r\n')) {
          expect(line.length).toBeLessThanOrEqual(76);
          expect(line).not.toMatch(/[ \t]$/);
          // Every "=" starts an escape of two hex digits, but the soft break's at the end.
          expect(line).toMatch(/^(?:[^=]|=[0-9A-F]{2})*=?$/);
        }
      }),
      { numRuns: 2000, seed: 21 },
    );
  });
});

describe('the composed email', () => {
  const pdf = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256));

  it('reads back, through mailparser, exactly what was put in', async () => {
    const composer = new Composer({ name: 'Préfète du Loiret, « ARS »', address: 'pref@loiret.gouv.fr', replyTo: 'ars-cvl@ars.sante.fr' }, [{ filename: 'fiche synthèse.pdf', data: Buffer.from('%PDF-1.4 fiche') }]);
    await fc.assert(
      // A part with nothing in it reads back as "\n" (mailparser): the texts are never empty.
      // A subject is one line, trimmed, as the subject template's rendering is.
      fc.asyncProperty(text.map((t) => t.replace(/[ \t\r\n]+/g, ' ').trim()), text.map((t) => `${t}.`), text, async (subject, body, html) => {
        const raw = composer.compose({ to: 'mairie@commune.fr', subject, text: body, html: `<p>${html}</p>`, messageId: '<k.45234@loiret.gouv.fr>', date: new Date('2020-04-10T08:00:00Z'), attachments: [{ filename: 'lettre-45234-orleans.pdf', data: pdf }] });
        for (const line of lines(raw)) expect(line.length).toBeLessThanOrEqual(78);
        const mail = await simpleParser(raw);
        expect(mail.subject ?? '').toBe(subject);
        expect(mail.text ?? '').toBe(body.replace(/\r?\n/g, '\n'));
        expect(mail.html).toBe(`<p>${html}</p>`);
        expect(mail.from?.value).toEqual([{ name: 'Préfète du Loiret, « ARS »', address: 'pref@loiret.gouv.fr' }]);
        expect(mail.replyTo?.text).toBe('ars-cvl@ars.sante.fr');
        expect(mail.messageId).toBe('<k.45234@loiret.gouv.fr>');
        expect(mail.date?.toISOString()).toBe('2020-04-10T08:00:00.000Z');
        expect(mail.attachments.map((a) => [a.filename, a.contentType, a.content.toString('latin1')])).toEqual([
          ['lettre-45234-orleans.pdf', 'application/pdf', pdf.toString('latin1')],
          ['fiche synthèse.pdf', 'application/pdf', '%PDF-1.4 fiche'],
        ]);
      }),
      { numRuns: 150, seed: 22 },
    );
  });
});
