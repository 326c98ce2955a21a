import { describe, expect, it } from 'vitest';
import { classify } from '../src/delivery/transport.js';

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
    [{ responseCode: 552, command: 'DATA', response: '552 5.3.4 Message size exceeds fixed limit' }],
  ])('%o refuses this message only', (err) => {
    expect(classify(Object.assign(new Error(err.response), err)).kind).toBe('permanent');
  });

  it('a 5.7.x refusal of one message is said to be the receiving side\'s policy, not a bad address', () => {
    const err = { responseCode: 550, command: 'DATA', response: '550 5.7.1 Message rejected as spam by Content Filtering' };
    const d = classify(Object.assign(new Error(err.response), err));
    expect(d.kind).toBe('permanent');
    expect(d.message).toBe("refusé par la politique du serveur destinataire (550 5.7.1 : filtre anti-spam ou expéditeur non reconnu ; l'adresse n'est sans doute pas en cause)");
  });
});
