import { openJournalToRead } from './journal-schema.js';

/**
 * Which campaigns a journal holds, read without changing it (read-only, no migration): what
 * campagne.yaml's identity is checked against before anything runs (campaign/load.ts). Only what
 * reached people, or would be lost, counts: emails a server took or refused, bounces, posts on a
 * network or planned by hand. A rehearsal in the outbox and the campaign's own queued posts are
 * made again under any name.
 */
export interface JournalCampaign {
  campaign: string;
  emails: number;
  posts: number;
}

export function journalCampaigns(path: string): JournalCampaign[] {
  const db = openJournalToRead(path);
  try {
    const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    const found = new Map<string, JournalCampaign>();
    const of = (campaign: string) => found.get(campaign) ?? found.set(campaign, { campaign, emails: 0, posts: 0 }).get(campaign)!;
    if (tables.has('deliveries')) {
      const columns = new Set((db.prepare('PRAGMA table_info(deliveries)').all() as Array<{ name: string }>).map((c) => c.name));
      // Journals of format 3 and before have no destination: every row was a real send then.
      const where = columns.has('destination') ? "WHERE destination = 'server'" : '';
      for (const r of db.prepare(`SELECT campaign, count(*) AS n FROM deliveries ${where} GROUP BY campaign`).all() as Array<{ campaign: string; n: number }>) of(r.campaign).emails += r.n;
      // A campaign present only by its rehearsals is still this one.
      for (const c of db.prepare('SELECT DISTINCT campaign FROM deliveries').pluck().all() as string[]) of(c);
    }
    if (tables.has('posts')) {
      const rows = db.prepare("SELECT campaign, sum(status IN ('published', 'publishing', 'unconfirmed') OR (source <> 'campagne' AND status <> 'cancelled')) AS n FROM posts GROUP BY campaign").all() as Array<{ campaign: string; n: number }>;
      for (const r of rows) of(r.campaign).posts += r.n;
    }
    return [...found.values()];
  } finally {
    db.close();
  }
}
