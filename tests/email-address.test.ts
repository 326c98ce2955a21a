import { describe, expect, it } from 'vitest';
import { mailboxKey, needsSmtputf8 } from '../src/data/contacts.js';
import { readMessage } from '../src/bounces/read.js';

describe('mailboxKey: one form for an address, however written', () => {
  it.each([
    ['mairie@saint-étienne.fr', 'mairie@xn--saint-tienne-geb.fr'],
    ['Mairie@Saint-Étienne.FR', 'mairie@xn--saint-tienne-geb.fr'],
    ['mairie@XN--SAINT-TIENNE-GEB.fr', 'mairie@xn--saint-tienne-geb.fr'],
    ['Élodie.Mairie@aillant.example', 'élodie.mairie@aillant.example'],
    // The same letter decomposed (e + combining acute) and composed.
    ['e\u0301lodie@aillant.example', 'élodie@aillant.example'],
    ['mairie@adon.fr', 'mairie@adon.fr'],
  ])('%s → %s', (written, key) => {
    expect(mailboxKey(written)).toBe(key);
  });

  it('tells different mailboxes apart', () => {
    expect(mailboxKey('elodie@aillant.example')).not.toBe(mailboxKey('élodie@aillant.example'));
    expect(mailboxKey('mairie@saint-etienne.fr')).not.toBe(mailboxKey('mairie@saint-étienne.fr'));
  });
});

describe('needsSmtputf8: a local part that is not ASCII', () => {
  it.each([
    ['élodie.mairie@aillant.example', true],
    ['zoë@adon.example', true],
    ['mairie@saint-étienne.fr', false],
    ['mairie@adon.fr', false],
  ])('%s: %s', (address, needs) => {
    expect(needsSmtputf8(address)).toBe(needs);
  });
});

describe('a text notice naming an address with an accent in its local part', () => {
  it('reads the address whole (RFC 6532)', async () => {
    const raw = Buffer.from(
      [
        'From: MAILER-DAEMON@mx.example',
        'To: communication@ars.example',
        'Subject: Undelivered Mail Returned to Sender',
        'X-Failed-Recipients: élodie.mairie@aillant.example',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        'This message could not be delivered to élodie.mairie@aillant.example: 550 5.1.1 user unknown',
        '',
      ].join('\r\n'),
      'utf8',
    );
    const reading = await readMessage(raw);
    expect(reading.kind).toBe('bounce');
    if (reading.kind === 'bounce') expect(reading.failures.map((f) => f.address)).toEqual(['élodie.mairie@aillant.example']);
  });
});
