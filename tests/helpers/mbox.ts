import Database from 'better-sqlite3';
import type { MailSource } from '../../src/bounces/files.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const BOUNCE_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'bounces');

/** The corpus of bounce fixtures, by file name. */
export function bounceFixtures(): Map<string, Buffer> {
  return new Map(readdirSync(BOUNCE_FIXTURES).filter((f) => f.endsWith('.eml')).sort().map((f) => [f, readFileSync(join(BOUNCE_FIXTURES, f))]));
}

/** Messages as one mbox (mboxrd: "From " lines of a body are quoted with ">"). */
export function toMbox(messages: Buffer[]): Buffer {
  return Buffer.from(
    messages
      .map((m) => `From MAILER-DAEMON Fri Apr 10 10:15:02 2020\n${m.toString('latin1').replace(/\r\n/g, '\n').replace(/^(>*From )/gm, '>$1').replace(/\n*$/, '\n')}\n`)
      .join(''),
    'latin1',
  );
}

/**
 * The bounce fixtures are dated 10 April 2020, a quarter of an hour after the campaign's emails
 * left: the journal of a send made today is set back to that morning (10:15 in Paris), so that
 * the notices are not older than the emails they are about (a notice dated before the send is a
 * bounce of an older message, src/bounces/match.ts).
 */
export function sentOnCampaignMorning(campaignDir: string): void {
  const db = new Database(join(campaignDir, '.relais', 'journal.sqlite'));
  try {
    db.prepare("UPDATE deliveries SET created_at = '2020-04-10T08:14:00.000Z', sent_at = CASE WHEN sent_at IS NULL THEN NULL ELSE '2020-04-10T08:15:00.000Z' END WHERE destination = 'server'").run();
  } finally {
    db.close();
  }
}

/** A mailbox of one message, as relais bounces reads a mailbox (IMAP, mbox or folder alike). */
export function oneMessage(raw: Buffer, name = 'INBOX'): MailSource {
  return {
    description: name,
    async *messages() {
      yield { ref: `${name}/1`, raw };
    },
    async close() {},
  };
}

/**
 * Orléans's email as the journal keeps it once a server took it (the row relais bounces matches
 * notices against): sent the morning of 10 April 2020 unless said otherwise.
 */
export function sentToOrleans(
  journal: { exec(sql: string): unknown },
  campaign: string,
  channel: string,
  row: { hash?: string; messageId: string; attempts?: number; createdAt?: string; sentAt?: string },
): void {
  const created = row.createdAt ?? '2020-04-10T08:00:00.000Z';
  const sent = row.sentAt ?? '2020-04-10T08:05:00.000Z';
  journal.exec(`
    INSERT INTO deliveries (campaign, channel, commune, destination, server, departement, recipient, status, attempts, last_reply, message_hash, message_id, created_at, updated_at, sent_at)
    VALUES ('${campaign}', '${channel}', '45234', 'server', 'smtp.example:587', '45', 'mairie@orleans.example', 'sent', ${row.attempts ?? 1}, '250 2.0.0 Ok: queued',
      '${row.hash ?? 'aaaaaaaaaaaa0000'}', '${row.messageId}', '${created}', '${sent}', '${sent}');
  `);
}
