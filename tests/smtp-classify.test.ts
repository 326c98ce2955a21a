import { describe, expect, it } from 'vitest';
import { classify, relayRefusalKey, senderLimit } from '../src/delivery/smtp-classify.js';

/**
 * An SMTP answer refuses either one town hall (its address: that town hall goes by post) or the
 * whole session (no credentials, a refused sender, no relaying): the latter stops the run and marks
 * no town hall, or every one would be recorded as refused for a problem of the configuration.
 */
describe('SMTP answers: one recipient, or the session', () => {
  it.each([
    [{ responseCode: 530, command: 'MAIL FROM', response: '530 5.7.0 Authentication required' }, /exige une authentification \(530\)/],
    [{ responseCode: 550, command: 'MAIL FROM', response: '550 5.7.0 Authentication is required to send' }, /exige une authentification/],
    [{ responseCode: 553, command: 'MAIL FROM', response: '553 5.7.1 <ars@sante.example>: Sender address rejected' }, /refuse l'expéditeur \(553\)/],
    [{ responseCode: 554, command: 'RCPT TO', response: '554 5.7.1 <mairie@tours.example>: Relay access denied' }, /refuse de relayer/],
  ])('%o stops the run', (err, message) => {
    const d = classify(Object.assign(new Error(err.response), err));
    expect(d.kind).toBe('fatal');
    expect(d.message).toMatch(message);
  });

  it.each([
    [{ responseCode: 550, command: 'RCPT TO', response: '550 5.1.1 <mairie@nulle-part.example>: Recipient address rejected: User unknown' }],
  ])('%o refuses this message only', (err) => {
    expect(classify(Object.assign(new Error(err.response), err)).kind).toBe('permanent');
  });

  it.each<[{ responseCode?: number; code: string; command: string; response: string; message?: string }]>([
    [{ responseCode: 552, code: 'EMESSAGE', command: 'DATA', response: '552 5.3.4 Message size exceeds fixed limit' }],
    [{ responseCode: 552, code: 'EENVELOPE', command: 'MAIL FROM', response: '552 5.3.4 Message size exceeds fixed limit' }],
    [{ responseCode: 552, code: 'EMESSAGE', command: 'DATA', response: '552 Message size exceeds maximum permitted' }],
    [{ code: 'EMESSAGE', command: 'MAIL FROM', response: '', message: 'Message size larger than allowed 10240000' }],
  ])('%o: the message is too big for the server, whoever it is for: the run stops, no town hall is refused', (err) => {
    const d = classify(Object.assign(new Error(err.message ?? err.response), err));
    expect(d.kind).toBe('fatal');
    expect(d.message).toContain("le serveur SMTP refuse le message, plus gros que ce qu'il accepte");
    expect(d.message).toContain('aucune mairie n\'est passée au courrier');
  });

  it('a 5.7.x refusal once the message is read (end of DATA) is its content\'s, not the address\'s: the town hall stays to send', () => {
    const err = { responseCode: 550, code: 'EMESSAGE', command: 'DATA', response: '550 5.7.1 Message rejected as spam by Content Filtering' };
    const d = classify(Object.assign(new Error(err.response), err));
    expect(d.kind).toBe('content');
    expect(d.message).toContain("l'adresse n'est sans doute pas en cause : la mairie reste à envoyer");
  });

  it('a 5.7.x refusal of one message is said to be the receiving side\'s policy, not a bad address', () => {
    const err = { responseCode: 550, command: 'DATA', response: '550 5.7.1 Message rejected as spam by Content Filtering' };
    const d = classify(Object.assign(new Error(err.response), err));
    expect(d.kind).toBe('permanent');
    expect(d.message).toBe("refusé par la politique du serveur destinataire (550 5.7.1 : filtre anti-spam ou expéditeur non reconnu ; l'adresse n'est sans doute pas en cause)");
  });
});

/** Five town halls of the Loiret with an address. */
const FIVE = '45001,45002,45004,45005,45006';

describe('a relay whose content filter refuses every message (5.7.x at DATA)', () => {
  it('stops the send as a problem of the relay: no town hall goes by post for it, the next send takes them all', async () => {
    const { sampleWithLetters } = await import('./helpers/campaign.js');
    const { relais, relaisJson } = await import('./helpers/cli.js');
    const { startSmtp } = await import('./servers/smtp.js');
    const wall = await startSmtp({ rejectData: { code: 550, message: '5.7.1 Message rejected by content filter' } });
    const dir = await sampleWithLetters();
    try {
      const refused = await relais(['-C', dir, 'send', '--commune', FIVE, '--yes'], { env: { RELAIS_SMTP_URL: wall.url, RELAIS_SMTP_MAX_CONNECTIONS: '1' } });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("le serveur SMTP refuse chacun des messages au nom de sa politique (5.7.1) sans en accepter aucun : c'est le relais qui refuse la campagne");
      const status = await relaisJson<{ departements: Array<{ code: string; mairies: { parCourrier: number; parCourriel: number }; courriels: { serveur: Record<string, number> } }> }>(['-C', dir, 'status']);
      const loiret = status.json.departements.find((d) => d.code === '45')!;
      // It used to be 3 more by post, for good (« échec définitif »), and more at every send.
      expect(loiret.mairies).toMatchObject({ parCourrier: 24, parCourriel: 301 });
      expect(loiret.courriels.serveur).toMatchObject({ 'failed-permanent': 0, 'failed-temporary': 3 });
    } finally {
      await wall.close();
    }
    const good = await startSmtp();
    try {
      const sent = await relaisJson<{ sent: number }>(['-C', dir, 'send', '--commune', FIVE, '--yes'], { env: { RELAIS_SMTP_URL: good.url } });
      expect(sent.code, sent.stderr).toBe(0);
      expect(sent.json.sent).toBe(5);
    } finally {
      await good.close();
    }
  });
});

describe('a town hall the relay refuses for its content, run after run, while it takes the others', () => {
  it('stays to send after the first refusal, and goes by post after the same refusal at a later run', async () => {
    const { sampleWithLetters } = await import('./helpers/campaign.js');
    const { relais } = await import('./helpers/cli.js');
    const { startSmtp } = await import('./servers/smtp.js');
    const server = await startSmtp({ rejectDataFor: { 'accueil@adon.example': { code: 550, message: '5.7.1 Message rejected by content filter' } } });
    const dir = await sampleWithLetters();
    const env = { RELAIS_SMTP_URL: server.url, RELAIS_SMTP_RETRY_MS: '20', RELAIS_SMTP_MAX_CONNECTIONS: '1' };
    try {
      const first = await relais(['-C', dir, 'send', '--commune', '45001,45004', '--yes'], { env });
      expect(first.code).toBe(1);
      expect(first.stdout).toContain("la mairie reste à envoyer");
      // Not yet taken for the address's: not by post.
      // Still to send: the next send tries it again (Amilly is the one sent).
      expect((await relais(['-C', dir, 'status'])).stdout).toContain('45 Loiret — 325 mairies : 301 par courriel dont 300 à envoyer');

      const second = await relais(['-C', dir, 'send', '--commune', '45001,45004', '--yes'], { env });
      expect(second.stdout).toContain("refusé une deuxième fois par la politique du serveur (5.7.1), d'une exécution à l'autre, alors que les autres messages passent : la lettre de cette mairie part par courrier");
      expect((await relais(['-C', dir, 'status'])).stdout).toContain('45 Loiret — 325 mairies : 300 par courriel');
      const letters = await relais(['-C', dir, 'letters', '--dep', '45']);
      expect(letters.stdout + letters.stderr).toContain('Adon');
      // Emailed once (Amilly), never Adon: each town hall once, by email or by post.
      expect(server.received.map((m) => m.to)).toEqual(['mairie@amilly.example']);
    } finally {
      await server.close();
    }
  });
});

describe("the relay's sending quota, as relays word it", () => {
  it.each([
    ['550 5.4.5 Daily user sending quota exceeded', 'DATA'],
    ['554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to process message', 'DATA'],
    ["550 5.1.90 Your message can't be sent because you've reached your daily limit for message recipients", 'RCPT TO'],
    ['454 Throttling failure: Daily message quota exceeded.', 'RCPT TO'],
  ])('« %s » stops the run, no town hall taken for refused', (response, command) => {
    const d = classify(Object.assign(new Error(response), { responseCode: Number(response.slice(0, 3)), command, response }));
    expect(d.kind).toBe('fatal');
    expect(d.message).toMatch(/limite d'envoi pour cet expéditeur.*aucune mairie n'est passée au courrier/);
  });

  it.each([
    ['552 5.2.2 Mailbox quota exceeded', 'permanent'],
    ['452 4.2.2 Over quota', 'temporary'],
    ['454 Throttling failure: Maximum sending rate exceeded.', 'temporary'],
    ['550 5.1.1 User unknown', 'permanent'],
  ])("« %s » is the town hall's mailbox, or a rate that passes: %s", (response, kind) => {
    const d = classify(Object.assign(new Error(response), { responseCode: Number(response.slice(0, 3)), command: 'RCPT TO', response }));
    expect(d.kind).toBe(kind);
  });
});

describe('a limit of the recipient’s, worded like a sender’s quota', () => {
  it.each([
    '552 Message quota exceeded for recipient mairie@x.fr',
    '550 5.7.1 Recipient daily message limit reached',
    'Le destinataire a atteint sa limite quotidienne de messages',
  ])('« %s » is that town hall’s, not the relay’s', (reply) => {
    expect(senderLimit(reply)).toBe(false);
  });
});

describe('the same permanent refusal, message after message', () => {
  it('is told apart from each address’s own refusal by what it says once addresses and ids are out', () => {
    const a = relayRefusalKey('550 5.1.8 Access denied, bad outbound sender AS(42004) [DB8EUR05FT012.eop-eur05.prod.protection.outlook.com]');
    const b = relayRefusalKey('550 5.1.8 Access denied, bad outbound sender AS(42004) [AM0PR07MB4419.eurprd07.prod.outlook.com]');
    expect(a).toBeDefined();
    expect(a).toBe(b);
    expect(relayRefusalKey('554 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP')).toBeDefined();
    // Each town hall's own: never taken for the relay's, however many in a row.
    for (const own of ['550 5.1.1 <mairie@adon.fr>: Recipient address rejected: User unknown', '552 5.2.2 Mailbox full', '550 5.4.4 Unrouteable address', '550 Requested action not taken: mailbox unavailable', '550 No such user here']) {
      expect(relayRefusalKey(own), own).toBeUndefined();
    }
  });
});
